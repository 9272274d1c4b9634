"""Pages of suggestions (建言献策) in the platform: the lists (all, 我提出的, 待答复, overdue referrals) with filters
and the Excel export, a member's new suggestion, the suggestion's page with its actions and timeline, groups of
similar suggestions, answer templates and the bulk answer. Views validate and call services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.suggestions import exports, intake, queries, services
from luoshi.suggestions import forms as sforms
from luoshi.suggestions.choices import SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionGroup

PAGE_SIZE = 50
MAX_SELECTED = 500
NOT_FOUND = gettext_lazy("未找到或无权查看。")

LISTS: dict[str, dict[str, Any]] = {
    "all": {"title": gettext_lazy("意见建议"), "params": {}},
    "mine": {"title": gettext_lazy("我提出的建议"), "params": {"mine": "true"}},
    "to_answer": {"title": gettext_lazy("待答复的建议"), "params": {"todo": "to_answer"}},
    "overdue": {"title": gettext_lazy("逾期未答复的转办"), "params": {"todo": "overdue"}},
}


def _may_use(user: Any) -> bool:
    return any(
        scope.has_perm_anywhere(user, perm) for perm in (Perm.SUGGEST, Perm.HANDLE_SUGGESTION, Perm.ANSWER_SUGGESTION)
    )


def require_use(user: Any) -> None:
    if not _may_use(user):
        raise NotAllowed(_("您没有使用建言献策的权限。"))


def load_suggestion(user: Any, pk: int) -> Suggestion:
    found = queries.visible(user).select_related("campaign__unit", "unit", "group", "submitted_by").filter(pk=pk)
    suggestion = found.first()
    if suggestion is None:
        raise Http404(NOT_FOUND)
    return suggestion


def _office_campaign(request: HttpRequest) -> Campaign:
    """The campaign of ``?campaign=`` (or the first) when the user is its office; otherwise 404."""
    user = actor(request)
    require_use(user)
    campaign = chosen_campaign(request, queries.handled_campaigns(user))
    if campaign is None:
        raise Http404(NOT_FOUND)
    return campaign


def _load_office(user: Any, queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).select_related("campaign__unit").first()
    if found is None or not queries.handles(user, found.campaign.unit.path):
        raise Http404(NOT_FOUND)
    return found


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "suggestions/form.html", context, status=status)


# --- lists ------------------------------------------------------------------------------------------------------


def _list(request: HttpRequest, which: str) -> HttpResponse:
    user = actor(request)
    require_use(user)
    params = request.GET.copy()
    for key, value in LISTS[which]["params"].items():
        params[key] = value
    filterset = queries.filtered(user, params, request)
    style_filters(filterset.form)
    page = Paginator(filterset.qs, ("-id",), PAGE_SIZE).page(request.GET)
    context = {
        "which": which,
        "title": LISTS[which]["title"],
        "filterset": filterset,
        "page": page,
        "campaigns": list(queries.campaign_choices(user)),
        "units": queries.filter_units(user),
        "office": scope.has_perm_anywhere(user, Perm.HANDLE_SUGGESTION),
        "can_suggest": scope.has_perm_anywhere(user, Perm.SUGGEST),
        "query": params.urlencode(),
    }
    return render(request, "suggestions/list.html", context)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """意见建议: every suggestion the user sees, with filters (state, category, unit, light, overdue, keywords)."""
    return _list(request, "all")


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我提出的建议."""
    return _list(request, "mine")


@require_GET
def to_answer(request: HttpRequest) -> HttpResponse:
    """待答复: the suggestions referred to the user's units, not yet answered."""
    return _list(request, "to_answer")


@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """逾期未答复: referrals past their deadline, for the office."""
    return _list(request, "overdue")


@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    try:
        content, _count = exports.suggestions_workbook(actor(request), request.GET)
    except RuleViolation as exc:
        return render(request, "suggestions/message.html", {"message": str(exc)}, status=400)
    return download(content, exports.download_name())


