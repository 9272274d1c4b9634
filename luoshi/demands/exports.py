"""Excel export of a filtered demand list (诉求工单导出): streamed, audited, citizens' phones masked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.downloads import written_download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Column, Kind, write_table
from luoshi.demands import queries
from luoshi.demands.filters import DemandFilterSet
from luoshi.demands.models import Demand
from luoshi.jobs.exports import Progress, counted

SHEET_TITLE = gettext_lazy("诉求工单")
COLUMNS = (
    Column(gettext_lazy("工单编号"), width=16),
    Column(gettext_lazy("受理时间"), Kind.DATETIME, 17),
    Column(gettext_lazy("渠道"), width=12),
    Column(gettext_lazy("分类"), width=16),
    Column(gettext_lazy("类型"), width=8),
    Column(gettext_lazy("标题"), width=30),
    Column(gettext_lazy("诉求内容"), width=50),
    Column(gettext_lazy("地址"), width=30),
    Column(gettext_lazy("联系电话"), width=14),
    Column(gettext_lazy("承办单位"), width=18),
    Column(gettext_lazy("涉及企业"), width=18),
    Column(gettext_lazy("涉及项目"), width=18),
    Column(gettext_lazy("状态"), width=8),
    Column(gettext_lazy("办结时限"), Kind.DATETIME, 17),
    Column(gettext_lazy("办理结果"), width=10),
    Column(gettext_lazy("满意度"), width=10),
    Column(gettext_lazy("督办"), width=6),
)
HEADERS = tuple(c.header for c in COLUMNS)
CHUNK = 2000
NOUN = gettext_lazy("工单")
EXPORT_KIND = "demands.export"


def export_rows(demands: QuerySet[Demand]) -> Iterator[tuple[Any, ...]]:
    """One row per ticket; the phone only as stored masked (138****1234), the name never."""
    for d in demands.iterator(chunk_size=CHUNK):
        yield (
            d.number,
            d.received_at,
            str(d.channel),
            str(d.category),
            d.get_kind_display(),
            d.title,
            d.content,
            d.address,
            d.citizen_phone_masked,
            str(d.handling_unit or ""),
            str(d.company or ""),
            str(d.project or ""),
            d.get_state_display(),
            d.resolve_due,
            d.get_outcome_display(),
            d.get_satisfaction_display(),
            _("是") if d.escalated else "",
        )


def filtered_demands(user: Any, params: QueryDict) -> QuerySet[Demand]:
    """Tickets the user both sees and may export, narrowed by the list page's filters."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您没有导出的权限。"))
    exportable = queries.visible_demands(user).filter(scope.visible_q(user, Perm.EXPORT))
    filterset = DemandFilterSet(params, queryset=exportable, user=user)
    if not filterset.is_valid():
        raise RuleViolation(_("筛选条件有误，请返回诉求工单列表重新筛选。"))
    return filterset.qs.order_by("-received_at", "-id")


def write_demands(demands: QuerySet[Demand], target: IO[bytes], progress: Progress | None = None) -> int:
    return write_table(target, SHEET_TITLE, COLUMNS, counted(export_rows(demands), NOUN, progress))


def export_for_user(user: Any, params: QueryDict, target: IO[bytes], progress: Progress | None = None) -> int:
    """导出诉求工单: the filtered tickets the user may export; the export is audited."""
    count = write_demands(filtered_demands(user, params), target, progress)
    applied = {k: params.getlist(k) for k in params if k in DemandFilterSet.base_filters}
    record(
        Action.EXPORT,
        actor=user,
        object_type=Demand._meta.label_lower,
        object_repr=str(SHEET_TITLE),
        detail=f"导出诉求工单 {count} 条",
        after={"filters": applied, "rows": count},
    )
    return count


def download_name() -> str:
    return _("诉求工单-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")


def export_response(user: Any, params: QueryDict) -> FileResponse:
    """The export written in the request (short lists)."""
    return written_download(lambda target: export_for_user(user, params, target), download_name)
