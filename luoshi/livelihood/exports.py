"""Exporting the project list (民生实事项目清单) to Excel, with the list page's filters; audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.livelihood import queries
from luoshi.livelihood.filters import ProjectFilterSet
from luoshi.livelihood.models import LivelihoodProject

SHEET_TITLE = gettext_lazy("民生实事项目")
MAX_ROWS = 20_000
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("编号"), width=11),
    Column(gettext_lazy("项目名称"), width=36),
    Column(gettext_lazy("类别"), width=10),
    Column(gettext_lazy("活动"), width=18),
    Column(gettext_lazy("牵头单位"), width=16),
    Column(gettext_lazy("配合单位"), width=24),
    Column(gettext_lazy("责任领导"), width=14),
    Column(gettext_lazy("投资（万元）"), Cells.DECIMAL, 12),
    Column(gettext_lazy("计划完成时间"), Cells.DATE, 13),
    Column(gettext_lazy("状态"), width=9),
    Column(gettext_lazy("进度"), Cells.PERCENT, 9),
    Column(gettext_lazy("子项"), Cells.INTEGER, 7),
    Column(gettext_lazy("已完成子项"), Cells.INTEGER, 10),
    Column(gettext_lazy("时间节点"), width=9),
    Column(gettext_lazy("满意"), Cells.INTEGER, 7),
    Column(gettext_lazy("基本满意"), Cells.INTEGER, 9),
    Column(gettext_lazy("不满意"), Cells.INTEGER, 8),
    Column(gettext_lazy("满意率"), Cells.PERCENT, 9),
    Column(gettext_lazy("预警"), width=7),
)


def filtered_projects(user: User, params: QueryDict) -> QuerySet[LivelihoodProject]:
    """The projects the user may export, narrowed by the list page's filters; bad filters are refused."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出民生实事项目。"))
    base = LivelihoodProject.objects.visible_to(user, Perm.EXPORT)
    filterset = ProjectFilterSet(params, queryset=base, user=user)
    if not filterset.is_valid():
        problems = _("；").join(
            f"{filterset.filters[k].label or k}：{' '.join(v)}" for k, v in filterset.errors.items()
        )
        raise RuleViolation(_("筛选条件有误（{problems}），请返回项目清单重新筛选。").format(problems=problems))
    return filterset.qs


def _rows(projects: QuerySet[LivelihoodProject]) -> Iterator[tuple[Any, ...]]:
    rows = queries.with_counts(projects.select_related("campaign", "lead_unit")).prefetch_related("assisting_units")
    for p in rows.order_by("pk")[:MAX_ROWS]:
        rate = p.satisfaction_rate
        yield (
            p.number,
            p.title,
            p.get_category_display(),
            p.campaign.name,
            p.lead_unit.name,
            "、".join(u.name for u in p.assisting_units.all()),
            p.leader_name,
            p.budget,
            p.deadline,
            p.get_state_display(),
            p.progress / 100,
            p.tasks_total,  # type: ignore[attr-defined]
            p.tasks_done,  # type: ignore[attr-defined]
            f"{p.milestones_reached}/{p.milestones_total}",  # type: ignore[attr-defined]
            p.satisfied,
            p.basically_satisfied,
            p.dissatisfied,
            rate / 100 if rate is not None else None,
            p.get_light_display(),
        )


def export_projects(user: User, params: QueryDict) -> tuple[bytes, int]:
    """导出项目清单: the .xlsx bytes and the number of rows; the export is audited."""
    projects = filtered_projects(user, params)
    content, count = table_bytes(SHEET_TITLE, COLUMNS, _rows(projects))
    applied = {k: params.getlist(k) for k in ProjectFilterSet.base_filters if any(v.strip() for v in params.getlist(k))}
    record(
        Action.EXPORT,
        actor=user,
        object_type=LivelihoodProject._meta.label_lower,
        object_repr="民生实事项目清单",
        detail=f"导出民生实事项目清单 {count} 条",
        after={"filters": applied, "rows": count},
    )
    return content, count


def download_name() -> str:
    return _("民生实事项目-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")
