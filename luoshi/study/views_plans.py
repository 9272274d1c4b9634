"""Pages of study plans (学习计划): the list (campaign, unit, state), the form with its items (a formset), the detail
with its actions, refusals and timeline, the review and done forms, and the campaign's workbook. Views validate and
call ``luoshi.study.plans``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import IdChoiceFilter, IdField, IdFilter, RefusedFiltersMixin
from luoshi.core.forms import DateInput, StyledForm, set_choices, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit
from luoshi.study import plans
from luoshi.study.choices import ClassKind, PlanState
from luoshi.study.models import StudyPlan, StudyPlanItem, StudySession
from luoshi.tracking.views import TransitionView

PAGE_SIZE = 50
SHOWN_UNITS = 300
EXTRA_ROWS = 3


class StudyPlanFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    """One FilterSet for the plan list page, the export and the API."""

    campaign = IdFilter(field_name="campaign_id", label=gettext_lazy("活动"))
    unit = IdChoiceFilter(queryset=Unit.objects.all(), method="filter_subtree", label=gettext_lazy("单位（含下级）"))
    state = django_filters.MultipleChoiceFilter(choices=PlanState.choices, label=gettext_lazy("状态"))

    class Meta:
        model = StudyPlan
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.request, "user", None)
        if user is not None:
            self.filters["unit"].queryset = Unit.objects.visible_to(user, Perm.VIEW)

    def filter_subtree(self, queryset: QuerySet[StudyPlan], name: str, value: Any) -> QuerySet[StudyPlan]:
        return queryset.filter(subtree_q(value.path)) if value else queryset


# --- forms --------------------------------------------------------------------------------------------------------


class StudyPlanForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=gettext_lazy("单位（领导班子）"))
    title = forms.CharField(label=gettext_lazy("计划名称"), max_length=plans.MAX_TITLE)
    due_date = forms.DateField(label=gettext_lazy("完成时限"), widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class StudyPlanItemForm(StyledForm):
    topic = forms.CharField(label=gettext_lazy("学习专题"), max_length=plans.MAX_TOPIC)
    planned_date = forms.DateField(label=gettext_lazy("计划时间"), widget=DateInput, required=False)
    half_days = forms.IntegerField(label=gettext_lazy("半天数"), min_value=1, max_value=plans.MAX_HALF_DAYS, initial=1)
    form = forms.ChoiceField(label=gettext_lazy("学习形式"), choices=ClassKind.choices, initial=ClassKind.CENTRAL)


ItemFormSet = forms.formset_factory(
    StudyPlanItemForm, extra=EXTRA_ROWS, can_delete=True, max_num=plans.MAX_ITEMS, validate_max=True
)


class PlanVersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class PlanReturnForm(PlanVersionForm):
    comments = forms.CharField(
        label=gettext_lazy("审核意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=plans.MAX_COMMENTS
    )


class PlanApproveForm(PlanVersionForm):
    comments = forms.CharField(
        label=gettext_lazy("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=plans.MAX_COMMENTS,
        required=False,
    )


class PlanCompleteForm(PlanVersionForm):
    note = forms.CharField(
        label=gettext_lazy("完成情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ItemDoneForm(PlanVersionForm):
    session = forms.ChoiceField(label=gettext_lazy("学习场次（可选）"), required=False)

    def __init__(self, *args: Any, sessions: list[StudySession] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("不关联"))] + [(str(s.pk), str(s)) for s in sessions or []]
        self.fields["session"].choices = choices  # type: ignore[attr-defined]


# --- helpers ------------------------------------------------------------------------------------------------------


def _require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看学习计划的权限。"))


def _campaigns(user: Any) -> list[Campaign]:
    return list(visible_campaigns(user, Perm.VIEW).order_by("-is_active", "-starts_on", "id"))


def load_plan(user: Any, pk: int) -> StudyPlan:
    related = StudyPlan.objects.select_related("campaign__unit", "unit", "created_by")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _units(user: Any, campaign: Campaign) -> tuple[Any, list[tuple[Any, str]]]:
    queryset = Unit.objects.visible_to(user, Perm.ORGANISE_STUDY).filter(subtree_q(campaign.unit.path, "path"))
    shown = [("", _("请选择")), *((u.pk, str(u)) for u in queryset.order_by("path")[:SHOWN_UNITS])]
    return queryset, shown


def _items_of(formset: Any) -> list[dict[str, Any]]:
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return [{k: v for k, v in row.items() if k != "DELETE"} for row in rows if row.get("topic")]


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "study/plan_form.html", context, status=status)


def _save(request: HttpRequest, form: StudyPlanForm, formset: Any, call: Any) -> tuple[StudyPlan | None, int]:
    if request.method == "POST" and not formset.is_valid():
        return None, 200
    return submitted(request, form, call)


# --- pages --------------------------------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """学习计划: the plans the user sees, by campaign, unit (with its subtree) and state."""
    user = actor(request)
    _require_view(user)
    filterset = StudyPlanFilterSet(request.GET, queryset=plans.plans_for(user), user=user, request=request)
    style_filters(filterset.form)
    page = Paginator(filterset.qs, ("-id",), PAGE_SIZE).page(request.GET)
    tops = scope.scope_paths(user, Perm.VIEW)
    units = Unit.objects.filter(path__in=tops) | Unit.objects.filter(parent__path__in=tops)
    context = {
        "filterset": filterset,
        "page": page,
        "campaigns": _campaigns(user),
        "units": list(units.order_by("path")[:SHOWN_UNITS]),
        "can_plan": scope.has_perm_anywhere(user, Perm.ORGANISE_STUDY),
        "query": request.GET.urlencode(),
    }
    return render(request, "study/plans.html", context)


@require_GET
def plan_export(request: HttpRequest) -> HttpResponseBase:
    """The campaign's plans the user sees (with the list's filters) and their items, a row per item."""
    user = actor(request)
    _require_view(user)
    campaign = chosen_campaign(request, _campaigns(user))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    filterset = StudyPlanFilterSet(request.GET, queryset=plans.plans_for(user), user=user)
    if not filterset.is_valid():
        return render(request, "study/plan_message.html", {"message": _("筛选条件无效。")}, status=400)
    content, _count = plans.plans_workbook(user, campaign, filterset.qs)
    return download(content, _("学习计划-{name}-{date}.xlsx").format(name=campaign.name, date=timezone.localdate()))


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """制定学习计划 in a campaign, with its items."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.ORGANISE_STUDY):
        raise NotAllowed(_("您无权制定学习计划。"))
    campaign = chosen_campaign(request, _campaigns(user))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    form = StudyPlanForm(request.POST or None)
    set_choices(form, "unit", *_units(user, campaign))
    formset = ItemFormSet(request.POST or None, prefix="items")

    def create() -> StudyPlan:
        data = form.cleaned_data
        return plans.create_plan(
            user,
            campaign=campaign,
            unit=data["unit"],
            title=data["title"],
            due_date=data["due_date"],
            items=_items_of(formset),
        )

    plan, status = _save(request, form, formset, create)
    if plan is not None:
        messages.success(request, _("学习计划已保存为草稿。"))
        return redirect("study:plan_detail", pk=plan.pk)
    context = {"form": form, "formset": formset, "campaign": campaign, "title": _("制定学习计划")}
    return _form_page(request, {**context, "back": reverse("study:plan_list")}, status)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改学习计划 and its items while it is a draft or returned."""
    user = actor(request)
    plan = load_plan(user, pk)
    if "edit" not in plans.available_actions(user, plan):
        if not scope.can(user, Perm.ORGANISE_STUDY, plan.org_path):
            raise Http404(_("未找到或无权查看。"))
        messages.warning(request, _("该学习计划当前不能修改。"))
        return redirect("study:plan_detail", pk=plan.pk)
    initial = {"unit": plan.unit_id, "title": plan.title, "due_date": plan.due_date, "version": plan.version}
    form = StudyPlanForm(request.POST or None, initial=initial)
    set_choices(form, "unit", Unit.objects.filter(pk=plan.unit_id), [(plan.unit_id, str(plan.unit))])
    form.fields["unit"].disabled = True
    rows = plan.items.order_by("order", "id").values("topic", "planned_date", "half_days", "form")
    formset = ItemFormSet(request.POST or None, prefix="items", initial=list(rows))

    def save() -> StudyPlan:
        data = form.cleaned_data
        return plans.update_plan(
            user,
            plan,
            title=data["title"],
            due_date=data["due_date"],
            items=_items_of(formset),
            version=data.get("version"),
        )

    saved, status = _save(request, form, formset, save)
    if saved is not None:
        messages.success(request, _("学习计划已保存。"))
        return redirect("study:plan_detail", pk=plan.pk)
    context = {"form": form, "formset": formset, "campaign": plan.campaign, "title": _("修改学习计划")}
    return _form_page(request, {**context, "back": reverse("study:plan_detail", args=[plan.pk])}, status)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan: its items (each with its done status), the actions open now, refusals and the timeline."""
    user = actor(request)
    plan = load_plan(user, pk)
    allowed = plans.available_actions(user, plan)
    context = {
        "plan": plan,
        "items": list(plan.items.order_by("order", "id")),
        "events": plan.events.select_related("actor").order_by("at", "id"),
        "allowed": allowed,
        "refusals": plans.refusals(user, plan),
        "can_mark": "mark_done" in allowed,
    }
    return render(request, "study/plan_detail.html", context)


