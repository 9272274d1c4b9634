"""Livelihood work on the tracked-work engine: proposals, projects and tasks, and the rules that decide which
actions are open to whom now. A task's move keeps its project's progress in step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access.roles import Perm
from luoshi.livelihood import figures, workflow
from luoshi.livelihood.choices import ProjectState, ProposalState, TaskState
from luoshi.livelihood.models import (
    LivelihoodProject,
    ProjectEvent,
    ProjectProposal,
    ProjectTask,
    ProposalEvent,
    TaskEvent,
)
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.tracking.engine import Activity, Tracker
from luoshi.tracking.workflow import Transition, light_for

PERSONAL_FIELDS = ("citizen_name_enc", "citizen_phone_enc", "citizen_phone_index")


def _has_contact(actor: Any, proposal: ProjectProposal) -> str | None:
    if not (proposal.citizen_phone_enc or proposal.citizen_name_enc):
        return _("该建议没有留下联系方式。")
    return None


PROPOSALS = Tracker[ProjectProposal](
    model=ProjectProposal,
    workflow=workflow.PROPOSALS,
    event_model=ProposalEvent,
    item_field="proposal",
    stale_message=gettext_lazy("该建议已被他人处理，请刷新页面后重试。"),
    related=("campaign__unit",),
    exclude=PERSONAL_FIELDS,
    activities={
        "reveal_contact": Activity(
            gettext_lazy("查看联系方式"), Perm.MANAGE_PROJECTS, tuple(ProposalState.values), _has_contact
        ),
    },
)


def _all_tasks_done(actor: Any, project: LivelihoodProject) -> str | None:
    left = project.tasks.exclude(state=TaskState.DONE).count()
    if left:
        return _("还有 {count} 个子项未完成，不能确认项目完成。").format(count=left)
    return None


def _no_tasks(actor: Any, project: LivelihoodProject) -> str | None:
    if project.tasks.exists():
        return _("该项目已分解为子项，请在子项上报送进展。")
    return None


def _milestone_open(actor: Any, project: LivelihoodProject) -> str | None:
    if not project.milestones.filter(reached_on__isnull=True).exists():
        return _("该项目没有未完成的时间节点。")
    return None


def progress_of(project: LivelihoodProject) -> Decimal:
    """The project's progress from its tasks (a finished task counts 100), or from its own last report."""
    rows = ProjectTask.objects.filter(project_id=project.pk) if project.pk else ProjectTask.objects.none()
    tasks = [
        (weight, 100 if state == TaskState.DONE else percent)
        for weight, percent, state in rows.values_list("weight", "percent", "state")
    ]
    finished = project.state in (ProjectState.COMPLETED, ProjectState.EVALUATED)
    return figures.project_progress(finished, tasks, project.reported_percent)


class ProjectTracker(Tracker[LivelihoodProject]):
    def refresh(self, item: LivelihoodProject) -> None:
        done = item.state != ProjectState.IN_PROGRESS
        item.light = light_for(done, item.deadline, timezone.localdate(), item.campaign.yellow_days)
        item.progress = progress_of(item)


OPEN = workflow.OPEN_PROJECT
PROJECTS = ProjectTracker(
    model=LivelihoodProject,
    workflow=workflow.PROJECTS,
    event_model=ProjectEvent,
    item_field="project",
    stale_message=gettext_lazy("该项目已被他人修改，请刷新页面后重试。"),
    related=("campaign",),
    guards={"complete": _all_tasks_done},
    activities={
        "edit": Activity(gettext_lazy("修改项目"), Perm.MANAGE_PROJECTS, (*OPEN, ProjectState.COMPLETED)),
        "add_milestone": Activity(gettext_lazy("新增时间节点"), Perm.MANAGE_PROJECTS, OPEN),
        "reach_milestone": Activity(gettext_lazy("节点完成"), Perm.MANAGE_PROJECTS, OPEN, _milestone_open),
        "add_task": Activity(gettext_lazy("新增子项"), Perm.MANAGE_PROJECTS, OPEN),
        "report_progress": Activity(gettext_lazy("报送进展"), Perm.HANDLE_TASK, OPEN, _no_tasks),
    },
)


def _project_open(actor: Any, task: ProjectTask) -> str | None:
    if task.project.state != ProjectState.IN_PROGRESS:
        return _("项目「{project}」{state}，子项不能再变更。").format(
            project=task.project, state=task.project.get_state_display()
        )
    return None


def update_project_progress(project_id: int) -> None:
    """Recompute a project's progress from its tasks (inside the caller's transaction, the project row locked)."""
    project = LivelihoodProject.objects.select_for_update().get(pk=project_id)
    progress = progress_of(project)
    if progress != project.progress:
        LivelihoodProject.objects.filter(pk=project_id).update(progress=progress)


class TaskTracker(Tracker[ProjectTask]):
    def refresh(self, item: ProjectTask) -> None:
        done = item.state == TaskState.DONE
        item.light = light_for(done, item.deadline, timezone.localdate(), item.project.campaign.yellow_days)

    def moved(self, before: Any, item: ProjectTask) -> None:
        update_project_progress(item.project_id)

    def notify(self, actor: Any, item: ProjectTask, step: Transition | str) -> None:
        """确认完成 → the owner unit's handlers (decided); 重新打开 → the same (sent back)."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else step
        if action == "close":
            kind, text = NoticeKind.DECIDED, _("民生实事子项已确认完成：{task}")
        elif action == "reopen":
            kind, text = NoticeKind.SENT_BACK, _("民生实事子项被重新打开：{task}")
        else:
            return
        to = notices.users_of_unit(item.owner_unit_id, Perm.HANDLE_TASK)
        url = reverse("livelihood:task_detail", args=[item.pk])
        notices.notify(to, kind=kind, title=text.format(task=item.name), url=url, obj=item)


TASKS = TaskTracker(
    model=ProjectTask,
    workflow=workflow.TASKS,
    event_model=TaskEvent,
    item_field="task",
    stale_message=gettext_lazy("该子项已被他人修改，请刷新页面后重试。"),
    related=("project__campaign",),
    guards=dict.fromkeys(workflow.TASKS.transitions, _project_open),
    activities={
        "report_progress": Activity(
            gettext_lazy("报送进展"), Perm.HANDLE_TASK, (TaskState.IN_PROGRESS,), _project_open
        ),
    },
)
