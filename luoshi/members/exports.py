"""Excel of the member register: the members a user sees with the list's filters, in the import's columns (so an
export can be edited and imported elsewhere) with phones masked. Every text cell is neutralised by
``luoshi.core.excel``; every export is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Cells, Column, write_table
from luoshi.jobs.exports import Progress, counted
from luoshi.members import imports, queries
from luoshi.members.choices import MemberKind
from luoshi.members.filters import MemberFilterSet
from luoshi.members.models import Member

NOUN = gettext_lazy("党员干部")
EXPORT_KIND = "members.export"
SHEET_TITLE = gettext_lazy("党员干部名册")
KINDS = dict(MemberKind.choices)
COLUMNS = [
    Column(imports.NUMBER, width=16),
    Column(imports.NAME, width=12),
    Column(imports.KIND, width=10),
    Column(imports.UNIT, width=14),
    Column(gettext_lazy("所在单位"), width=24),
    Column(imports.POSITION, width=16),
    Column(gettext_lazy("手机号（部分隐藏）"), width=14),
    Column(imports.HOME, width=16),
    Column(imports.CURRENT, width=16),
    Column(imports.PLACE, width=24),
    Column(imports.LATITUDE, Cells.DECIMAL, 10),
    Column(imports.LONGITUDE, Cells.DECIMAL, 10),
    Column(gettext_lazy("在册"), width=8),
]


def require_exporter(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))


def _rows(members: Any) -> Iterator[tuple[Any, ...]]:
    fields = (
        "number",
        "name",
        "kind",
        "unit__code",
        "unit__name",
        "position",
        "phone_masked",
        "home_unit__code",
        "current_unit__code",
        "current_place",
        "latitude",
        "longitude",
        "active",
    )
    for row in members.order_by("org_path", "number").values_list(*fields).iterator(chunk_size=5000):
        values = list(row)
        values[2] = str(KINDS.get(values[2], values[2]))
        values[12] = _("是") if values[12] else _("否")
        yield tuple(values)


def write_members(members: Any, target: IO[bytes], progress: Progress | None = None) -> int:
    return write_table(target, SHEET_TITLE, COLUMNS, counted(_rows(members), NOUN, progress))


def export_for_user(user: Any, params: QueryDict, target: IO[bytes], progress: Progress | None = None) -> int:
    """导出名册: the filtered members the user may see; audited (filters and row count, no personal data)."""
    require_exporter(user)
    count = write_members(queries.filtered(user, params), target, progress)
    applied = {k: params.getlist(k) for k in params if k in MemberFilterSet.base_filters}
    record(
        Action.EXPORT,
        actor=user,
        object_type=Member._meta.label_lower,
        object_repr=str(SHEET_TITLE),
        detail=f"导出党员干部名册 {count} 人",
        after={"filters": applied, "rows": count},
    )
    return count


def download_name() -> str:
    return _("党员干部名册-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")
