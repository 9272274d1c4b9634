"""Excel export of the figures of a campaign's reports (报告数字导出): one row per figure, streamed row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Column, Kind, write_table
from luoshi.reports.choices import Approx, Change
from luoshi.reports.models import Figure

SHEET_TITLE = gettext_lazy("报告数字")
CHUNK = 2000
COLUMNS = (
    Column(gettext_lazy("单位"), width=18),
    Column(gettext_lazy("报告"), width=30),
    Column(gettext_lazy("主题"), width=24),
    Column(gettext_lazy("数值"), Kind.DECIMAL, 12),
    Column(gettext_lazy("上限"), Kind.DECIMAL, 10),
    Column(gettext_lazy("计量单位"), width=9),
    Column(gettext_lazy("约数"), width=12),
    Column(gettext_lazy("变化"), width=7),
    Column(gettext_lazy("原句"), width=80),
)
VALUES = (
    "report__unit__name",
    "report__title",
    "subject",
    "value",
    "value_max",
    "unit",
    "approx",
    "change",
    "sentence",
)


def campaign_figures(user: Any, campaign: Campaign) -> QuerySet[Figure]:
    """The figures of the campaign's reports that the user may export, excluding those marked 不是数字."""
    figures = Figure.objects.visible_to(user, Perm.EXPORT).filter(report__campaign=campaign, excluded=False)
    return figures.order_by("report__unit__path", "report_id", "start", "id")


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def export_rows(figures: QuerySet[Figure]) -> Iterator[tuple[Any, ...]]:
    approx, change = dict(Approx.choices), dict(Change.choices)
    for row in figures.values_list(*VALUES).iterator(chunk_size=CHUNK):
        unit_name, title, subject, value, value_max, unit, kind, moved, sentence = row
        yield (
            unit_name,
            title,
            subject,
            _number(value),
            _number(value_max),
            unit,
            str(approx.get(kind, kind)),
            str(change.get(moved, moved)) if moved else "",
            sentence,
        )


def write_figures(figures: QuerySet[Figure], target: IO[bytes]) -> int:
    """Write the figures to ``target`` as .xlsx (streamed); return how many rows were written."""
    return write_table(target, SHEET_TITLE, COLUMNS, export_rows(figures))


def export_for_user(user: Any, campaign: Campaign, target: IO[bytes]) -> int:
    """导出报告数字 of a campaign within the user's export scope; the export is audited."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出报告数字。"))
    count = write_figures(campaign_figures(user, campaign), target)
    record(
        Action.EXPORT,
        actor=user,
        object_type=Figure._meta.label_lower,
        object_repr=f"报告数字：{campaign.name}"[:200],
        detail=f"导出报告数字 {count} 条",
        after={"campaign": campaign.pk, "rows": count},
    )
    return count