# --- a member's suggestion ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """提出建议 (a member in the platform)."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.SUGGEST):
        raise NotAllowed(_("您无权提出意见建议。"))
    campaigns = intake.accepting_campaigns().filter(pk__in=queries.campaign_choices(user).values("pk"))
    form = sforms.SuggestForm(request.POST or None, campaigns=campaigns, initial={"campaign": campaigns.first()})

    def create() -> Suggestion:
        return intake.submit_member_suggestion(user, **form.cleaned_data)

    made, status = submitted(request, form, create)
    if made is not None:
        messages.success(request, _("建议已提交，编号 %(number)s。") % {"number": made.number})
        return redirect("suggestions:detail", pk=made.pk)
    return _form_page(request, form, _("提出建议"), reverse("suggestions:mine"), status)


# --- a suggestion ------------------------------------------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A suggestion: its content, suggester (masked), referral, answer, adoption, conversions, the timeline the user
    may read (private notes marked 内部) and the actions open now."""
    user = actor(request)
    suggestion = load_suggestion(user, pk)
    insider = queries.insider(user, suggestion)
    office = queries.handles(user, suggestion.org_path)
    context = {
        "s": suggestion,
        "insider": insider,
        "office": office,
        "events": queries.timeline(user, suggestion),
        "allowed": services.available_actions(user, suggestion),
        "refusals": services.refusals(user, suggestion) if insider else {},
        "conversions": list(suggestion.conversions.select_related("task", "problem", "proposal", "made_by")),
        "similar": queries.similar(user, suggestion) if office else [],
        "group_rows": list(suggestion.group.suggestions.exclude(pk=suggestion.pk)[:20]) if suggestion.group else [],
    }
    return render(request, "suggestions/detail.html", context)


# --- groups of similar suggestions ------------------------------------------------------------------------------


@require_GET
def groups(request: HttpRequest) -> HttpResponse:
    """同类建议 of a campaign, with how many suggestions and how many wait for an answer."""
    campaign = _office_campaign(request)
    rows = queries.groups_for(campaign).annotate(
        total=Count("suggestions"),
        referred=Count("suggestions", filter=Q(suggestions__state=SuggestionState.REFERRED)),
    )
    page = Paginator(rows, ("-id",), PAGE_SIZE).page(request.GET)
    context = {"campaign": campaign, "campaigns": queries.handled_campaigns(actor(request)), "page": page}
    return render(request, "suggestions/groups.html", context)


@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    campaign = _office_campaign(request)
    user = actor(request)
    form = sforms.GroupForm(request.POST or None)
    made, status = submitted(request, form, lambda: services.create_group(user, campaign=campaign, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("同类建议「%(title)s」已新建。") % {"title": made.title})
        return redirect("suggestions:group", pk=made.pk)
    back = reverse("suggestions:groups") + f"?campaign={campaign.pk}"
    return _form_page(request, form, _("新建同类建议"), back, status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    group = _load_office(user, SuggestionGroup.objects.all(), pk)
    form = sforms.GroupForm(request.POST or None, initial={"title": group.title})
    made, status = submitted(request, form, lambda: services.rename_group(user, group, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("同类建议已保存。"))
        return redirect("suggestions:group", pk=group.pk)
    back = reverse("suggestions:group", args=[group.pk])
    return _form_page(request, form, _("修改同类建议"), back, status, campaign=group.campaign)


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A group: its suggestions (those the user sees) and the bulk answer of the referred ones."""
    user = actor(request)
    group = _load_office(user, SuggestionGroup.objects.all(), pk)
    rows = queries.visible(user).filter(group=group).select_related(*queries.RELATED)
    page = Paginator(rows, ("-id",), PAGE_SIZE).page(request.GET)
    referred = rows.filter(state=SuggestionState.REFERRED).count()
    return render(request, "suggestions/group.html", {"group": group, "page": page, "referred": referred})


# --- answer templates --------------------------------------------------------------------------------------------


