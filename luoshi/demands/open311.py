"""Open311 GeoReport v2 (开放 311 接口) over citizen demands, in JSON and XML.

Endpoints follow the published specification (http://wiki.open311.org/GeoReport_v2): discovery,
services (= demand categories, ``service_code`` is the category id), a service definition, requests
(GET list, POST create), one request, and token look-up. Errors are ``[{"code": …, "description": …}]``
with the matching HTTP status.

Writing needs an ``api_key`` listed in the ``LUOSHI_OPEN311_API_KEYS`` setting (environment variable of
the same name, comma-separated). Reading is public, so it shows no personal data: ``description`` is the
ticket's title, address and coordinates are left out, and reports (举报) are never listed. The ``token``
a POST returns is the ticket's tracking code (查询码), the same key the public pages use.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.core.errors import RuleViolation
from luoshi.core.filters import FIRST_DAY, LAST_DAY
from luoshi.core.public import body_too_large, check_phone, check_plain_text
from luoshi.demands import services
from luoshi.demands.choices import DemandKind, DemandState
from luoshi.demands.models import Category, Demand
from luoshi.demands.public_checks import channel, rate_limited

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00Z"
CLOSED_STATES = (DemandState.FINISHED, DemandState.CALLED_BACK, DemandState.ARCHIVED)
OPEN311_CHANNEL = ("open311", "Open311")
MAX_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
# The XML element that holds each item of a list, by the list's element name.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- JSON and XML ---------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _xml_value(node, XML_ITEMS.get(tag, "item"), item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render_xml(root: str, data: Any) -> bytes:
    document = ET.Element("root")
    _xml_value(document, root, data)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(document[0], encoding="utf-8", xml_declaration=False)


def answer(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(render_xml(root, data), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, exc: Open311Error) -> HttpResponse:
    return answer(fmt, "errors", [{"code": exc.status, "description": exc.description}], exc.status)


def w3c(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- what is published ------------------------------------------------------------------------------


def service_of(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent_id and category.parent else "",
    }


def request_of(demand: Demand) -> dict[str, Any]:
    closed = demand.state in CLOSED_STATES
    return {
        "service_request_id": demand.number,
        "status": "closed" if closed else "open",
        "status_notes": demand.get_outcome_display() if closed and demand.outcome else demand.get_state_display(),
        "service_name": demand.category.name,
        "service_code": str(demand.category_id),
        "description": demand.title,
        "agency_responsible": (demand.handling_unit or demand.dispatcher_unit).name,
        "service_notice": "",
        "requested_datetime": w3c(demand.received_at),
        "updated_datetime": w3c(demand.updated_at),
        "expected_datetime": w3c(demand.resolve_due),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def published() -> QuerySet[Demand]:
    """Tickets Open311 may show: everything but reports (举报), whose filer must stay unknown."""
    return Demand.objects.exclude(kind=DemandKind.REPORT).select_related("category", "handling_unit", "dispatcher_unit")


# --- discovery and services ---------------------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    return answer(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": getattr(settings, "LUOSHI_OPEN311_CONTACT", ""),
            "key_service": getattr(settings, "LUOSHI_OPEN311_KEY_SERVICE", ""),
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = Category.objects.select_related("parent").order_by("order", "id")
    return answer(fmt, "services", [service_of(c) for c in categories])


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if not code.isdigit() or not Category.objects.filter(pk=code).exists():
        return error(fmt, Open311Error(404, f"service_code {code} not found"))
    return answer(fmt, "service_definition", {"service_code": code, "attributes": []})


# --- requests ---------------------------------------------------------------------------------------


def _moment(params: Any, name: str) -> dt.datetime | None:
    text = params.get(name)
    if not text:
        return None
    try:  # an impossible date or an offset of a day or more is as wrong as a malformed one
        moment = parse_datetime(text.replace(" ", "+"))
    except (ValueError, OverflowError):
        moment = None
    if moment is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise Open311Error(400, f"{name} must be a W3C datetime between 1900 and 2999, e.g. 2010-01-01T00:00:00Z")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _codes(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise Open311Error(400, "service_code must be a comma-separated list of service codes") from exc


def filtered(params: Any) -> QuerySet[Demand]:
    """The GET requests filters of the specification; ``service_request_id`` overrides all the others."""
    demands = published()
    if params.get("service_request_id"):
        return demands.filter(number__in=[n.strip() for n in params["service_request_id"].split(",")])
    end = _moment(params, "end_date") or timezone.now()
    start = _moment(params, "start_date") or end - MAX_WINDOW
    if end < start or end - start > MAX_WINDOW:
        raise Open311Error(400, "start_date and end_date must span at most 90 days")
    demands = demands.filter(received_at__gte=start, received_at__lte=end)
    if params.get("service_code"):
        demands = demands.filter(category_id__in=_codes(params["service_code"]))
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if statuses == {"open"}:
        demands = demands.exclude(state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        demands = demands.filter(state__in=CLOSED_STATES)
    return demands


def _text(params: Any, name: str, limit: int, required: bool = False) -> str:
    value = (params.get(name) or "").strip()
    if required and not value:
        raise Open311Error(400, f"{name} is required")
    if len(value) > limit:
        raise Open311Error(400, f"{name} is longer than {limit} characters")
    try:
        return check_plain_text(value)
    except ValidationError as exc:
        raise Open311Error(400, f"{name}: {exc.messages[0]}") from exc


def _location(params: Any) -> tuple[str, str | None, str | None]:
    lat, lon = params.get("lat") or None, params.get("long") or None
    address = _text(params, "address_string", 200) or _text(params, "address_id", 200)
    if not address and not (lat and lon):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    return address, lat, lon


def check_key(params: Any) -> None:
    keys = [k for k in getattr(settings, "LUOSHI_OPEN311_API_KEYS", []) if k]
    given = params.get("api_key") or ""
    if not given:
        raise Open311Error(400, "api_key is required")
    if not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
        raise Open311Error(403, "api_key is not valid")


def create(params: Any) -> Demand:
    """POST requests: a new ticket from an Open311 client, through the intake service."""
    check_key(params)
    code = _text(params, "service_code", 12, required=True)
    category = Category.objects.filter(pk=code).first() if code.isdigit() else None
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    description = _text(params, "description", 4000, required=True)
    address, lat, lon = _location(params)
    name = _text(params, "last_name", 20) + _text(params, "first_name", 20)
    try:
        phone = check_phone(_text(params, "phone", 20))
    except ValidationError as exc:
        raise Open311Error(400, f"phone: {exc.messages[0]}") from exc
    try:
        with transaction.atomic():
            return _receive(category, description, name, phone, address, lat, lon)
    except RuleViolation as exc:
        raise Open311Error(400, str(exc)) from exc


def _receive(category: Category, description: str, name: str, phone: str, address: str, lat: Any, lon: Any) -> Demand:
    return services.receive_demand(
        None,
        channel=channel(*OPEN311_CHANNEL),
        category=category,
        title=description.splitlines()[0][:60],
        content=description,
        citizen_name=name,
        citizen_phone=phone,
        address=address,
        latitude=lat,
        longitude=lon,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        if request.method == "POST":
            return _post(request, fmt)
        return answer(fmt, "service_requests", [request_of(d) for d in filtered(request.GET)[:MAX_RESULTS]])
    except Open311Error as exc:
        return error(fmt, exc)


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    if body_too_large(request):
        raise Open311Error(413, "request body too large")
    if rate_limited(request, "open311"):
        raise Open311Error(429, "too many requests, try again later")
    demand = create(request.POST)
    created = {
        "service_request_id": demand.number,
        "token": demand.tracking_code,
        "service_notice": "",
        "account_id": None,
    }
    return answer(fmt, "service_requests", [created], 201)


def _one(fmt: str, demands: Iterable[Demand], what: str) -> HttpResponse:
    found = list(demands)
    if not found:
        return error(fmt, Open311Error(404, f"{what} not found"))
    return answer(fmt, "service_requests", [request_of(d) for d in found])


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    return _one(fmt, published().filter(number=request_id), f"service_request_id {request_id}")


@require_GET
def token_lookup(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if rate_limited(request, "lookup"):
        return error(fmt, Open311Error(429, "too many requests, try again later"))
    demand = published().filter(tracking_code=token).first()
    if demand is None:
        return error(fmt, Open311Error(404, f"token {token} not found"))
    return answer(fmt, "service_requests", [{"service_request_id": demand.number, "token": token}])
