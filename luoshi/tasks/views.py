"""Key-task pages: the campaign overview, a task with its board, the unit board, an assignment with its
timeline, and the office's forms (new task, assign, milestones, sources). Views validate and call services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.accounts.models import User
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import model_field, style_filters
from luoshi.core.pagination import PARAMS as PAGE_PARAMS
from luoshi.core.pagination import Paginator
from luoshi.tasks import forms as tforms
from luoshi.tasks import queries, services
from luoshi.tasks.choices import OPEN_STATES, State
from luoshi.tasks.filters import AssignmentFilterSet
from luoshi.tasks.models import Milestone, Task, TaskAssignment, TaskSource
from luoshi.tasks.workflow import MAX_LEVEL
from luoshi.tracking import engine
from luoshi.tracking.choices import Light, RequestState

PAGE_SIZE = 50
BOARD_ORDER = ("org_path", "id")
ASSIGNMENT_RELATED = ("task__campaign", "task__unit", "unit", "owner", "parent__unit", "assigned_by")


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看重点任务的权限。"))


def _id_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    found = parse_id(raw)
    if found is None:
        raise Http404(_("参数无效。"))
    return found


def load_task(user: Any, pk: int) -> Task:
    related = Task.objects.select_related("campaign__unit", "unit", "source", "parent__parent", "leader")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def load_assignment(user: Any, pk: int) -> TaskAssignment:
    related = TaskAssignment.objects.select_related(*ASSIGNMENT_RELATED)
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


# --- the campaign overview (重点任务总览) -------------------------------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    """A campaign's tasks in plan order with their progress bars and the counts of their assignments."""
    user = actor(request)
    require_view(user)
    campaigns = list(queries.campaign_choices(user))
    campaign = chosen_campaign(request, campaigns)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "page": None}
    if campaign is not None:
        tasks = Task.objects.visible_to(user, Perm.VIEW).filter(campaign=campaign).select_related("unit", "source")
        page = Paginator(queries.tree_ordered(tasks), queries.TREE_ORDER, PAGE_SIZE).page(request.GET)
        ids = [t.pk for t in page.rows]
        percents, figures = queries.percents_for(ids), queries.task_counts(ids)
        for task in page.rows:
            task.percent = percents.get(task.pk)
            task.figures = figures.get(task.pk, {})
        context.update(
            page=page,
            can_create=queries.managed_campaigns(user).filter(pk=campaign.pk).exists(),
            can_export=scope.has_perm_anywhere(user, Perm.EXPORT),
        )
    return render(request, "tasks/overview.html", context)


# --- a task and its board (任务看板) -------------------------------------------------------------------------------


def _board(request: HttpRequest, base: Any) -> tuple[AssignmentFilterSet, Any]:
    filterset = AssignmentFilterSet(request.GET, queryset=base, request=request)
    rows = filterset.qs.select_related("task", "unit", "owner", "parent__unit")
    page = Paginator(rows, BOARD_ORDER, PAGE_SIZE).page(request.GET)
    queries.with_rounds(page.rows)
    return filterset, page


def _export_query(request: HttpRequest, **fixed: Any) -> str:
    params = request.GET.copy()
    for name in (*PAGE_PARAMS, *fixed):
        params.pop(name, None)
    for name, value in fixed.items():
        params[name] = str(value)
    return params.urlencode()


def count_cards(counts: queries.Counts) -> dict[str, Any]:
    """The board's figures as (key, label, count) for the state cards and the lights of open assignments."""
    return {
        "counts": counts,
        "state_cards": [(key, label, counts.by_state[key]) for key, label in State.choices],
        "light_cards": [(key, label, counts.lights[key]) for key, label in Light.choices],
    }


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """重点任务详情: the task, its milestones and sub-tasks, and the board of every unit it was assigned to."""
    user = actor(request)
    task = load_task(user, pk)
    visible = TaskAssignment.objects.visible_to(user, Perm.VIEW).filter(task=task)
    filterset, page = _board(request, visible)
    children = list(Task.objects.visible_to(user, Perm.VIEW).filter(parent=task).order_by("id"))
    percents = queries.percents_for([task.pk, *(c.pk for c in children)])
    manages = scope.can(user, Perm.MANAGE_TASKS, task.org_path) and task.campaign.is_active
    context = {
        "task": task,
        "percent": percents.get(task.pk),
        "children": [(child, percents.get(child.pk)) for child in children],
        "milestones": list(task.milestones.order_by("due_on", "id")),
        **count_cards(queries.counts(visible)),
        "filter": filterset,
        "page": page,
        "export_query": _export_query(request, task=task.pk),
        "manages": manages,
        "can_split": manages and task.level < MAX_LEVEL,
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "base_path": task.unit.path,
    }
    return render(request, "tasks/task_detail.html", context)


