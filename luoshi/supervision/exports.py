"""Excel of supervision: the ranking of a campaign's visited units by their checklist scores (督导评分排名)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.supervision import queries

RANKING_COLUMNS = [
    Column(gettext_lazy("名次"), Cells.INTEGER, 7),
    Column(gettext_lazy("单位编码"), width=12),
    Column(gettext_lazy("单位"), width=24),
    Column(gettext_lazy("得分"), Cells.DECIMAL, 10),
    Column(gettext_lazy("满分"), Cells.DECIMAL, 10),
    Column(gettext_lazy("得分率"), Cells.PERCENT, 10),
    Column(gettext_lazy("走访次数"), Cells.INTEGER, 10),
]


def ranking_workbook(user: Any, campaign: Campaign) -> bytes:
    """The ranking the user sees, one row per visited unit (ties share a rank); the export is audited."""
    rows = queries.ranking(user, campaign)
    data, count = table_bytes(
        gettext_lazy("督导评分排名"),
        RANKING_COLUMNS,
        (
            [r.rank, r.unit.code, r.unit.name, r.score.scored, r.score.possible, r.score.percent / 100, r.visits]
            for r in rows
        ),
    )
    record(
        Action.EXPORT,
        actor=user,
        object_type="campaigns.campaign",
        object_id=str(campaign.pk),
        detail=f"导出督导评分排名「{campaign.name}」{count} 个单位"[:200],
        after={"campaign": campaign.pk, "rows": count},
    )
    return data