# --- actions ------------------------------------------------------------------------------------------------------


class PlanActionView(TransitionView):
    tracker = plans.TRACKER
    form_class: type[forms.Form] = PlanVersionForm
    template_name = "study/plan_action.html"
    object_name = "plan"
    detail_url_name = "study:plan_detail"

    def load_object(self, user: Any, pk: int) -> StudyPlan:
        return load_plan(user, pk)


class PlanSubmitView(PlanActionView):
    action = "submit"
    title = gettext_lazy("报送审核")
    success = gettext_lazy("学习计划已报送审核。")

    def perform(self, data: dict[str, Any]) -> None:
        plans.submit_plan(self.actor(), self.obj, version=data.get("version"))


class PlanReturnView(PlanActionView):
    action = "return"
    title = gettext_lazy("退回修改")
    success = gettext_lazy("已退回修改，计划制定人将收到通知。")
    form_class = PlanReturnForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        plans.return_plan(self.actor(), self.obj, comments=data["comments"], version=data.get("version"))


class PlanApproveView(PlanActionView):
    action = "approve"
    title = gettext_lazy("审核通过")
    success = gettext_lazy("学习计划已审核通过，学习内容已列入学习清单。")
    form_class = PlanApproveForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        plans.approve_plan(self.actor(), self.obj, comments=data.get("comments") or "", version=data.get("version"))


