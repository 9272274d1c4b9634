"""Excel export of a published ranking, exactly as it was published; every text cell is neutralised."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed
from luoshi.core.excel import Column, Kind, table_bytes
from luoshi.rankings import queries
from luoshi.rankings.models import Ranking

BAND_LABELS = {"red": gettext_lazy("红榜"), "black": gettext_lazy("黑榜")}


def change_label(change: int | None) -> str:
    """↑2 / ↓1 / — (same place) / 新 (not ranked last time)."""
    if change is None:
        return _("新")
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


def columns(ranking: Ranking) -> list[Column]:
    measures = [Column(str(label), Kind.DECIMAL, 14) for _key, label in queries.measure_labels(ranking.weights)]
    return [
        Column(_("排名"), Kind.INTEGER, 8),
        Column(_("单位"), Kind.TEXT, 24),
        *measures,
        Column(_("综合得分"), Kind.DECIMAL, 12),
        Column(_("名次变化"), Kind.TEXT, 10),
        Column(_("红黑榜"), Kind.TEXT, 10),
        Column(_("连续两期末位"), Kind.TEXT, 14),
    ]


def rows(ranking: Ranking) -> list[list[Any]]:
    keys = list(ranking.weights)
    return [
        [
            row["rank"],
            row["unit_name"],
            *(row["measures"].get(k) for k in keys),
            row["score"],
            change_label(row["change"]) if row["rank"] is not None else _("无数据"),
            str(BAND_LABELS.get(row.get("band", ""), "")),
            _("是") if row["flagged"] else "",
        ]
        for row in ranking.rows
    ]


def export_ranking(user: Any, ranking: Ranking) -> bytes:
    """The ranking's rows as .xlsx (a readable ranking only, and only for users who may export); audited."""
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出晾晒排名。"))
    title = f"{ranking.scheme.name} {ranking.period_key}"
    data, count = table_bytes(title, columns(ranking), rows(ranking))
    record(
        Action.EXPORT,
        actor=user,
        obj=ranking,
        detail=f"导出晾晒排名 {title}",
        after={"ranking": ranking.pk, "rows": count, "content_hash": ranking.content_hash},
    )
    return data
