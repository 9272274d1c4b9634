"""Excel exports of the key-task boards: the assignments of a task or of a unit (any filter of the board),
and a campaign's task list with its progress. Streamed row by row; every export is audited."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, write_table
from luoshi.core.filters import applied_filters, refused_filters
from luoshi.jobs.exports import Progress, counted, run_export
from luoshi.jobs.runner import JobContext
from luoshi.tasks import queries
from luoshi.tasks.choices import OPEN_STATES, AssignRole, Cycle, State
from luoshi.tasks.filters import AssignmentFilterSet
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tracking.choices import Light

NOUN = gettext_lazy("任务交办")
EXPORT_KIND = "tasks.export"
CHUNK = 2000

ASSIGNMENT_COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("编号"), width=10),
    Column(gettext_lazy("重点任务"), width=36),
    Column(gettext_lazy("承办单位"), width=20),
    Column(gettext_lazy("职责"), width=7),
    Column(gettext_lazy("上级交办单位"), width=18),
    Column(gettext_lazy("责任人"), width=12),
    Column(gettext_lazy("办理时限"), Cells.DATE, 12),
    Column(gettext_lazy("状态"), width=9),
    Column(gettext_lazy("预警"), width=7),
    Column(gettext_lazy("逾期"), width=6),
    Column(gettext_lazy("完成进度"), Cells.PERCENT, 10),
    Column(gettext_lazy("签收日期"), Cells.DATE, 12),
    Column(gettext_lazy("最近报送"), Cells.DATE, 12),
)
VALUES = (
    "pk",
    "task__title",
    "unit__name",
    "role",
    "parent__unit__name",
    "owner__display_name",
    "owner__username",
    "due_on",
    "state",
    "light",
    "percent",
    "signed_on",
    "last_report_on",
)
LABELS: dict[str, dict[str, Any]] = {
    "role": dict(AssignRole.choices),
    "state": dict(State.choices),
    "light": dict(Light.choices),
}


def _label(field: str, value: str) -> str:
    return str(LABELS[field].get(value, value))


def assignment_rows(queryset: QuerySet[TaskAssignment]) -> Iterator[tuple[Any, ...]]:
    today = timezone.localdate()
    rows = queryset.order_by("task_id", "org_path", "pk").values_list(*VALUES)
    for values in rows.iterator(chunk_size=CHUNK):
        r = dict(zip(VALUES, values, strict=True))
        late = r["state"] in OPEN_STATES and r["due_on"] < today
        yield (
            f"JB{r['pk']:06d}",
            r["task__title"],
            r["unit__name"],
            _label("role", r["role"]),
            r["parent__unit__name"] or "",
            r["owner__display_name"] or r["owner__username"] or "",
            r["due_on"],
            _label("state", r["state"]),
            _label("light", r["light"]),
            _("是") if late else "",
            Decimal(r["percent"]) / 100 if r["state"] != State.DONE else Decimal(1),
            r["signed_on"],
            r["last_report_on"],
        )


def filtered_assignments(user: Any, params: QueryDict) -> tuple[QuerySet[TaskAssignment], dict[str, list[str]]]:
    """The user's exportable assignments narrowed by the board's filters, and the filters that applied."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出任务交办情况。"))
    base = TaskAssignment.objects.visible_to(user, Perm.EXPORT)
    filterset = AssignmentFilterSet(params, queryset=base, user=user)
    if not filterset.is_valid():
        problems = refused_filters(filterset)
        raise RuleViolation(_("筛选条件有误（{problems}），请返回重新筛选。").format(problems=problems))
    return filterset.qs, applied_filters(filterset, params)


def export_assignments(user: Any, params: QueryDict, target: IO[bytes], progress: Progress | None = None) -> int:
    """导出任务交办: the rows the user may export under the board's filters; audited."""
    queryset, applied = filtered_assignments(user, params)
    count = write_table(target, _("任务交办"), ASSIGNMENT_COLUMNS, counted(assignment_rows(queryset), NOUN, progress))
    record(
        Action.EXPORT,
        actor=user,
        object_type=TaskAssignment._meta.label_lower,
        object_repr="任务交办",
        detail=f"导出任务交办 {count} 条",
        after={"filters": applied, "rows": count},
    )
    return count


def download_name() -> str:
    return _("任务交办-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")


def export_assignments_job(ctx: JobContext) -> dict[str, Any]:
    """The job body of a long export: the board's filters, applied for the job's owner as of now."""
    return run_export(ctx, export_assignments, download_name())


TASK_COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("编号"), width=10),
    Column(gettext_lazy("层级"), Cells.INTEGER, 6),
    Column(gettext_lazy("上级任务"), width=24),
    Column(gettext_lazy("任务名称"), width=36),
    Column(gettext_lazy("任务来源"), width=10),
    Column(gettext_lazy("主办单位"), width=16),
    Column(gettext_lazy("责任领导"), width=10),
    Column(gettext_lazy("权重"), Cells.DECIMAL, 7),
    Column(gettext_lazy("完成时限"), Cells.DATE, 12),
    Column(gettext_lazy("报送周期"), width=8),
    Column(gettext_lazy("完成进度"), Cells.PERCENT, 10),
    Column(gettext_lazy("承办单位数"), Cells.INTEGER, 10),
    Column(gettext_lazy("已办结"), Cells.INTEGER, 8),
    Column(gettext_lazy("逾期"), Cells.INTEGER, 7),
)


def campaign_tasks(user: Any, campaign: Campaign) -> QuerySet[Task]:
    tasks = Task.objects.visible_to(user, Perm.EXPORT).filter(campaign=campaign)
    return queries.tree_ordered(tasks.select_related("unit", "source", "parent")).order_by(*queries.TREE_ORDER)


def export_tasks(user: Any, campaign: Campaign, target: IO[bytes]) -> int:
    """导出重点任务清单 of a campaign with each task's progress; audited."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出重点任务。"))
    tasks = list(campaign_tasks(user, campaign))
    percents = queries.percents_for([t.pk for t in tasks])
    figures = queries.task_counts([t.pk for t in tasks])
    cycles = dict(Cycle.choices)
    rows = (
        (
            t.number,
            t.level,
            t.parent.title if t.parent else "",
            t.title,
            t.source.name,
            t.unit.name,
            t.leader_name,
            t.weight,
            t.due_on,
            str(cycles.get(t.cycle, t.cycle)),
            None if percents.get(t.pk) is None else Decimal(percents[t.pk] or 0) / 100,
            figures.get(t.pk, {}).get("total", 0),
            figures.get(t.pk, {}).get("done", 0),
            figures.get(t.pk, {}).get("overdue", 0),
        )
        for t in tasks
    )
    count = write_table(target, _("重点任务清单"), TASK_COLUMNS, rows)
    record(
        Action.EXPORT,
        actor=user,
        obj=campaign,
        object_type=Task._meta.label_lower,
        detail=f"导出重点任务清单 {count} 项",
        after={"campaign": campaign.pk, "rows": count},
    )
    return count
