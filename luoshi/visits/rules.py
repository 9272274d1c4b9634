"""The anti-pile-up rules of the visit calendar (防止扎堆调研), with Yunnan's figures as defaults.

- ``unit_window``: the visit would be the ``limit``-th visit (or more) to the same unit inside some
  ``window_days``-day window (3 in 14 days);
- ``unit_year``: the same over a year (10 in 365 days);
- ``party_size``: more than ``limit`` people in the party (10);
- ``county_month``: more than ``limit`` visiting organisers (groups, plans) in one county-level unit's
  subtree in the calendar month of the visit, this one included (30); counting stops past the limit, so
  the hit's ``count`` is then ``limit + 1`` ("more than the limit").

Cancelled visits count for none of them; a visit being changed does not count against itself.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.orgs.models import Unit
from luoshi.visits.choices import RuleAction, RuleKind, VisitState
from luoshi.visits.models import Visit, VisitRule

DEFAULTS: dict[str, tuple[int, int]] = {
    RuleKind.UNIT_WINDOW: (3, 14),
    RuleKind.UNIT_YEAR: (10, 365),
    RuleKind.PARTY_SIZE: (10, 0),
    RuleKind.COUNTY_MONTH: (30, 0),
}
DEFAULT_COUNTY_KINDS = ("district", "county", "function-zone")
COUNTY_CHUNK = 100


@dataclass(frozen=True)
class RuleHit:
    """A rule a visit trips: what the rule says, what it counted, and whether it warns or blocks."""

    kind: str
    action: str
    limit: int
    window_days: int
    count: int
    message: str

    @property
    def blocks(self) -> bool:
        return self.action == RuleAction.BLOCK

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def rules_for(campaign: Campaign) -> list[VisitRule]:
    """The campaign's rules, one per kind; a kind it never set is Yunnan's default, warning (unsaved)."""
    stored = {rule.kind: rule for rule in VisitRule.objects.filter(campaign=campaign)}
    rules = []
    for kind, (limit, window) in DEFAULTS.items():
        rules.append(stored.get(kind) or VisitRule(campaign=campaign, kind=kind, limit=limit, window_days=window))
    return rules


def county_of(unit: Unit) -> Unit:
    """The county-level unit (县级单位) a unit lies in: the nearest one of a county kind above or at it; failing
    that, the unit just under the top of the tree (or the unit itself at the top)."""
    kinds = getattr(settings, "LUOSHI_COUNTY_KIND_CODES", DEFAULT_COUNTY_KINDS)
    chain = paths.ancestors(unit.path)
    found = Unit.objects.filter(path__in=chain, kind__code__in=kinds).order_by("-level").first()
    if found is not None:
        return found
    if len(chain) <= 2:
        return unit
    return Unit.objects.get(path=chain[1])


def _live(campaign: Campaign, exclude: int | None) -> QuerySet[Visit]:
    visits = Visit.objects.filter(campaign=campaign).exclude(state=VisitState.CANCELLED)
    return visits.exclude(pk=exclude) if exclude else visits


def most_in_window(dates: Iterable[dt.date], day: dt.date, window_days: int) -> int:
    """The most visits (``day`` included) that any ``window_days``-day window holding ``day`` holds."""
    near = sorted([*(d for d in dates if abs((d - day).days) < window_days), day])
    earliest = day - dt.timedelta(days=window_days - 1)
    starts = [earliest, *(d for d in near if earliest <= d <= day)]
    width = dt.timedelta(days=window_days - 1)
    return max(bisect_right(near, start + width) - bisect_left(near, start) for start in starts)


def _unit_counts(campaign: Campaign, unit: Unit, day: dt.date, rules: list[VisitRule], exclude: int | None) -> dict:
    widest = max((r.window_days for r in rules if r.kind in (RuleKind.UNIT_WINDOW, RuleKind.UNIT_YEAR)), default=0)
    if not widest:
        return {}
    span = dt.timedelta(days=widest - 1)
    dates = list(
        _live(campaign, exclude)
        .filter(unit=unit, date__gte=day - span, date__lte=day + span)
        .values_list("date", flat=True)
    )
    return {r.kind: most_in_window(dates, day, r.window_days) for r in rules if r.window_days}


def _county_count(
    campaign: Campaign, unit: Unit, day: dt.date, organiser_key: str, exclude: int | None, limit: int
) -> int:
    """The distinct organisers visiting the unit's county in the month of ``day``, this one included; counting
    stops at ``limit + 1`` (the rule is tripped then), so a busy county costs a few rows read, not a month's."""
    county = county_of(unit)
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    visits = _live(campaign, exclude).filter(paths.subtree_q(county.path), date__gte=first, date__lte=last)
    seen = {organiser_key or "·new"}
    rows = visits.order_by("org_path", "date", "id").values_list("organiser_key", "organiser")
    start, size = 0, COUNTY_CHUNK
    while len(seen) <= limit:
        chunk = list(rows[start : start + size])  # a LIMIT the planner reads from the (org_path, date) index
        seen.update(key or name for key, name in chunk)
        if len(chunk) < size:
            break
        start, size = start + size, size * 4
    return len(seen)


def _message(rule: VisitRule, count: int) -> str:
    if rule.kind == RuleKind.PARTY_SIZE:
        return _("走访人数 {count} 人，超过 {limit} 人。").format(count=count, limit=rule.limit)
    if rule.kind == RuleKind.COUNTY_MONTH:
        return _("该县级单位本月接待的走访组将超过 {limit} 个。").format(limit=rule.limit)
    return _("该单位 {days} 天内将被走访 {count} 次（提醒线 {limit} 次）。").format(
        days=rule.window_days, count=count, limit=rule.limit
    )


def check_visit(
    campaign: Campaign,
    unit: Unit,
    day: dt.date,
    headcount: int,
    organiser_key: str = "",
    exclude: int | None = None,
) -> list[RuleHit]:
    """The rules a visit of ``headcount`` people to ``unit`` on ``day`` would trip (``exclude``: the visit's own id)."""
    rules = [r for r in rules_for(campaign) if r.enabled]
    counts = _unit_counts(campaign, unit, day, rules, exclude)
    hits = []
    for rule in rules:
        if rule.kind == RuleKind.PARTY_SIZE:
            count, tripped = headcount, headcount > rule.limit
        elif rule.kind == RuleKind.COUNTY_MONTH:
            count = _county_count(campaign, unit, day, organiser_key, exclude, rule.limit)
            tripped = count > rule.limit
        else:
            count = counts.get(rule.kind, 1)
            tripped = count >= rule.limit
        if tripped:
            hits.append(RuleHit(rule.kind, rule.action, rule.limit, rule.window_days, count, _message(rule, count)))
    return hits
