"""The arithmetic of a ranking, as pure functions over plain rows.

- Score (综合得分) = Σ weight × value / Σ weight over the measures that have a value for the unit. A unit with
  no data on a measure is left out of that measure's weight (its other measures carry the score); a unit with
  no data on any measure has no score and is listed last, unranked.
- Rank: best score first, ties share a rank (standard competition ranking: 1, 2, 2, 4).
- Change (名次变化): previous rank − rank (positive: up); None when the unit was not ranked last time (新).
- Red list (红榜): ranks 1…N. Black list (黑榜): the units whose tie group reaches into the last N places (ties
  at the cut all named), unless already on the red list.
- Flag (连续两期末位): ranked last (the last tie group, of at least two ranked units) in this ranking and in the
  previous published ranking of the same scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

RED, BLACK = "red", "black"
PLACES = Decimal("0.01")


def rounded(value: Any) -> float | None:
    """A percent to two decimals (half up), as a float for JSON; None stays None."""
    if value is None:
        return None
    return float(Decimal(str(float(value))).quantize(PLACES, rounding=ROUND_HALF_UP))


def weighted_score(values: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Σ weight × value / Σ weight over the measures with a value and a positive weight; None when none."""
    parts = [(Decimal(str(weights[k])), Decimal(str(v))) for k, v in values.items() if v is not None and weights.get(k)]
    total = sum((w for w, _v in parts), Decimal(0))
    if total <= 0:
        return None
    return rounded(sum((w * v for w, v in parts), Decimal(0)) / total)


def rank_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort rows (each with ``score`` and ``sort_key``) best first and set ``rank``; unscored rows last, rank None."""
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: (-r["score"], r["sort_key"]))
    unscored = sorted((r for r in rows if r["score"] is None), key=lambda r: r["sort_key"])
    previous_score: float | None = None
    rank = 0
    for position, row in enumerate(scored, start=1):
        if row["score"] != previous_score:
            rank, previous_score = position, row["score"]
        row["rank"] = rank
    for row in unscored:
        row["rank"] = None
    return scored + unscored


def bands(rows: list[dict[str, Any]], highlight: int) -> None:
    """Set ``band`` (red, black or "") on ranked rows, as the module doc says."""
    ranked = [r for r in rows if r["rank"] is not None]
    count = len(ranked)
    last_position: dict[int, int] = {}
    for position, row in enumerate(ranked, start=1):
        last_position[row["rank"]] = position
    for row in rows:
        row["band"] = ""
        if row["rank"] is None:
            continue
        if row["rank"] <= highlight:
            row["band"] = RED
        elif last_position[row["rank"]] > count - highlight:
            row["band"] = BLACK


def last_units(rows: list[dict[str, Any]]) -> set[int]:
    """The units of the last tie group, when at least two units are ranked."""
    ranked = [r for r in rows if r.get("rank") is not None]
    if len(ranked) < 2:
        return set()
    bottom = max(r["rank"] for r in ranked)
    return {r["unit_id"] for r in ranked if r["rank"] == bottom}


def compare(rows: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> None:
    """Set ``change`` and ``flagged`` on rows against the previous ranking's rows (None: there is none)."""
    before = {r["unit_id"]: r.get("rank") for r in previous or []}
    last_now = last_units(rows)
    last_before = last_units(previous or [])
    for row in rows:
        old = before.get(row["unit_id"])
        row["change"] = old - row["rank"] if old is not None and row["rank"] is not None else None
        row["flagged"] = row["unit_id"] in last_now and row["unit_id"] in last_before
