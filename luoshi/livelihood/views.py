"""Office pages of livelihood projects: the list, a project and its tasks, and one page per action.

Buttons, action pages and the API ask the engine which actions are open (``engine.available_actions``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign as pick_campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.livelihood import forms as lforms
from luoshi.livelihood import queries, services
from luoshi.livelihood.choices import Category, ProjectState
from luoshi.livelihood.filters import ProjectFilterSet
from luoshi.livelihood.models import (
    LivelihoodProject,
    ProjectEvidence,
    ProjectMilestone,
    ProjectProgress,
    ProjectTask,
)
from luoshi.livelihood.tracker import PROJECTS, TASKS
from luoshi.orgs.forms import unit_options
from luoshi.orgs.queries import unit_shortlist
from luoshi.tracking import engine
from luoshi.tracking.choices import Light
from luoshi.tracking.files import evidence_response
from luoshi.tracking.views import TransitionView

PAGE_SIZE = 50
PROJECT_BUTTONS = {
    "edit": ("livelihood:edit", "btn-outline-secondary"),
    "add_milestone": ("livelihood:add_milestone", "btn-outline-primary"),
    "add_task": ("livelihood:add_task", "btn-outline-primary"),
    "report_progress": ("livelihood:report_progress", "btn-outline-primary"),
    "complete": ("livelihood:complete", "btn-success"),
    "evaluate": ("livelihood:evaluate", "btn-primary"),
    "stop": ("livelihood:stop", "btn-outline-danger"),
}
TASK_BUTTONS = {
    "start": ("livelihood:task_start", "btn-primary"),
    "report_progress": ("livelihood:task_progress", "btn-outline-primary"),
    "finish": ("livelihood:task_finish", "btn-success"),
    "close": ("livelihood:task_close", "btn-outline-success"),
    "reopen": ("livelihood:task_reopen", "btn-outline-warning"),
}


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看民生实事项目的权限。"))


def chosen_campaign(request: HttpRequest, campaigns: list[Campaign], refusal: str) -> Campaign:
    """The campaign named by ``?campaign=`` among ``campaigns`` (the first by default); 403 when there is none."""
    found = pick_campaign(request, campaigns)
    if found is None:
        raise NotAllowed(refusal)
    return found


def buttons(tracker: engine.Tracker[Any], table: dict[str, tuple[str, str]], user: Any, item: Any) -> list[Any]:
    """(label, url, style) of each action the engine offers ``user`` on ``item`` now."""
    offered = engine.available_actions(tracker, user, item)
    return [
        (engine.label_of(tracker, name), reverse(table[name][0], args=[item.pk]), table[name][1])
        for name in offered
        if name in table
    ]


def refusal_notes(tracker: engine.Tracker[Any], user: Any, item: Any) -> list[str]:
    return list(engine.refusals(tracker, user, item).values())


# --- the list ----------------------------------------------------------------------------------------


def _style_filters(form: forms.Form) -> None:
    style_filters(form, [("state", ProjectState.choices), ("light", Light.choices)])
    form.fields["q"].widget.attrs.update({"placeholder": _("项目名称、内容或责任领导"), "type": "search"})
    for name in ("campaign", "unit"):
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.empty_label = _("全部")
    category = form.fields["category"].widget
    assert isinstance(category, forms.Select)
    category.choices = [("", _("全部")), *Category.choices]


def _unit_options(form: forms.Form, user: Any) -> None:
    field = form.fields["unit"]
    assert isinstance(field, forms.ModelChoiceField)
    chosen = getattr(form, "cleaned_data", {}).get("unit")
    widget = field.widget
    assert isinstance(widget, forms.Select)
    widget.choices = unit_options(unit_shortlist(user, Perm.VIEW), [chosen], _("全部"))


def project_list(request: HttpRequest) -> HttpResponse:
    """民生实事项目清单: filters, the figures of what is shown, and each project's progress."""
    user = request.user
    require_view(user)
    filterset = ProjectFilterSet(request.GET, queryset=queries.visible_projects(user), request=request)
    projects = filterset.qs
    rows = queries.with_counts(queries.visible_projects(user))
    page = Paginator(projects, ("-id",), PAGE_SIZE, rows=rows).page(request.GET)
    _style_filters(filterset.form)
    _unit_options(filterset.form, user)
    context = {
        "form": filterset.form,
        "page": page,
        "summary": queries.summary(projects),
        "query": request.GET.urlencode(),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "can_manage": scope.has_perm_anywhere(user, Perm.MANAGE_PROJECTS),
        "can_propose": scope.has_perm_anywhere(user, Perm.PROPOSE_PROJECT),
    }
    return render(request, "livelihood/list.html", context)


