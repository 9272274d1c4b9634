"""Reply rate, on-time reply rate and adoption rate of suggestions per unit and subtree (答复率、按时答复率、采纳率).

All figures of a unit count the suggestions of one campaign **referred** (转办, ``referred_at`` set) to the unit or
to any unit of its subtree (a referred suggestion's ``org_path`` is its unit's path); a suggestion the office
answered without referring it belongs to no unit's figures. With ``today`` the local date of the count:

- 转办 *referred*: the referred suggestions;
- 已答复 *answered*: those with ``answered_at`` set;
- 答复率 *reply rate* = answered / referred;
- 按时答复 *on time*: answered on or before ``deadline`` (local date of ``answered_at``); no deadline counts as
  on time;
- 应答复 *due*: answered, or unanswered with ``deadline`` before ``today`` (a suggestion still within its time
  is not yet judged);
- 按时答复率 *on-time reply rate* = on time / due;
- 超期未答复 *overdue*: unanswered with ``deadline`` before ``today``;
- 已认定 *decided*: with an adoption decision (全部 / 部分 / 未采纳);
- 采纳率 *adoption rate* = (全部采纳 + 部分采纳) / decided.

A rate with a zero denominator is None (shown "—"). Example: 4 referred, 3 answered of which 2 on time and the
fourth overdue, 2 decided of which 1 adopted → 75%, 50% (2 / 4), 50%.

One grouped query per call: counts by ``org_path`` over the subtree, folded into children by path in Python,
so the cost grows with the units of the subtree, not with the suggestions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.campaigns.models import Campaign
from luoshi.core.paths import is_within, subtree_q
from luoshi.orgs.models import Unit
from luoshi.suggestions.choices import ADOPTED
from luoshi.suggestions.models import Suggestion

OWN_LEVEL = _("本级")


@dataclass(frozen=True)
class Counts:
    """The counts the rates are made of (see the module docstring)."""

    referred: int = 0
    answered: int = 0
    on_time: int = 0
    due: int = 0
    overdue: int = 0
    decided: int = 0
    adopted: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)})

    @property
    def reply_rate(self) -> Fraction | None:
        return _rate(self.answered, self.referred)

    @property
    def on_time_rate(self) -> Fraction | None:
        return _rate(self.on_time, self.due)

    @property
    def adoption_rate(self) -> Fraction | None:
        return _rate(self.adopted, self.decided)


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class RateRow:
    """One line of the drill-down: a child unit's subtree, the parent's own level, or the whole subtree."""

    name: str
    unit: Unit | None  # None for the parent's own level (本级)
    counts: Counts
    has_children: bool = False


def _aggregates(today: dt.date) -> dict[str, Any]:
    answered = Q(answered_at__isnull=False)
    late = Q(answered_at__isnull=True, deadline__lt=today)
    return {
        "referred": Count("id"),
        "answered": Count("id", filter=answered),
        "on_time": Count("id", filter=answered & (Q(deadline__isnull=True) | Q(answered_at__date__lte=F("deadline")))),
        "due": Count("id", filter=answered | late),
        "overdue": Count("id", filter=late),
        "decided": Count("id", filter=~Q(adoption="")),
        "adopted": Count("id", filter=Q(adoption__in=ADOPTED)),
    }


def counts_by_path(campaign: Campaign, unit: Unit, today: dt.date | None = None) -> dict[str, Counts]:
    """The counts of the referred suggestions of ``campaign`` in ``unit``'s subtree, by unit path."""
    found = (
        Suggestion.objects.filter(subtree_q(unit.path), campaign=campaign, referred_at__isnull=False)
        .values("org_path")
        .annotate(**_aggregates(today or timezone.localdate()))
        .order_by()
    )
    return {row.pop("org_path"): Counts(**row) for row in found}


def _sum(by_path: dict[str, Counts], top: str) -> Counts:
    total = Counts()
    for path, counts in by_path.items():
        if is_within(path, top):
            total = total + counts
    return total


def rates_for(campaign: Campaign, unit: Unit, today: dt.date | None = None) -> Counts:
    """The counts (and so the rates) of ``unit`` and its subtree for ``campaign``."""
    return _sum(counts_by_path(campaign, unit, today), unit.path)


def drill_down(campaign: Campaign, unit: Unit, today: dt.date | None = None) -> tuple[Counts, list[RateRow]]:
    """The subtree's total and one row per child unit (its subtree), after a 本级 row when the unit itself was
    referred any."""
    by_path = counts_by_path(campaign, unit, today)
    children = list(Unit.objects.filter(parent=unit).order_by("path"))
    with_children = set(Unit.objects.filter(parent__in=children).values_list("parent_id", flat=True))
    rows = [RateRow(str(OWN_LEVEL), None, by_path[unit.path])] if unit.path in by_path else []
    rows += [RateRow(c.name, c, _sum(by_path, c.path), c.pk in with_children) for c in children]
    return _sum(by_path, unit.path), rows