@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    """答复模板 of a campaign."""
    campaign = _office_campaign(request)
    context = {
        "campaign": campaign,
        "campaigns": queries.handled_campaigns(actor(request)),
        "rows": queries.templates_for(campaign),
    }
    return render(request, "suggestions/templates.html", context)


@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    campaign = _office_campaign(request)
    user = actor(request)
    form = sforms.TemplateForm(request.POST or None)
    made, status = submitted(
        request, form, lambda: services.create_template(user, campaign=campaign, **form.cleaned_data)
    )
    back = reverse("suggestions:templates") + f"?campaign={campaign.pk}"
    if made is not None:
        messages.success(request, _("答复模板「%(title)s」已新增。") % {"title": made.title})
        return redirect(back)
    return _form_page(request, form, _("新增答复模板"), back, status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    found = _load_office(user, AnswerTemplate.objects.all(), pk)
    form = sforms.TemplateForm(request.POST or None, initial={"title": found.title, "text": found.text})
    made, status = submitted(request, form, lambda: services.update_template(user, found, **form.cleaned_data))
    back = reverse("suggestions:templates") + f"?campaign={found.campaign_id}"
    if made is not None:
        messages.success(request, _("答复模板已保存。"))
        return redirect(back)
    return _form_page(request, form, _("修改答复模板"), back, status, campaign=found.campaign)


@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    found = _load_office(user, AnswerTemplate.objects.all(), pk)
    services.delete_template(user, found)
    messages.success(request, _("答复模板已删除。"))
    return redirect(reverse("suggestions:templates") + f"?campaign={found.campaign_id}")


# --- the bulk answer ---------------------------------------------------------------------------------------------


def _selected(request: HttpRequest, user: Any) -> tuple[list[Suggestion], SuggestionGroup | None]:
    """The suggestions a bulk answer is for: a group's referred ones (``group``) or a selection (``ids``)."""
    source = request.POST if request.method == "POST" else request.GET
    group = None
    raw_group = source.get("group", "").strip()
    if raw_group:
        wanted = parse_id(raw_group)
        if wanted is None:
            raise BadRequest(_("参数无效。"))
        group = _load_office(user, SuggestionGroup.objects.all(), wanted)
        rows = queries.visible(user).filter(group=group, state=SuggestionState.REFERRED)
        return list(rows.select_related(*queries.RELATED)[:MAX_SELECTED]), group
    ids = [parse_id(v) for v in source.getlist("ids")]
    if any(i is None for i in ids) or len(ids) > MAX_SELECTED:
        raise BadRequest(_("参数无效。"))
    rows = queries.visible(user).filter(pk__in=ids).select_related(*queries.RELATED)
    return list(rows.order_by("id")), None


@require_http_methods(["GET", "POST"])
def bulk_answer(request: HttpRequest) -> HttpResponse:
    """批量答复: one answer for every referred suggestion of a group or of a selection, each through the engine;
    those not answerable now are skipped and counted."""
    user = actor(request)
    if not (
        scope.has_perm_anywhere(user, Perm.HANDLE_SUGGESTION) or scope.has_perm_anywhere(user, Perm.ANSWER_SUGGESTION)
    ):
        raise NotAllowed(_("您无权答复意见建议。"))
    chosen, group = _selected(request, user)
    initial: dict[str, Any] = {}
    template_id = parse_id(request.GET.get("template", ""))
    if template_id and chosen:
        found = queries.templates_for(chosen[0].campaign).filter(pk=template_id).first()
        initial["text"] = found.text if found else ""
    form = sforms.BulkAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.bulk_answer(user, chosen, text=data["text"], public=data["public"])
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            done, skipped = result.counts
            messages.success(
                request, _("已答复 %(done)s 条，跳过 %(skipped)s 条。") % {"done": done, "skipped": skipped}
            )
            return redirect(reverse("suggestions:group", args=[group.pk]) if group else reverse("suggestions:index"))
    templates_list = list(queries.templates_for(chosen[0].campaign)) if chosen else []
    context = {"form": form, "chosen": chosen, "group": group, "templates": templates_list}
    return render(request, "suggestions/bulk_answer.html", context)