# --- a project -----------------------------------------------------------------------------------------


def load_project(user: Any, pk: int) -> LivelihoodProject:
    related = ("campaign__unit", "lead_unit", "leader", "proposal", "created_by")
    return scope.get_visible_or_404(LivelihoodProject.objects.select_related(*related), user, Perm.VIEW, pk=pk)


def _reports(project: LivelihoodProject, user: Any) -> list[ProjectProgress]:
    seen = ProjectTask.objects.visible_to(user, Perm.VIEW).filter(project=project).values("pk")
    own = ProjectProgress.objects.filter(project=project, task__isnull=True)
    on_tasks = ProjectProgress.objects.filter(project=project, task__in=seen)
    both = (own | on_tasks).select_related("author", "task").prefetch_related("evidence")
    return list(both.order_by("-created_at", "-id"))


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """项目详情: the project, its milestones, tasks, progress timeline and evaluation."""
    user = request.user
    project = load_project(user, pk)
    tasks = project.tasks.select_related("owner_unit").order_by("deadline", "id")
    milestones = list(project.milestones.all())
    offered = engine.available_actions(PROJECTS, actor(request), project)
    context = {
        "project": project,
        "assisting": list(project.assisting_units.all()),
        "milestones": milestones,
        "reached": sum(1 for m in milestones if m.reached_on),
        "tasks": list(tasks),
        "visible_tasks": set(
            ProjectTask.objects.visible_to(user, Perm.VIEW).filter(project=project).values_list("pk", flat=True)
        ),
        "reports": _reports(project, user),
        "events": queries.project_timeline(project, user),
        "buttons": buttons(PROJECTS, PROJECT_BUTTONS, user, project),
        "notes": refusal_notes(PROJECTS, user, project),
        "can_reach": "reach_milestone" in offered,
    }
    return render(request, "livelihood/detail.html", context)


def load_task(user: Any, pk: int) -> ProjectTask:
    related = ("project__campaign__unit", "project__lead_unit", "owner_unit")
    return scope.get_visible_or_404(ProjectTask.objects.select_related(*related), user, Perm.VIEW, pk=pk)


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """子项详情: the task, its progress reports with evidence and its timeline."""
    user = request.user
    task = load_task(user, pk)
    reports = task.progress_reports.select_related("author").prefetch_related("evidence").order_by("-created_at")
    context = {
        "task": task,
        "project": task.project,
        "project_visible": scope.can(user, Perm.VIEW, task.project.org_path),
        "reports": list(reports),
        "events": list(task.events.select_related("actor").order_by("-at", "-id")),
        "buttons": buttons(TASKS, TASK_BUTTONS, user, task),
        "notes": refusal_notes(TASKS, user, task),
    }
    return render(request, "livelihood/task_detail.html", context)


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """佐证材料 download: scope-checked, always as an attachment; audited."""
    evidence = scope.get_visible_or_404(
        ProjectEvidence.objects.select_related("report"), request.user, Perm.VIEW, pk=pk
    )
    project_id = evidence.report.project_id
    return evidence_response(request.user, evidence, item_key="project", item_id=project_id, item_noun="民生实事项目")


# --- creating a project ------------------------------------------------------------------------------


def _project_data(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in services.EDITABLE_FIELDS if k in data}


