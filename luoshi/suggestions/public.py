"""The public side of suggestions (建言献策, 群众端): no login, phone-first.

File a suggestion to an active campaign (name and phone optional, or anonymous), keep the number and tracking
code shown once, follow it by number and code and read the answer and the adoption decision, and read the answers
the handling units chose to make public.

The tracking code never goes into a URL: the look-up is a POST, the suggestion found is kept in the session and
shown on the code-less ``track/`` page. Every POST carries Django's CSRF token, is rate-limited per client IP
(``LUOSHI_PUBLIC_RATE_LIMITS["suggest"]`` and ``["suggest_lookup"]``) and refused (413) when its body is too large,
before validation; bad input is a 400 with the form's messages and stores nothing. Private notes never show, nor
any personal data.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.public import body_too_large, check_phone, check_plain_text, rate_limited
from luoshi.suggestions import intake
from luoshi.suggestions.choices import EventKind, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion

FILED_KEY = "suggestion_filed"
TRACKED_KEY = "suggestion_tracked"
FILE_BUCKET, FILE_LIMIT = "suggest", (10, 3600)
LOOKUP_BUCKET, LOOKUP_LIMIT = "suggest_lookup", (60, 3600)
PUBLIC_EVENTS = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.TRIAGED,
        EventKind.REFERRED,
        EventKind.ANSWERED,
        EventKind.DECIDED,
        EventKind.DISMISSED,
        EventKind.CONVERTED,
    }
)
ANSWERED_STATES = (SuggestionState.ANSWERED, SuggestionState.CLOSED)
PER_PAGE = 20


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PhoneFirstForm(forms.Form):
    """Bootstrap classes on every widget and the telephone keyboard for the phone field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if name == "phone":
                widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})