class PlanCompleteView(PlanActionView):
    action = "complete"
    title = gettext_lazy("完成学习计划")
    success = gettext_lazy("学习计划已完成。")
    form_class = PlanCompleteForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        plans.complete_plan(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class ItemDoneView(PlanActionView):
    """登记学习内容完成, optionally naming a held session of the campaign the user sees."""

    action = "mark_done"
    title = gettext_lazy("登记学习内容完成")
    success = gettext_lazy("学习内容已登记完成。")
    form_class = ItemDoneForm
    item: StudyPlanItem

    def load_target(self, **kwargs: Any) -> None:
        found = self.obj.items.filter(pk=kwargs["item"]).first()
        if found is None:
            raise Http404(_("未找到或无权查看。"))
        self.item = found

    def sessions(self) -> list[StudySession]:
        held = StudySession.objects.visible_to(self.request.user, Perm.VIEW).filter(
            campaign_id=self.obj.campaign_id, date__lte=timezone.localdate()
        )
        return list(held.order_by("-date", "-id")[:100])

    def form_kwargs(self) -> dict[str, Any]:
        return {"sessions": self.sessions()}

    def perform(self, data: dict[str, Any]) -> None:
        wanted = IdField(required=False).clean(data.get("session"))
        session = next((s for s in self.sessions() if s.pk == wanted), None) if wanted else None
        plans.mark_item_done(self.actor(), self.item, session=session, version=data.get("version"))