@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    """立项: a project of a campaign the user manages projects in."""
    user = actor(request)
    campaigns = list(queries.campaign_choices(user, Perm.MANAGE_PROJECTS).filter(is_active=True))
    campaign = chosen_campaign(request, campaigns, _("您没有可以立项的活动。"))
    form = lforms.ProjectForm(request.POST or None, user=user, campaign=campaign)
    project, status = submitted(
        request, form, lambda: services.create_project(user, campaign=campaign, **_project_data(form.cleaned_data))
    )
    if project is not None:
        messages.success(request, _("项目 %(number)s 已立项。") % {"number": project.number})
        return redirect("livelihood:detail", pk=project.pk)
    context = {"form": form, "campaigns": campaigns, "campaign": campaign}
    return render(request, "livelihood/project_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def campaign_settings(request: HttpRequest) -> HttpResponse:
    """民生实事设置 of a campaign: shown on the public page, proposals collected there."""
    user = actor(request)
    campaigns = queries.campaign_choices(user, Perm.MANAGE_PROJECTS)
    managed = [c for c in campaigns if scope.can(user, Perm.MANAGE_PROJECTS, c.unit.path)]
    campaign = chosen_campaign(request, managed, _("只有活动牵头单位的办公室可以修改民生实事设置。"))
    current = queries.settings_for(campaign)
    initial = {"public": current.public, "collecting": current.collecting, "version": current.version}
    form = lforms.OptionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_options(
                user, campaign, public=data["public"], collecting=data["collecting"], version=data.get("version")
            )
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("民生实事设置已保存。"))
            return redirect(reverse("livelihood:settings") + f"?campaign={campaign.pk}")
    return render(request, "livelihood/settings.html", {"form": form, "campaigns": managed, "campaign": campaign})


# --- action pages ------------------------------------------------------------------------------------


class LivelihoodAction(TransitionView):
    """An action on a project, a task or a proposal; GET offers it only when the engine says so."""

    template_name = "livelihood/action.html"
    form_class: type[forms.Form] = lforms.VersionForm
    noun: Any = ""

    def version(self, data: dict[str, Any]) -> int | None:
        return data.get("version")


class ProjectAction(LivelihoodAction):
    tracker = PROJECTS
    object_name = "project"
    detail_url_name = "livelihood:detail"
    noun = gettext_lazy("项目")

    def load_object(self, user: Any, pk: int) -> LivelihoodProject:
        return load_project(user, pk)


class EditProjectView(ProjectAction):
    action = "edit"
    title = gettext_lazy("修改项目")
    success = gettext_lazy("项目已保存。")
    form_class = lforms.EditProjectForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "campaign": self.obj.campaign, "project": self.obj}

    def initial(self) -> dict[str, Any]:
        fields = {name: getattr(self.obj, name) for name in services.EDITABLE_FIELDS if name != "assisting_units"}
        return {**fields, "assisting_units": list(self.obj.assisting_units.all()), "version": self.obj.version}

    def perform(self, data: dict[str, Any]) -> None:
        services.edit_project(self.actor(), self.obj, data["version"], **_project_data(data))


class AddMilestoneView(ProjectAction):
    action = "add_milestone"
    title = gettext_lazy("新增时间节点")
    success = gettext_lazy("时间节点已添加。")
    form_class = lforms.MilestoneForm

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.add_milestone(self.actor(), self.obj, name=data["name"], planned_on=data["planned_on"])


class ReachMilestoneView(ProjectAction):
    action = "reach_milestone"
    title = gettext_lazy("节点完成")
    success = gettext_lazy("节点已标记为完成。")
    form_class = lforms.ReachMilestoneForm
    milestone: ProjectMilestone

    def load_target(self, **kwargs: Any) -> None:
        milestones = ProjectMilestone.objects.filter(project=self.obj)
        self.milestone = scope.get_visible_or_404(milestones, self.request.user, Perm.VIEW, pk=kwargs["milestone_pk"])

    def initial(self) -> dict[str, Any]:
        return {}

    def available(self) -> bool:
        return super().available() and self.milestone.reached_on is None

    def perform(self, data: dict[str, Any]) -> None:
        services.reach_milestone(self.actor(), self.milestone, reached_on=data["reached_on"])


