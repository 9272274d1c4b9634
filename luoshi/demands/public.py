"""The public side (群众端): file a demand or a suggestion, follow it by number and tracking code, rate it.

The tracking code never goes into a URL: the look-up is a POST, the ticket found is kept in the session and
shown on the code-less ``track/`` page (also after a rating, which redirects there). Codes are matched
without regard to case.

No login. Every POST carries Django's CSRF token; filing and look-ups are rate-limited per client IP
(``LUOSHI_PUBLIC_RATE_LIMITS``); bodies over ``LUOSHI_PUBLIC_MAX_BODY_BYTES`` are refused (413) before validation.
Pages show no personal data: the citizen's name and phone appear masked at most.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.core.errors import RuleViolation
from luoshi.core.public import body_too_large, check_phone, check_plain_text
from luoshi.demands import services
from luoshi.demands.choices import DemandEventKind, DemandKind, DemandState, Satisfaction
from luoshi.demands.models import Category, Demand
from luoshi.demands.public_checks import channel, rate_limited

PUBLIC_KINDS = [
    (k.value, k.label) for k in (DemandKind.HELP, DemandKind.COMPLAINT, DemandKind.INQUIRY, DemandKind.SUGGESTION)
]
PUBLIC_EVENTS = frozenset(
    {
        DemandEventKind.RECEIVED,
        DemandEventKind.DISPATCHED,
        DemandEventKind.SIGNED,
        DemandEventKind.RESPONDED,
        DemandEventKind.FINISHED,
        DemandEventKind.CALLED_BACK,
        DemandEventKind.ARCHIVED,
        DemandEventKind.REDONE,
    }
)
FILED_KEY = "public_filed"
TRACKED_KEY = "public_tracked"
WEB_CHANNEL = ("web", "网站")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else str(obj.name)


class PhoneFriendlyForm(forms.Form):
    """Bootstrap classes on every widget, and the right keyboard for phone numbers on a phone."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if name == "citizen_phone":
                widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})


class DemandFilingForm(PhoneFriendlyForm):
    """The citizen's filing form (我要反映)."""

    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=PUBLIC_KINDS, initial=DemandKind.HELP)
    category = CategoryChoiceField(
        label=gettext_lazy("事项分类"),
        queryset=Category.objects.select_related("parent"),
        empty_label=gettext_lazy("请选择"),
    )
    title = forms.CharField(label=gettext_lazy("标题"), min_length=4, max_length=60)
    content = forms.CharField(
        label=gettext_lazy("具体内容"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    address = forms.CharField(label=gettext_lazy("地址"), max_length=120, required=False)
    citizen_name = forms.CharField(label=gettext_lazy("姓名"), max_length=20)
    citizen_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20)

    def clean_title(self) -> str:
        return check_plain_text(self.cleaned_data["title"])

    def clean_content(self) -> str:
        return check_plain_text(self.cleaned_data["content"])

    def clean_address(self) -> str:
        return check_plain_text(self.cleaned_data["address"])

    def clean_citizen_name(self) -> str:
        return check_plain_text(self.cleaned_data["citizen_name"])

    def clean_citizen_phone(self) -> str:
        return check_phone(self.cleaned_data["citizen_phone"])


class TrackForm(PhoneFriendlyForm):
    """Number and tracking code (工单编号 + 查询码): the only key to a ticket on the public side."""

    number = forms.CharField(label=gettext_lazy("工单编号"), max_length=24)
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=16)

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


def normalise_code(code: str) -> str:
    """A tracking code as stored: no spaces, capitals (codes are read out over the phone in any case)."""
    return "".join(str(code).split()).upper()


class RatingForm(PhoneFriendlyForm):
    number = forms.CharField(max_length=24, widget=forms.HiddenInput)
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_note(self) -> str:
        return check_plain_text(self.cleaned_data["note"])


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "demands/public/refused.html", {"message": message}, status=status)


def too_many(request: HttpRequest) -> HttpResponse:
    return refused(request, _("操作过于频繁，请稍后再试。"), 429)