class PublicSuggestionForm(PhoneFirstForm):
    """我要建言: the suggestion; name and phone are optional and dropped when anonymous."""

    campaign = CampaignChoiceField(
        label=gettext_lazy("活动"), queryset=Campaign.objects.none(), empty_label=gettext_lazy("请选择")
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=SuggestionCategory.choices, initial=SuggestionCategory.OTHER
    )
    title = forms.CharField(label=gettext_lazy("标题"), min_length=intake.TITLE_MIN, max_length=intake.TITLE_MAX)
    content = forms.CharField(
        label=gettext_lazy("建议内容"),
        min_length=intake.CONTENT_MIN,
        max_length=intake.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    topic = forms.CharField(label=gettext_lazy("主题（选填）"), max_length=intake.TOPIC_MAX, required=False)
    name = forms.CharField(label=gettext_lazy("姓名（选填）"), max_length=intake.NAME_MAX, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话（选填）"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=gettext_lazy("匿名提交（不留姓名和电话）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = intake.accepting_campaigns()
        field.error_messages["invalid_choice"] = _("请选择正在征集建议的活动。")

    def clean_title(self) -> str:
        return check_plain_text(self.cleaned_data["title"])

    def clean_content(self) -> str:
        return check_plain_text(self.cleaned_data["content"])

    def clean_topic(self) -> str:
        return check_plain_text(self.cleaned_data["topic"])

    def clean_name(self) -> str:
        return check_plain_text(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        return check_phone("".join(self.cleaned_data["phone"].split()))


class SuggestionTrackForm(PhoneFirstForm):
    """Number and tracking code (建议编号 + 查询码): the only key to a suggestion on the public side."""

    number = forms.CharField(label=gettext_lazy("建议编号"), max_length=24)
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=16)

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "suggestions/public_refused.html", {"message": message}, status=status)


def _guarded(request: HttpRequest, bucket: str, limit: tuple[int, int]) -> HttpResponse | None:
    if body_too_large(request):
        return refused(request, _("提交的内容过长，请精简后再提交。"), 413)
    if rate_limited(request, bucket, limit):
        return refused(request, _("操作过于频繁，请稍后再试。"), 429)
    return None


def _file_page(request: HttpRequest, form: PublicSuggestionForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "track_form": SuggestionTrackForm(), "open": intake.accepting_campaigns().exists()}
    return render(request, "suggestions/public_file.html", context, status=status)


@require_http_methods(["GET", "POST"])
def file_suggestion(request: HttpRequest) -> HttpResponse:
    """我要建言: a valid form becomes a suggestion; anything else stores nothing."""
    if request.method != "POST":
        initial = {"campaign": parse_id(request.GET.get("campaign", ""))}
        return _file_page(request, PublicSuggestionForm(initial=initial))
    if (guard := _guarded(request, FILE_BUCKET, FILE_LIMIT)) is not None:
        return guard
    form = PublicSuggestionForm(request.POST)
    if not form.is_valid():
        return _file_page(request, form, 400)
    try:
        suggestion, code = intake.submit_public_suggestion(**form.cleaned_data)
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return _file_page(request, form, 400)
    request.session[FILED_KEY] = [suggestion.number, code]
    return redirect("suggestions_public:filed")


@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    """The new suggestion's number and tracking code, shown once after the redirect."""
    pair = request.session.pop(FILED_KEY, None)
    if not pair:
        return redirect("suggestions_public:file")
    return render(request, "suggestions/public_filed.html", {"number": pair[0], "code": pair[1]})


def find(number: str, code: str) -> Suggestion | None:
    """The suggestion with this number and tracking code (any case); the public side needs only the code."""
    found = Suggestion.objects.select_related("campaign", "unit").filter(number=number).first()
    if found is None or not secrets.compare_digest(found.tracking_code.upper(), code.upper()):
        return None
    return found


def _track_context(suggestion: Suggestion) -> dict[str, Any]:
    events = suggestion.events.filter(private=False, kind__in=PUBLIC_EVENTS).order_by("at", "id")
    return {
        "suggestion": suggestion,
        "events": list(events),
        "answered": suggestion.state in ANSWERED_STATES and bool(suggestion.answer),
        "dismissed": suggestion.state == SuggestionState.DISMISSED,
        "form": SuggestionTrackForm(),
    }


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """进度查询: number and code by POST; the suggestion found shows on the code-less GET page.

    A wrong pair reads "not found", like a missing one."""
    if request.method != "POST":
        pk = request.session.get(TRACKED_KEY)
        found = Suggestion.objects.select_related("campaign", "unit").filter(pk=pk).first() if pk else None
        context = _track_context(found) if found else {"form": SuggestionTrackForm()}
        return render(request, "suggestions/public_track.html", context)
    if (guard := _guarded(request, LOOKUP_BUCKET, LOOKUP_LIMIT)) is not None:
        return guard
    form = SuggestionTrackForm(request.POST)
    found = find(form.cleaned_data["number"], form.cleaned_data["code"]) if form.is_valid() else None
    if found is None:
        request.session.pop(TRACKED_KEY, None)
        return render(request, "suggestions/public_track.html", {"form": form, "not_found": True}, status=404)
    request.session[TRACKED_KEY] = found.pk
    return redirect("suggestions_public:track")


def public_answers(campaign_id: int | None = None) -> Any:
    """Answers marked public (公开答复), newest first; only what the page shows, never who suggested."""
    found = Suggestion.objects.filter(answer_public=True, state__in=ANSWERED_STATES).exclude(answer="")
    if campaign_id:
        found = found.filter(campaign_id=campaign_id)
    return (
        found.select_related("campaign", "unit")
        .only(
            "number",
            "title",
            "category",
            "topic",
            "answer",
            "answered_at",
            "adoption",
            "adoption_reason",
            "state",
            "campaign__name",
            "unit__name",
        )
        .order_by("-answered_at", "-id")
    )


@require_GET
def answers(request: HttpRequest) -> HttpResponse:
    """答复公开: the public answers of every active campaign or one (``?campaign=``), 20 a page."""
    campaign_id = parse_id(request.GET.get("campaign", ""))
    page = Paginator(public_answers(campaign_id), PER_PAGE).get_page(request.GET.get("page"))
    campaigns = Campaign.objects.filter(suggestions__answer_public=True).distinct().order_by("-starts_on", "id")
    context = {"page": page, "campaigns": campaigns, "campaign_id": campaign_id}
    return render(request, "suggestions/public_answers.html", context)
