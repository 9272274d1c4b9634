"""The four lists as one Excel workbook: a sheet per list, every entry (not only the page's first ones). Every text
cell goes through ``luoshi.core.excel``, which neutralises what users typed; every export is audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.excel import Book, Cells, Column
from luoshi.fourlists.queries import FourLists

COLUMNS = (
    Column(gettext_lazy("序号"), Cells.INTEGER, 6),
    Column(pgettext_lazy("list item", "事项"), width=48),
    Column(gettext_lazy("类型"), width=10),
    Column(gettext_lazy("单位"), width=18),
    Column(gettext_lazy("责任人"), width=14),
    Column(gettext_lazy("完成时限"), Cells.DATE, 12),
    Column(gettext_lazy("状态"), width=12),
)


def workbook(user: Any, lists: FourLists) -> bytes:
    """The workbook of ``lists`` assembled without a limit (``queries.assemble(..., limit=None)``)."""
    book = Book()
    for section in lists.sections:
        sheet = book.sheet(section.label, COLUMNS)
        for number, entry in enumerate(section.entries, start=1):
            sheet.append([number, entry.title, entry.source_label, entry.unit, entry.owner, entry.due, entry.status])
        sheet.filter_rows()
    counts = lists.counts
    record(
        Action.EXPORT,
        actor=user,
        obj=lists.unit,
        detail=f"导出「{lists.unit}」的四张清单（{lists.campaign}）"[:200],
        after={"campaign": lists.campaign.pk, "unit": lists.unit.pk, "counts": counts},
    )
    return book.bytes()