class OneOfMany(forms.Select):
    """A single select for a filter that takes several values (state, light), read as a list."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else data.get(name)


def _style_filters(form: forms.Form) -> None:
    every = _("全部")
    for name, choices in (("state", State.choices), ("light", Light.choices)):
        form.fields[name].widget = OneOfMany(choices=[("", every), *choices])
    style_filters(form)
    model_field(form, "campaign").empty_label = every


def assignment_list(request: HttpRequest) -> HttpResponse:
    """本单位任务: every assignment within the user's units, across tasks, with the board's filters and counts."""
    user = actor(request)
    require_view(user)
    visible = TaskAssignment.objects.visible_to(user, Perm.VIEW)
    filterset, page = _board(request, visible)
    counts = queries.counts(filterset.qs) if filterset.is_valid() else queries.counts(visible)
    _style_filters(filterset.form)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        **count_cards(counts),
        "export_query": _export_query(request),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
    }
    return render(request, "tasks/assignment_list.html", context)


# --- an assignment (交办详情) -------------------------------------------------------------------------------------

BUTTONS: dict[str, tuple[str, str]] = {
    "report_progress": ("tasks:report_progress", "btn-primary"),
    "request_finish": ("tasks:request_finish", "btn-primary"),
    "pass_down": ("tasks:pass_down", "btn-outline-primary"),
    "request_extension": ("tasks:request_extension", "btn-outline-secondary"),
    "accept": ("tasks:accept", "btn-success"),
    "send_back": ("tasks:send_back", "btn-warning"),
    "reopen": ("tasks:reopen", "btn-warning"),
    "revoke": ("tasks:revoke", "btn-outline-danger"),
}


def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """交办详情: the assignment, its rounds, reports with evidence, requests and timeline; the buttons are
    exactly what the engine allows this user now."""
    user = actor(request)
    item = load_assignment(user, pk)
    allowed = services.available_actions(user, item)
    extensions = list(item.extensions.select_related("requested_by", "decided_by").order_by("-id"))
    context = {
        "assignment": item,
        "task": item.task,
        "allowed": allowed,
        "buttons": [
            (name, *BUTTONS[name], engine.label_of(services.TRACKER, name)) for name in allowed if name in BUTTONS
        ],
        "refusals": {k: v for k, v in engine.refusals(services.TRACKER, user, item).items() if k != "pass_down"},
        "rounds": list(reversed(queries.round_table(item))),
        "progress": list(item.progress.select_related("author").prefetch_related("evidence").order_by("-id")),
        "finishes": list(item.finish_requests.select_related("requested_by", "decided_by").order_by("-id")),
        "extensions": extensions,
        "pending_extension": next((e for e in extensions if e.state == RequestState.PENDING), None),
        "events": list(item.events.select_related("actor").order_by("-at", "-id")),
        "children": list(
            TaskAssignment.objects.visible_to(user, Perm.VIEW)
            .filter(parent=item)
            .select_related("unit")
            .order_by("org_path")
        ),
        "overdue": item.state in OPEN_STATES and item.due_on < timezone.localdate(),
    }
    return render(request, "tasks/assignment_detail.html", context)


# --- the office's forms ------------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "tasks/form.html", context, status=status)


def _new_task_campaign(request: HttpRequest, user: User, parent: Task | None) -> Campaign:
    if parent is not None:
        scope.require(user, Perm.MANAGE_TASKS, parent.org_path, _("您无权分解该任务。"))
        return parent.campaign
    campaigns = list(queries.managed_campaigns(user))
    campaign = chosen_campaign(request, campaigns)
    if campaign is None:
        raise NotAllowed(_("您没有可以部署重点任务的活动。"))
    return campaign


def task_new(request: HttpRequest) -> HttpResponse:
    """部署重点任务 (or 分解子任务 with ``?parent=``) in a campaign the user's office takes part in."""
    user = actor(request)
    parent_id = _id_param(request, "parent")
    parent = load_task(user, parent_id) if parent_id is not None else None
    campaign = _new_task_campaign(request, user, parent)
    form = tforms.TaskForm(request.POST or None, user=user, campaign=campaign, parent=parent)
    if not request.POST:
        form.fields["due_on"].initial = parent.due_on if parent else timezone.localdate() + dt.timedelta(days=90)
    title = _("分解子任务") if parent else _("部署重点任务")
    back = f"/tasks/{parent.pk}/" if parent else f"/tasks/?campaign={campaign.pk}"
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit" or parent is None}
        try:
            task = services.create_task(user, campaign=campaign, parent=parent, **data)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
            return _form_page(request, form, title, back, 403, campaign=campaign, parent=parent)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("重点任务「%(title)s」已部署。") % {"title": task.title})
            return redirect("tasks:detail", pk=task.pk)
    return _form_page(request, form, title, back, campaign=campaign, parent=parent)


