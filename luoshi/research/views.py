"""Pages of research (调查研究): a campaign's directions and topics with plan counts, settings, topic import and
export; research plans (list, 我的调研, detail, form, export). Views validate and call services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm, Role
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core import htmx
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import set_choices, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.research import exports, imports, queries, services
from luoshi.research import forms as rforms
from luoshi.research.choices import Decision, PlanState
from luoshi.research.filters import PlanFilterSet
from luoshi.research.models import PlanFile, ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_response

PAGE_SIZE = 50
SHOWN_UNITS = 300


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看调查研究的权限。"))


def _campaigns(request: HttpRequest) -> tuple[list[Campaign], Campaign | None]:
    user = actor(request)
    require_view(user)
    campaigns = list(queries.campaign_choices(user))
    return campaigns, chosen_campaign(request, campaigns)


def _managed_campaign(request: HttpRequest) -> Campaign:
    """The campaign of ``?campaign=`` when the user is its office; otherwise as if missing (404)."""
    user = actor(request)
    require_view(user)
    managed = [c for c in queries.campaign_choices(user) if queries.manages(user, c)]
    campaign = chosen_campaign(request, managed)
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    return campaign


def load_plan(user: Any, pk: int) -> ResearchPlan:
    related = ResearchPlan.objects.select_related("campaign__unit", "topic__direction", "unit", "leader", "created_by")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _load_managed(user: Any, queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).select_related("campaign__unit").first()
    if found is None or not queries.manages(user, found.campaign):
        raise Http404(_("未找到或无权查看。"))
    return found


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "research/form.html", {"form": form, "title": title, "back": back, **extra}, status=status)


def _index_url(campaign: Campaign) -> str:
    return reverse("research:index") + f"?campaign={campaign.pk}"


# --- directions, topics, settings ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """调查研究: the campaign's directions with their topics and the plans per state."""
    campaigns, campaign = _campaigns(request)
    user = actor(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "rows": [], "states": PlanState.choices}
    if campaign is not None:
        context["rows"] = queries.overview(user, campaign)
        context["manages"] = queries.manages(user, campaign)
        context["settings"] = services.settings_for(campaign)
        context["can_plan"] = scope.has_perm_anywhere(user, Perm.PLAN_RESEARCH) and campaign.is_active
    return render(request, "research/index.html", context)


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """调研设置 of a campaign: the most review rounds of a plan."""
    campaign = _managed_campaign(request)
    user = actor(request)
    form = rforms.SettingsForm(
        request.POST or None, initial={"max_review_rounds": services.settings_for(campaign).max_review_rounds}
    )
    made, status = submitted(request, form, lambda: services.update_settings(user, campaign, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("调研设置已保存。"))
        return redirect(_index_url(campaign))
    return _form_page(request, form, _("调研设置"), _index_url(campaign), status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def direction_new(request: HttpRequest) -> HttpResponse:
    campaign = _managed_campaign(request)
    user = actor(request)
    form = rforms.DirectionForm(request.POST or None)
    made, status = submitted(
        request, form, lambda: services.create_direction(user, campaign=campaign, **form.cleaned_data)
    )
    if made is not None:
        messages.success(request, _("调研方向「%(name)s」已新增。") % {"name": made.name})
        return redirect(_index_url(campaign))
    return _form_page(request, form, _("新增调研方向"), _index_url(campaign), status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def direction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    direction = _load_managed(user, ResearchDirection.objects.all(), pk)
    form = rforms.DirectionForm(request.POST or None, initial={"name": direction.name, "order": direction.order})

    def save() -> ResearchDirection:
        data = form.cleaned_data
        return services.update_direction(user, direction, name=data["name"], order=data["order"] or 0)

    made, status = submitted(request, form, save)
    if made is not None:
        messages.success(request, _("调研方向已保存。"))
        return redirect(_index_url(direction.campaign))
    back = _index_url(direction.campaign)
    return _form_page(request, form, _("修改调研方向"), back, status, campaign=direction.campaign)


def _topic_form(request: HttpRequest, campaign: Campaign, initial: dict[str, Any] | None = None) -> rforms.TopicForm:
    directions = ResearchDirection.objects.filter(campaign=campaign).order_by("order", "id")
    return rforms.TopicForm(request.POST or None, initial=initial, directions=directions)


@require_http_methods(["GET", "POST"])
def topic_new(request: HttpRequest) -> HttpResponse:
    campaign = _managed_campaign(request)
    user = actor(request)
    wanted = parse_id(request.GET.get("direction", ""))
    form = _topic_form(request, campaign, {"direction": wanted} if wanted else None)
    made, status = submitted(request, form, lambda: services.create_topic(user, campaign=campaign, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("调研课题「%(title)s」已新增。") % {"title": made.title})
        return redirect(_index_url(campaign))
    return _form_page(request, form, _("新增调研课题"), _index_url(campaign), status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    topic = _load_managed(user, ResearchTopic.objects.all(), pk)
    initial = {
        "direction": topic.direction_id,
        "title": topic.title,
        "description": topic.description,
        "is_counter_example": topic.is_counter_example,
    }
    form = _topic_form(request, topic.campaign, initial)
    made, status = submitted(request, form, lambda: services.update_topic(user, topic, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("调研课题已保存。"))
        return redirect(_index_url(topic.campaign))
    return _form_page(request, form, _("修改调研课题"), _index_url(topic.campaign), status, campaign=topic.campaign)


@require_GET
def topic_template(request: HttpRequest) -> HttpResponseBase:
    campaign = _managed_campaign(request)
    buffer = io.BytesIO()
    imports.build_template(campaign, buffer)
    return download(buffer.getvalue(), _("调研课题导入模板-{number}.xlsx").format(number=campaign.pk))


@require_GET
def topic_export(request: HttpRequest) -> HttpResponseBase:
    _listed, campaign = _campaigns(request)
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    content = exports.topics_workbook(actor(request), campaign)
    return download(content, _("调研课题-{name}.xlsx").format(name=campaign.name))


@require_http_methods(["GET", "POST"])
def topic_import(request: HttpRequest) -> HttpResponse:
    """导入课题清单: every row checked first; any error and nothing is imported, each error by row and column."""
    campaign = _managed_campaign(request)
    user = actor(request)
    form = rforms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "errors": [], "campaign": campaign}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = imports.check_file(upload)
            ids = imports.import_topics(user, campaign, upload, checked.name, checked.sha256)
        except imports.ImportRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except RuleViolation as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("已导入 %(count)s 个调研课题。") % {"count": len(ids)})
            return redirect(_index_url(campaign))
    return render(request, "research/import.html", context)


# --- plans ------------------------------------------------------------------------------------------------------


def _plan_list(request: HttpRequest, mine: bool) -> HttpResponse:
    user = actor(request)
    require_view(user)
    params = request.GET.copy()
    if mine:
        params["mine"] = "true"
    filterset = PlanFilterSet(params, queryset=queries.plans_for(user), user=user, request=request)
    style_filters(filterset.form)
    page = Paginator(filterset.qs, ("-id",), PAGE_SIZE).page(request.GET)
    context = {"filterset": filterset, "page": page, "mine": mine, "query": request.GET.urlencode()}
    if htmx.swaps(request, "plans"):  # the filter form asks for the results alone
        return render(request, "research/_plans.html", {**context, "oob": True})
    topics = queries.topics_for(user).order_by("campaign_id", "direction__order", "id")
    directions = queries.directions_for(user).order_by("campaign_id", "order", "id")
    context |= {
        "campaigns": list(queries.campaign_choices(user)),
        "topics": topics[:500],
        "directions": directions[:200],
        "units": _filter_units(user),
        "can_plan": scope.has_perm_anywhere(user, Perm.PLAN_RESEARCH),
    }
    return render(request, "research/plans.html", context)


def _filter_units(user: Any) -> list[Unit]:
    """The units offered by the unit filter: the user's top units and the units just under them."""
    tops = scope.scope_paths(user, Perm.VIEW)
    found = Unit.objects.filter(Q(path__in=tops) | Q(parent__path__in=tops)).order_by("path")
    return list(found[:SHOWN_UNITS])


def plans(request: HttpRequest) -> HttpResponse:
    """调研方案: every plan the user sees, with filters (campaign, direction, topic, state, unit, counter-example)."""
    return _plan_list(request, mine=False)


def mine(request: HttpRequest) -> HttpResponse:
    """我的调研: the plans the user leads or made, and those of the units they plan research for."""
    return _plan_list(request, mine=True)


@require_GET
def plan_export(request: HttpRequest) -> HttpResponseBase:
    try:
        content, _count = exports.plans_workbook(actor(request), request.GET)
    except RuleViolation as exc:
        return render(request, "research/message.html", {"message": str(exc)}, status=400)
    return download(content, exports.download_name())


def _unit_choices(user: Any, perm: str, campaign: Campaign | None) -> tuple[Any, list[tuple[Any, str]]]:
    """Units the user may act for under ``perm`` within the campaign; the first few hundred are listed."""
    queryset = Unit.objects.visible_to(user, perm)
    if campaign is not None:
        queryset = queryset.filter(subtree_q(campaign.unit.path, "path"))
    shown = [("", _("请选择")), *((u.pk, str(u)) for u in queryset.order_by("path")[:SHOWN_UNITS])]
    return queryset, shown


def _plan_form(request: HttpRequest, user: Any, campaign: Campaign, initial: dict[str, Any]) -> rforms.PlanForm:
    form = rforms.PlanForm(request.POST or None, initial=initial)
    topics = ResearchTopic.objects.filter(campaign=campaign).select_related("direction").order_by("direction_id", "id")
    form.fields["topic"].queryset = topics  # type: ignore[attr-defined]
    queryset, shown = _unit_choices(user, Perm.PLAN_RESEARCH, campaign)
    set_choices(form, "unit", queryset, shown)
    return form


def _leader(user: Any, unit: Unit) -> Any:
    """A leader who drafts a plan leads it."""
    if Role.LEADER in scope.roles(user) and scope.can(user, Perm.PLAN_RESEARCH, unit.path):
        return user
    return None


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """制定调研方案 in a campaign."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.PLAN_RESEARCH):
        raise NotAllowed(_("您无权制定调研方案。"))
    campaigns, campaign = _campaigns(request)
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    wanted = parse_id(request.GET.get("topic", ""))
    form = _plan_form(request, user, campaign, {"topic": wanted} if wanted else {})

    def create() -> ResearchPlan:
        data = form.cleaned_data
        leader = _leader(user, data["unit"])
        return services.create_plan(
            user,
            campaign=campaign,
            topic=data["topic"],
            unit=data["unit"],
            title=data["title"],
            questions=data["questions"],
            team=data["team"],
            due_date=data["due_date"],
            leader=leader,
            leader_name=data["leader_name"],
        )

    plan, status = submitted(request, form, create)
    if plan is not None:
        messages.success(request, _("调研方案已保存为草稿。"))
        return redirect("research:plan", pk=plan.pk)
    back = reverse("research:plans")
    return _form_page(request, form, _("制定调研方案"), back, status, campaign=campaign, campaigns=campaigns)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改方案 while it is a draft or returned."""
    user = actor(request)
    plan = load_plan(user, pk)
    if "edit" not in services.available_actions(user, plan):
        if not scope.can(user, Perm.PLAN_RESEARCH, plan.org_path):
            raise Http404(_("未找到或无权查看。"))
        messages.warning(request, _("该调研方案当前不能修改。"))
        return redirect("research:plan", pk=plan.pk)
    initial = {
        "topic": plan.topic_id,
        "unit": plan.unit_id,
        "title": plan.title,
        "questions": "\n".join(plan.questions or []),
        "team": plan.team,
        "leader_name": plan.leader_name,
        "due_date": plan.due_date,
        "version": plan.version,
    }
    form = _plan_form(request, user, plan.campaign, initial)
    form.fields["unit"].disabled = True

    def save() -> ResearchPlan:
        data = form.cleaned_data
        return services.update_plan(
            user,
            plan,
            topic=data["topic"],
            title=data["title"],
            questions=data["questions"],
            team=data["team"],
            due_date=data["due_date"],
            leader=plan.leader,
            leader_name=data["leader_name"],
            version=data.get("version"),
        )

    saved, status = submitted(request, form, save)
    if saved is not None:
        messages.success(request, _("调研方案已保存。"))
        return redirect("research:plan", pk=plan.pk)
    back = reverse("research:plan", args=[plan.pk])
    return _form_page(request, form, _("修改调研方案"), back, status, campaign=plan.campaign)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan: its questions, reviews by round, visits, result, conversions, timeline and the actions open now."""
    user = actor(request)
    plan = load_plan(user, pk)
    reviews = list(plan.reviews.select_related("reviewer").order_by("round", "id"))
    context = {
        "plan": plan,
        "reviews": reviews,
        "returned": Decision.RETURNED,
        "visits": queries.plan_visits(plan),
        "files": list(plan.files.order_by("id")),
        "conversions": list(plan.conversions.select_related("task", "problem", "made_by").order_by("id")),
        "events": plan.events.select_related("actor").order_by("at", "id"),
        "allowed": services.available_actions(user, plan),
        "refusals": engine.refusals(services.TRACKER, user, plan),
        "settings": services.settings_for(plan.campaign),
    }
    return render(request, "research/plan_detail.html", context)


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A research report file: scope-checked, as an attachment, audited."""
    found = scope.get_visible_or_404(PlanFile.objects.all(), request.user, Perm.VIEW, pk=pk)
    return evidence_response(
        request.user, found, item_key="plan", item_id=found.plan_id, item_noun="调研方案", file_noun="调研报告"
    )
