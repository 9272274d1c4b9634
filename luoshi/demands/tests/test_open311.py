"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): fields, formats, errors, writing and filters."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.core import crypto
from luoshi.demands.choices import DemandKind, DemandState
from luoshi.demands.models import Category, Demand
from luoshi.demands.tests.public_helpers import CITIZEN_NAME, CITIZEN_PHONE, categories, finished, received
from luoshi.testing.scope_matrix import database_footprint
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
KEY = "test-open311-key"
# The published GeoReport v2 field lists.
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
CREATED_FIELDS = {"service_request_id", "token", "service_notice", "account_id"}


@pytest.fixture(autouse=True)
def open311_settings(settings: Any) -> None:
    settings.LUOSHI_OPEN311_API_KEYS = [KEY]
    cache.clear()


@pytest.fixture
def cats(world: World) -> dict[str, Category]:
    return categories()


def url(name: str, fmt: str = "json", **kw: Any) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kw})


def get_json(client: Client, address: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(address, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def get_xml(client: Client, address: str, expect: int = 200, **params: Any) -> ET.Element:
    response = client.get(address, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own answer


def spec_error(body: Any, code: int) -> str:
    """The specification's error format: a list of ``{"code", "description"}``."""
    assert isinstance(body, list)
    assert len(body) == 1
    assert set(body[0]) == {"code", "description"}
    assert body[0]["code"] == code
    assert body[0]["description"]
    return str(body[0]["description"])


def test_discovery_in_json_and_xml(client: Client) -> None:
    body = get_json(client, url("discovery"))
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert "application/json" in endpoint["formats"]
    root = get_xml(client, url("discovery", "xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_service_list_names_every_category_with_the_spec_fields(client: Client, cats: Any) -> None:
    services = get_json(client, url("services"))
    assert all(set(s) == SERVICE_FIELDS for s in services)
    by_code = {s["service_code"]: s for s in services}
    lift = by_code[str(cats["物业服务"].pk)]
    assert lift["service_name"] == "物业服务"
    assert lift["group"] == "物业管理"
    assert lift["metadata"] is False
    root = get_xml(client, url("services", "xml"))
    assert root.tag == "services"
    assert len(root.findall("service")) == Category.objects.count()
    assert {s.findtext("service_code") for s in root.findall("service")} == set(by_code)


def test_service_definition_and_unknown_code(client: Client, cats: Any) -> None:
    code = str(cats["交通"].pk)
    assert get_json(client, url("service", code=code)) == {"service_code": code, "attributes": []}
    assert get_xml(client, url("service", "xml", code=code)).findtext("service_code") == code
    assert "not found" in spec_error(get_json(client, url("service", code="999999"), 404), 404)
    spec_error(get_json(client, url("service", code="not-a-code"), 404), 404)
    errors = get_xml(client, url("service", "xml", code="999999"), 404)
    assert errors.tag == "errors"
    assert errors.findtext("error/code") == "404"


def post(client: Client, fmt: str = "json", **kw: Any) -> Any:
    data = {"api_key": KEY, "description": "红绿灯坏了，路口拥堵", "lat": "39.904200", "long": "116.407400", **kw}
    return client.post(url("requests", fmt), data)


def test_posting_a_request_files_a_demand_and_returns_its_id_and_token(client: Client, cats: Any) -> None:
    response = post(
        client,
        service_code=cats["交通"].pk,
        first_name="秀英",
        last_name="王",
        phone=CITIZEN_PHONE,
        email="w@example.cn",
    )
    assert response.status_code == 201
    created = json.loads(response.content)
    assert len(created) == 1
    assert set(created[0]) == CREATED_FIELDS
    demand = Demand.objects.get()
    assert created[0]["service_request_id"] == demand.number
    assert created[0]["token"] == demand.tracking_code
    assert demand.channel.code == "open311"
    assert demand.state == DemandState.RECEIVED
    assert crypto.decrypt(demand.citizen_name_enc) == CITIZEN_NAME
    assert crypto.decrypt(demand.citizen_phone_enc) == CITIZEN_PHONE
    assert str(demand.latitude) == "39.904200"
    assert demand.title == "红绿灯坏了，路口拥堵"


def test_posting_in_xml_answers_in_xml(client: Client, cats: Any) -> None:
    response = post(client, "xml", service_code=cats["交通"].pk, address_string="东城区建国路 1 号")
    assert response.status_code == 201
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == Demand.objects.get().number
    assert Demand.objects.get().address == "东城区建国路 1 号"


POST_ERRORS = {
    "no api_key": ({"api_key": ""}, 400),
    "wrong api_key": ({"api_key": "guess"}, 403),
    "no service_code": ({"service_code": ""}, 400),
    "unknown service_code": ({"service_code": "999999"}, 404),
    "no description": ({"description": ""}, 400),
    "no location": ({"lat": "", "long": ""}, 400),
    "latitude out of range": ({"lat": "123.0"}, 400),
    "latitude not a number": ({"lat": "NaN"}, 400),
    "longitude infinite": ({"long": "-Infinity"}, 400),
    "latitude huge": ({"lat": "1e999999"}, 400),
    "script in description": ({"description": "<script>alert(1)</script>"}, 400),
    "bad phone": ({"phone": "call me"}, 400),
    "description too long": ({"description": "长" * 4001}, 400),
    "oversized body": ({"description": "长" * 6000}, 413),
}


@pytest.mark.parametrize(("change", "status"), POST_ERRORS.values(), ids=POST_ERRORS.keys())
def test_refused_posts_answer_in_the_spec_error_format_and_store_nothing(
    client: Client, cats: Any, change: dict[str, Any], status: int
) -> None:
    before = database_footprint()
    response = post(client, **{"service_code": cats["交通"].pk, **change})
    assert response.status_code == status
    spec_error(json.loads(response.content), status)
    assert database_footprint() == before


def test_posts_are_rate_limited(client: Client, cats: Any, settings: Any) -> None:
    settings.LUOSHI_PUBLIC_RATE_LIMITS = {"open311": (1, 3600)}
    assert post(client, service_code=cats["交通"].pk).status_code == 201
    refused = post(client, service_code=cats["交通"].pk)
    assert refused.status_code == 429
    assert spec_error(json.loads(refused.content), 429)
    assert Demand.objects.count() == 1


def test_a_request_reads_back_with_the_spec_fields_and_no_personal_data(
    client: Client, world: World, cats: Any
) -> None:
    demand = received(cats["物业服务"], address="幸福小区 3 号楼 502 室", content="我是王秀英，电话 13812345678")
    body = get_json(client, url("request", request_id=demand.number))
    assert len(body) == 1
    assert set(body[0]) == REQUEST_FIELDS
    item = body[0]
    assert item["service_request_id"] == demand.number
    assert item["status"] == "open"
    assert item["service_code"] == str(cats["物业服务"].pk)
    assert item["description"] == demand.title
    text = json.dumps(body, ensure_ascii=False)
    assert CITIZEN_NAME not in text
    assert CITIZEN_PHONE not in text
    assert "502" not in text
    root = get_xml(client, url("request", "xml", request_id=demand.number))
    assert root.findtext("request/status") == "open"
    spec_error(get_json(client, url("request", request_id="nosuch"), 404), 404)


def test_token_lookup(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    body = get_json(client, url("token", token=demand.tracking_code))
    assert body == [{"service_request_id": demand.number, "token": demand.tracking_code}]
    spec_error(get_json(client, url("token", token="NOSUCHTOKEN"), 404), 404)


def ids(client: Client, **params: Any) -> set[str]:
    return {r["service_request_id"] for r in get_json(client, url("requests"), **params)}


def test_request_list_filters(client: Client, world: World, cats: Any) -> None:
    lift = received(cats["物业服务"])
    road = finished(world, received(cats["交通"]))
    old = received(cats["交通"], received_at=timezone.now() - dt.timedelta(days=200))
    secret = received(cats["交通"], kind=DemandKind.REPORT)
    assert ids(client) == {lift.number, road.number}
    assert ids(client, status="open") == {lift.number}
    assert ids(client, status="closed") == {road.number}
    assert ids(client, status="open,closed") == {lift.number, road.number}
    assert ids(client, service_code=str(cats["交通"].pk)) == {road.number}
    assert ids(client, service_request_id=f"{old.number},{lift.number},{secret.number}") == {old.number, lift.number}
    start = (timezone.now() - dt.timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client, start_date=start, end_date=end) == {old.number}
    assert get_json(client, url("requests"))[0]["status"] in {"open", "closed"}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "abc"},
    ],
)
def test_bad_list_filters_are_400s(client: Client, params: dict[str, str]) -> None:
    spec_error(get_json(client, url("requests"), 400, **params), 400)


def test_xml_request_list(client: Client, world: World, cats: Any) -> None:
    demand = received(cats["交通"])
    root = get_xml(client, url("requests", "xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [demand.number]
    assert {child.tag for child in root.find("request") or []} == REQUEST_FIELDS


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T00:00:00+99:00",  # offsets of a day or more
        "2026-01-01T00:00:00-25:00",
        "0001-01-01T00:00:00+14:00",  # before year 1 once in UTC
        "9999-12-31T23:59:59-14:00",  # after year 9999 once in UTC
        "2026-13-01T00:00:00Z",
    ],
)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_impossible_dates_and_time_offsets_are_a_400_in_the_spec_format(world: World, name: str, value: str) -> None:
    response = Client(raise_request_exception=False).get("/open311/v2/requests.json", {name: value})
    assert response.status_code == 400
    assert name in response.json()[0]["description"]