class AddTaskView(ProjectAction):
    action = "add_task"
    title = gettext_lazy("新增子项")
    success = gettext_lazy("子项已添加。")
    form_class = lforms.TaskForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "project": self.obj}

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.add_task(
            self.actor(),
            self.obj,
            name=data["name"],
            owner_unit=data["owner_unit"],
            deadline=data["deadline"],
            weight=data["weight"],
        )


class ReportProjectProgressView(ProjectAction):
    action = "report_progress"
    title = gettext_lazy("报送进展")
    success = gettext_lazy("进展已报送。")
    form_class = lforms.ProgressForm

    def initial(self) -> dict[str, Any]:
        return {"percent": self.obj.reported_percent}

    def perform(self, data: dict[str, Any]) -> None:
        services.report_project_progress(
            self.actor(), self.obj, text=data["text"], percent=data["percent"], files=data["evidence"]
        )


class CompleteProjectView(ProjectAction):
    action = "complete"
    title = gettext_lazy("项目完成")
    success = gettext_lazy("项目已确认完成，可组织满意度测评。")
    form_class = lforms.NoteForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.complete_project(self.actor(), self.obj, note=data["note"], version=self.version(data))


class EvaluateProjectView(ProjectAction):
    action = "evaluate"
    title = gettext_lazy("满意度测评")
    success = gettext_lazy("测评结果已录入。")
    form_class = lforms.EvaluationForm

    def perform(self, data: dict[str, Any]) -> None:
        services.evaluate_project(
            self.actor(),
            self.obj,
            satisfied=data["satisfied"],
            basically_satisfied=data["basically_satisfied"],
            dissatisfied=data["dissatisfied"],
            note=data["note"],
            version=self.version(data),
        )


class StopProjectView(ProjectAction):
    action = "stop"
    title = gettext_lazy("终止项目")
    success = gettext_lazy("项目已终止。")
    form_class = lforms.ReasonForm
    submit_class = "btn-danger"

    def perform(self, data: dict[str, Any]) -> None:
        services.stop_project(self.actor(), self.obj, reason=data["reason"], version=self.version(data))


class TaskAction(LivelihoodAction):
    tracker = TASKS
    object_name = "task"
    detail_url_name = "livelihood:task_detail"
    noun = gettext_lazy("子项")

    def load_object(self, user: Any, pk: int) -> ProjectTask:
        return load_task(user, pk)


class StartTaskView(TaskAction):
    action = "start"
    title = gettext_lazy("开始实施")
    success = gettext_lazy("子项已开始实施。")
    form_class = lforms.NoteForm

    def perform(self, data: dict[str, Any]) -> None:
        services.start_task(self.actor(), self.obj, note=data["note"], version=self.version(data))


class FinishTaskView(TaskAction):
    action = "finish"
    title = gettext_lazy("子项完成")
    success = gettext_lazy("子项已完成。")
    form_class = lforms.NoteForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.finish_task(self.actor(), self.obj, note=data["note"], version=self.version(data))


class CloseTaskView(TaskAction):
    action = "close"
    title = gettext_lazy("确认完成")
    success = gettext_lazy("已确认子项完成。")
    form_class = lforms.NoteForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.close_task(self.actor(), self.obj, note=data["note"], version=self.version(data))


class ReopenTaskView(TaskAction):
    action = "reopen"
    title = gettext_lazy("重新打开")
    success = gettext_lazy("子项已重新打开。")
    form_class = lforms.ReasonForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.reopen_task(self.actor(), self.obj, reason=data["reason"], version=self.version(data))


class ReportTaskProgressView(TaskAction):
    action = "report_progress"
    title = gettext_lazy("报送进展")
    success = gettext_lazy("进展已报送。")
    form_class = lforms.ProgressForm

    def initial(self) -> dict[str, Any]:
        return {"percent": self.obj.percent}

    def perform(self, data: dict[str, Any]) -> None:
        services.report_task_progress(
            self.actor(), self.obj, text=data["text"], percent=data["percent"], files=data["evidence"]
        )
