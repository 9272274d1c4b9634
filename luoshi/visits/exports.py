"""Excel of the visit calendar: the filtered list, a row per visit. Cells from user input are neutralised by
``luoshi.core.excel``; the export is audited with its filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.visits.choices import RuleKind, VisitState
from luoshi.visits.models import Visit

MAX_ROWS = 200_000
STATES = dict(VisitState.choices)
RULES = dict(RuleKind.choices)

COLUMNS = [
    Column(gettext_lazy("走访日期"), Cells.DATE, 11),
    Column(gettext_lazy("单位编码"), width=12),
    Column(gettext_lazy("走访单位"), width=20),
    Column(gettext_lazy("活动"), width=18),
    Column(gettext_lazy("走访方"), width=18),
    Column(gettext_lazy("人数"), Cells.INTEGER, 6),
    Column(gettext_lazy("人员"), width=24),
    Column(gettext_lazy("走访方式"), width=10),
    Column(gettext_lazy("走访事由"), width=30),
    Column(gettext_lazy("状态"), width=8),
    Column(gettext_lazy("触发规则"), width=30),
    Column(gettext_lazy("仍需走访的理由"), width=30),
    Column(gettext_lazy("报备人"), width=10),
]


def kinds_text(visit: Visit) -> str:
    return visit.kinds_display


def hits_text(visit: Visit) -> str:
    return _("；").join(str(RULES.get(hit.get("kind"), hit.get("kind"))) for hit in visit.warnings or [])


def visits_workbook(user: Any, visits: QuerySet[Visit], filters: dict[str, list[str]]) -> bytes:
    """The visits (already filtered to the user's scope), oldest first, at most ``MAX_ROWS``."""
    rows = visits.select_related("unit", "campaign", "filed_by").order_by("date", "id")[:MAX_ROWS]
    content, count = table_bytes(
        _("走访报备"),
        COLUMNS,
        (
            [
                v.date,
                v.unit.code,
                v.unit.name,
                v.campaign.name,
                v.organiser,
                v.headcount,
                v.team,
                kinds_text(v),
                v.purpose,
                STATES.get(v.state, v.state),
                hits_text(v),
                v.override_reason,
                v.filed_by.display_name if v.filed_by else "",
            ]
            for v in rows.iterator(chunk_size=2000)
        ),
    )
    shown = {k: v for k, v in filters.items() if k not in ("page", "after", "before", "last")}
    record(
        Action.EXPORT,
        actor=user,
        object_type="visits.visit",
        detail=f"导出走访报备 {count} 条"[:200],
        after={"rows": count, "filters": shown},
    )
    return content
