"""Excel export of a filtered demand list (诉求工单导出): streamed, audited, citizens' phones masked."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.demands import queries
from luoshi.demands.filters import DemandFilterSet
from luoshi.demands.models import Demand
from luoshi.jobs.exports import Progress, counted

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = gettext_lazy("诉求工单")
HEADERS = (
    gettext_lazy("工单编号"),
    gettext_lazy("受理时间"),
    gettext_lazy("渠道"),
    gettext_lazy("分类"),
    gettext_lazy("类型"),
    gettext_lazy("标题"),
    gettext_lazy("诉求内容"),
    gettext_lazy("地址"),
    gettext_lazy("联系电话"),
    gettext_lazy("承办单位"),
    gettext_lazy("涉及企业"),
    gettext_lazy("涉及项目"),
    gettext_lazy("状态"),
    gettext_lazy("办结时限"),
    gettext_lazy("办理结果"),
    gettext_lazy("满意度"),
    gettext_lazy("督办"),
)
CHUNK = 2000
NOUN = gettext_lazy("工单")
EXPORT_KIND = "demands.export"


def _local(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def export_rows(demands: QuerySet[Demand]) -> Iterator[tuple[Any, ...]]:
    """One row per ticket; the phone only as stored masked (138****1234), the name never."""
    for d in demands.iterator(chunk_size=CHUNK):
        yield (
            d.number,
            _local(d.received_at),
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
            _local(d.resolve_due),
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET_TITLE))
    sheet.append([str(h) for h in HEADERS])
    count = 0
    for count, row in enumerate(counted(export_rows(demands), NOUN, progress), start=1):  # noqa: B007
        sheet.append(row)
    workbook.save(target)
    return count


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
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so removes) it once sent
    try:
        export_for_user(user, params, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=download_name(), content_type=XLSX_TYPE)
