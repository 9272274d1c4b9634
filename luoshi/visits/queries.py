"""The read side of the visit calendar: month grids per unit and per county, the heat of a subtree by visits
received, the units never visited, and the warnings passed over. Every query starts from what the user may see."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.http import QueryDict

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.pagination import Page, Paginator
from luoshi.core.paths import SEGMENT, subtree_q
from luoshi.orgs.models import Unit
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit

HEAT_STEPS = 5
NEVER_PAGE = 50
WHO = Coalesce(NullIf("organiser_key", Value("")), "organiser")


def visible_visits(user: Any, perm: str = Perm.VIEW) -> QuerySet[Visit]:
    """The visits to units the user sees (走访报备), with what their lists show."""
    return Visit.objects.visible_to(user, perm).select_related("unit", "campaign", "filed_by")


def live(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.exclude(state=VisitState.CANCELLED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Day:
    date: dt.date | None
    visits: list[Visit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.visits)


def month_grid(visits: QuerySet[Visit], month: dt.date) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with its visits (cancelled ones left out)."""
    first, last = month_bounds(month)
    by_day: dict[dt.date, list[Visit]] = defaultdict(list)
    for visit in live(visits).filter(date__gte=first, date__lte=last).order_by("date", "id"):
        by_day[visit.date].append(visit)
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append([Day(d, by_day.get(d, [])) if d.month == first.month else Day(None) for d in week])
    return weeks


@dataclass(frozen=True)
class HeatRow:
    unit: Unit
    visits: int
    organisers: int
    last: dt.date | None
    own: bool = False
    step: int = 0

    @property
    def alpha(self) -> str:
        """The red's opacity on the heat table: 0.16 a step."""
        return f"{self.step * 0.16:.2f}"


def _steps(rows: list[HeatRow]) -> list[HeatRow]:
    top = max((r.visits for r in rows), default=0)
    return [
        HeatRow(r.unit, r.visits, r.organisers, r.last, r.own, -(-r.visits * HEAT_STEPS // top) if top else 0)
        for r in rows
    ]


BRANCH = "v.campaign_id = %s AND v.org_path >= u.path AND v.org_path < SUBSTR(u.path, 1, LENGTH(u.path) - 1) || '/'"
HEAT_SQL = f"""
SELECT u.id, a.n, (
    SELECT COUNT(*) FROM (
        SELECT DISTINCT COALESCE(NULLIF(v.organiser_key, ''), v.organiser) FROM visits_visit v
        WHERE {BRANCH} AND v.state <> %s
    ) d
), a.last
FROM orgs_unit u CROSS JOIN LATERAL (
    SELECT COUNT(*) AS n, MAX(v.date) AS last FROM visits_visit v WHERE {BRANCH} AND v.state <> %s
) a
WHERE u.parent_id = %s
"""  # noqa: S608 - no input in the text: the ids and the state are parameters


def _branches_lateral(campaign: Campaign, unit: Unit) -> dict[int, tuple[int, int, dt.date | None]]:
    """PostgreSQL: each child's subtree read on its own range of the (campaign, org_path) covering index; the
    distinct organisers are hashed (``COUNT(DISTINCT …)`` would sort each child's visits)."""
    with connection.cursor() as cursor:
        cursor.execute(HEAT_SQL, [campaign.pk, VisitState.CANCELLED, campaign.pk, VisitState.CANCELLED, unit.pk])
        return {pk: (n, who, last) for pk, n, who, last in cursor.fetchall()}


def _branches_grouped(visits: QuerySet[Visit], unit: Unit, children: list[Unit]) -> dict[int, tuple[int, int, Any]]:
    prefix = len(unit.path) + SEGMENT + 1
    grouped = (
        visits.exclude(org_path=unit.path)
        .annotate(branch=Substr("org_path", 1, prefix))
        .values("branch")
        .annotate(n=Count("id"), who=Count(WHO, distinct=True), last=Max("date"))
        .order_by()
    )
    found = {row["branch"]: (row["n"], row["who"], row["last"]) for row in grouped}
    return {child.pk: found.get(child.path, (0, 0, None)) for child in children}


def heat(user: Any, campaign: Campaign, unit: Unit) -> list[HeatRow]:
    """The unit itself and each child, with the visits received in its subtree in the campaign (cancelled ones left
    out): how many, how many distinct organisers, the last date; ``step`` 0–5 grades them against the busiest.
    The user must see ``unit`` (and so its whole subtree)."""
    scope.require(user, Perm.VIEW, unit.path)
    visits = live(Visit.objects.filter(campaign=campaign)).filter(subtree_q(unit.path))
    children = list(Unit.objects.filter(parent=unit).order_by("path"))
    if connection.vendor == "postgresql":
        branches = _branches_lateral(campaign, unit)
    else:
        branches = _branches_grouped(visits, unit, children)
    own = visits.filter(org_path=unit.path).aggregate(n=Count("id"), who=Count(WHO, distinct=True), last=Max("date"))
    rows = [HeatRow(unit, own["n"], own["who"], own["last"], own=True)]
    rows += [HeatRow(child, *branches.get(child.pk, (0, 0, None))) for child in children]
    return _steps(rows)


def never_visited(campaign: Campaign, unit: Unit) -> QuerySet[Unit]:
    """The units of ``unit``'s subtree no live visit of the campaign went to (从未被走访), in tree order."""
    visited = Visit.objects.filter(unit=OuterRef("pk"), campaign=campaign).exclude(state=VisitState.CANCELLED)
    return (
        Unit.objects.filter(subtree_q(unit.path, "path"))
        .filter(~Exists(visited))
        .select_related("kind")
        .order_by("path")
    )


def never_visited_page(campaign: Campaign, unit: Unit, params: QueryDict, per_page: int = NEVER_PAGE) -> Page:
    """One page of ``never_visited`` with its count, as the heat page shows it."""
    return Paginator(never_visited(campaign, unit), ("path", "id"), per_page).page(params)


def overrides(user: Any) -> QuerySet[Visit]:
    """The visits filed past a warning (仍需走访的理由) in the office's scope, newest first."""
    passed = Q(override_reason__gt="")
    return visible_visits(user, Perm.MANAGE_CAMPAIGN).filter(passed).order_by("-created_at", "-id")