def too_large(request: HttpRequest) -> HttpResponse:
    return refused(request, _("提交的内容过长，请精简后再提交。"), 413)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "demands/public/home.html", {"track_form": TrackForm()})


@require_http_methods(["GET", "POST"])
def file_demand(request: HttpRequest) -> HttpResponse:
    """我要反映: a valid form becomes a ticket; anything else stores nothing."""
    if request.method != "POST":
        return render(request, "demands/public/file.html", {"form": DemandFilingForm()})
    if body_too_large(request):
        return too_large(request)
    if rate_limited(request, "file"):
        return too_many(request)
    form = DemandFilingForm(request.POST)
    if not form.is_valid():
        return render(request, "demands/public/file.html", {"form": form}, status=400)
    with transaction.atomic():
        demand = services.receive_demand(None, channel=channel(*WEB_CHANNEL), **form.cleaned_data)
    request.session[FILED_KEY] = [demand.number, demand.tracking_code]
    return redirect("public:filed")


@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    """Shows the new ticket's number and tracking code once, after the redirect."""
    pair = request.session.pop(FILED_KEY, None)
    if not pair:
        return redirect("public:home")
    return render(request, "demands/public/filed.html", {"number": pair[0], "code": pair[1]})


def find(number: str, code: str) -> Demand | None:
    """The ticket with this number and tracking code (any case); the public side needs no scope, only the code."""
    demand = Demand.objects.select_related("category", "handling_unit").filter(number=number.strip()).first()
    if demand is None or not secrets.compare_digest(demand.tracking_code.upper(), normalise_code(code)):
        return None
    return demand


def tracked(request: HttpRequest) -> Demand | None:
    """The ticket this browser looked up last (kept in the session, never in a URL)."""
    pk = request.session.get(TRACKED_KEY)
    return Demand.objects.select_related("category", "handling_unit").filter(pk=pk).first() if pk else None


def track_context(demand: Demand, rating_form: RatingForm | None = None) -> dict[str, Any]:
    events = [e for e in demand.events.order_by("at", "id") if e.kind in PUBLIC_EVENTS]
    can_rate = demand.state == DemandState.FINISHED
    return {
        "demand": demand,
        "events": events,
        "can_rate": can_rate,
        "rating_form": rating_form or (RatingForm(initial={"number": demand.number}) if can_rate else None),
        "form": TrackForm(),
    }


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """进度查询: number and tracking code by POST; the ticket found shows on the code-less GET page.

    A wrong pair reads "not found", like a missing one."""
    if request.method != "POST":
        demand = tracked(request)
        context = track_context(demand) if demand else {"form": TrackForm()}
        return render(request, "demands/public/track.html", context)
    if body_too_large(request):
        return too_large(request)
    if rate_limited(request, "lookup"):
        return too_many(request)
    form = TrackForm(request.POST)
    demand = find(form.cleaned_data["number"], form.cleaned_data["code"]) if form.is_valid() else None
    if demand is None:
        request.session.pop(TRACKED_KEY, None)
        return render(request, "demands/public/track.html", {"form": form, "not_found": True}, status=404)
    request.session[TRACKED_KEY] = demand.pk
    return redirect("public:track")


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """群众评价: rates the finished ticket looked up in this session, once, through the callback service;
    redirects to the progress page with a message."""
    if body_too_large(request):
        return too_large(request)
    if rate_limited(request, "lookup"):
        return too_many(request)
    form = RatingForm(request.POST)
    demand = tracked(request)
    if demand is None or request.POST.get("number", "").strip() != demand.number:
        return render(request, "demands/public/track.html", {"form": TrackForm(), "not_found": True}, status=404)
    if not form.is_valid():
        return render(request, "demands/public/track.html", track_context(demand, form), status=400)
    try:
        services.call_back(None, demand, satisfaction=form.cleaned_data["satisfaction"], note=form.cleaned_data["note"])
    except RuleViolation as exc:
        return render(request, "demands/public/track.html", {**track_context(demand), "error": str(exc)}, status=409)
    messages.success(request, _("感谢您的评价！"))
    return redirect("public:track")