def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """交办: to one unit, or at once to every unit of a kind under a unit."""
    user = actor(request)
    task = load_task(user, pk)
    scope.require(user, Perm.MANAGE_TASKS, task.org_path, _("您无权交办该任务。"))
    form = tforms.AssignForm(request.POST or None, user=user, task=task)
    back = f"/tasks/{task.pk}/"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.assign(
                user, task, role=data["role"], due_on=data["due_on"], owner=data.get("owner"), **tforms.targets_of(data)
            )
        except (RuleViolation, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            note = _("，%(skipped)s 个单位已承办，未重复交办") % {"skipped": result.skipped} if result.skipped else ""
            messages.success(request, _("已交办 %(count)s 个单位%(note)s。") % {"count": result.count, "note": note})
            return redirect("tasks:detail", pk=task.pk)
    return _form_page(request, form, _("交办"), back, task=task)


def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    task = load_task(user, pk)
    scope.require(user, Perm.MANAGE_TASKS, task.org_path, _("您无权设置该任务的时间节点。"))
    form = tforms.MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_milestone(user, task, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("时间节点已添加。"))
            return redirect("tasks:detail", pk=task.pk)
    return _form_page(request, form, _("新增时间节点"), f"/tasks/{task.pk}/", task=task)


@require_POST
def milestone_reach(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    user = actor(request)
    task = load_task(user, pk)
    milestone = scope.get_visible_or_404(Milestone.objects.filter(task=task), user, Perm.VIEW, pk=milestone_pk)
    try:
        services.reach_milestone(user, milestone)
    except RuleViolation as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("时间节点「%(name)s」已达成。") % {"name": milestone.name})
    return redirect("tasks:detail", pk=task.pk)


def sources(request: HttpRequest) -> HttpResponse:
    """任务来源 of a campaign: the list, and a new one for the campaign's office."""
    user = actor(request)
    require_view(user)
    campaign = chosen_campaign(request, list(queries.campaign_choices(user)))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    manages = scope.can(user, Perm.MANAGE_TASKS, campaign.unit.path)
    form = tforms.SourceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not manages:
            raise NotAllowed(_("您无权设置该活动的任务来源。"))
        if form.is_valid():
            try:
                services.add_source(user, campaign, name=form.cleaned_data["name"])
            except RuleViolation as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("任务来源已添加。"))
                return redirect(f"{request.path}?campaign={campaign.pk}")
    listed = services.sources_for(campaign) if manages else list(TaskSource.objects.filter(campaign=campaign))
    context = {"campaign": campaign, "sources": listed, "form": form, "manages": manages}
    return render(request, "tasks/sources.html", context, status=status)
