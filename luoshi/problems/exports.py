"""Exporting problem lists to Excel (问题清单导出), streamed row by row so 100,000 rows stay small in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, write_table
from luoshi.core.filters import applied_filters, refused_filters
from luoshi.jobs.exports import Progress, counted, run_export
from luoshi.jobs.runner import JobContext
from luoshi.problems.choices import Kind, Light, MeasureState, Severity, State
from luoshi.problems.filters import ProblemFilterSet
from luoshi.problems.models import Measure, Problem

SHEET_TITLE = gettext_lazy("问题清单")
NOUN = gettext_lazy("问题")
EXPORT_KIND = "problems.export"
CHUNK = 2000


COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("编号"), width=11),
    Column(gettext_lazy("问题标题"), width=40),
    Column(gettext_lazy("具体表现"), width=50),
    Column(gettext_lazy("问题来源"), width=12),
    Column(gettext_lazy("问题方面"), width=14),
    Column(gettext_lazy("责任单位"), width=18),
    Column(gettext_lazy("责任领导"), width=12),
    Column(gettext_lazy("严重程度"), width=9),
    Column(gettext_lazy("整改类型"), width=10),
    Column(gettext_lazy("发现日期"), Cells.DATE, 12),
    Column(gettext_lazy("整改时限"), Cells.DATE, 12),
    Column(gettext_lazy("状态"), width=9),
    Column(gettext_lazy("预警"), width=7),
    Column(gettext_lazy("措施数"), Cells.INTEGER, 8),
    Column(gettext_lazy("已完成措施"), Cells.INTEGER, 11),
    Column(gettext_lazy("销号时间"), Cells.DATETIME, 17),
)
HEADERS = tuple(c.header for c in COLUMNS)
LABELS = {
    "severity": dict(Severity.choices),
    "kind": dict(Kind.choices),
    "state": dict(State.choices),
    "light": dict(Light.choices),
}
VALUES = (
    "pk",
    "title",
    "description",
    "channel__name",
    "aspect__name",
    "unit__name",
    "responsible_leader__display_name",
    "responsible_leader__username",
    "severity",
    "kind",
    "found_on",
    "deadline",
    "state",
    "light",
    "measure_count",
    "measures_done",
    "closed_at",
)


def _measure_count(done_only: bool) -> Coalesce:
    measures = Measure.objects.filter(problem=OuterRef("pk"))
    if done_only:
        measures = measures.filter(state=MeasureState.DONE)
    counted = measures.order_by().values("problem").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def export_values(queryset: QuerySet[Problem]) -> Iterator[tuple[Any, ...]]:
    """The export's rows as plain tuples, read from the database in chunks."""
    rows = (
        queryset.annotate(measure_count=_measure_count(False), measures_done=_measure_count(True))
        .order_by("pk")
        .values_list(*VALUES)
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield _cells(dict(zip(VALUES, row, strict=True)))


def _label(field: str, value: str) -> str:
    return str(LABELS[field].get(value, value))


def _cells(r: dict[str, Any]) -> tuple[Any, ...]:
    return (
        f"WT{r['pk']:06d}",
        r["title"],
        r["description"],
        r["channel__name"],
        r["aspect__name"],
        r["unit__name"],
        r["responsible_leader__display_name"] or r["responsible_leader__username"] or "",
        _label("severity", r["severity"]),
        _label("kind", r["kind"]),
        r["found_on"],
        r["deadline"],
        _label("state", r["state"]),
        _label("light", r["light"]),
        r["measure_count"],
        r["measures_done"],
        r["closed_at"],
    )


def write_problems(queryset: QuerySet[Problem], target: IO[bytes], progress: Progress | None = None) -> int:
    """Write the problems to ``target`` as .xlsx (streamed); return how many rows were written."""
    return write_table(target, SHEET_TITLE, COLUMNS, counted(export_values(queryset), NOUN, progress))


def filtered_problems(user: Any, params: QueryDict) -> tuple[QuerySet[Problem], dict[str, list[str]]]:
    """The user's exportable problems narrowed by the list page's filters, and the filters that applied."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出问题清单。"))
    filterset = ProblemFilterSet(params, queryset=Problem.objects.visible_to(user, Perm.EXPORT), user=user)
    if not filterset.is_valid():
        problems = refused_filters(filterset)
        raise RuleViolation(_("筛选条件有误（{problems}），请返回问题清单重新筛选。").format(problems=problems))
    return filterset.qs, applied_filters(filterset, params)


def export_for_user(user: Any, params: QueryDict, target: IO[bytes], progress: Progress | None = None) -> int:
    """导出问题清单: the rows the user may export under the given filters; the export is audited."""
    queryset, applied = filtered_problems(user, params)
    count = write_problems(queryset, target, progress)
    record(
        Action.EXPORT,
        actor=user,
        object_type=Problem._meta.label_lower,
        object_repr="问题清单",
        detail=f"导出问题清单 {count} 条",
        after={"filters": applied, "rows": count},
    )
    return count


def export_all(target: IO[bytes], campaign_id: int | None = None, operator: str = "") -> int:
    """System export (系统导出) of every problem, or of one campaign's, from the command line; audited."""
    queryset = Problem.objects.all()
    if campaign_id is not None:
        queryset = queryset.filter(campaign_id=campaign_id)
    count = write_problems(queryset, target)
    record(
        Action.EXPORT,
        actor_name=operator or "系统命令",
        object_type=Problem._meta.label_lower,
        object_repr="问题清单（系统导出）",
        detail=f"系统导出问题清单 {count} 条",
        after={"filters": {"campaign": [str(campaign_id)]} if campaign_id else {}, "rows": count},
    )
    return count


def download_name() -> str:
    return _("问题清单-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")


def export_problems_job(ctx: JobContext) -> dict[str, Any]:
    """The job body of a long export: the list page's filters, applied for the job's owner as of now."""
    return run_export(ctx, export_for_user, download_name())
