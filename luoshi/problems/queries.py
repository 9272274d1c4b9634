"""The read side of problems: dashboard aggregates and the choices pages offer, always within the user's scope.

Dashboard figures come from the subtree rollups (``luoshi.problems.rollups``): one row per unit shown,
so the cost grows neither with the number of problems nor with the units below those shown; nothing here
loops over units or problems with a query each. ``direct_dashboard`` counts the same figures from the
problems themselves (a unit the user sees only in part, and the checks that rollups and rows agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.orgs import queries as org_queries
from luoshi.orgs.models import Unit
from luoshi.problems import rollups
from luoshi.problems.choices import Light, State
from luoshi.problems.models import Problem, ProblemClass

OPEN_STATES = (State.PENDING_CLAIM, State.RECTIFYING, State.PENDING_REVIEW)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def overdue_q(today: date) -> Q:
    return Q(deadline__lt=today) & ~Q(state=State.CLOSED)


def campaign_choices(user: Any, perm: str = Perm.VIEW) -> QuerySet[Campaign]:
    """Campaigns (活动) the user takes part in, running ones first, newest first."""
    return campaign_queries.visible_campaigns(user, perm).order_by("-is_active", "-starts_on", "-id")


def leader_candidates(user: Any, perm: str = Perm.VIEW, include: int | None = None) -> QuerySet[Any]:
    """People holding the leader role (责任领导) on a unit in the user's scope or above it (plus ``include``)."""
    tops = scope.scope_paths(user, perm)
    above = {path for top in tops for path in paths.ancestors(top)}
    where = scope.visible_q(user, perm, "unit__path") | Q(unit__path__in=above)
    holders = RoleAssignment.objects.filter(where, role=Role.LEADER).values("user_id")
    chosen = Q(pk__in=holders, is_active=True)
    if include:
        chosen |= Q(pk=include)
    return get_user_model().objects.filter(chosen).order_by("display_name", "username")


def units_for(user: Any, perm: str, campaign: Campaign | None = None) -> QuerySet[Unit]:
    """Units the user holds ``perm`` on, inside the campaign's org subtree when one is given."""
    return org_queries.units_for(user, perm, campaign.unit if campaign is not None else None)


def unit_shortlist(user: Any, perm: str, campaign: Campaign | None = None, limit: int = 300) -> list[Unit]:
    """The first levels of the user's units (inside the campaign's subtree), for a select box."""
    return org_queries.unit_shortlist(user, perm, campaign.unit if campaign is not None else None, limit)


def visible_classes(user: Any, campaign: Campaign | None = None, include: int | None = None) -> QuerySet[ProblemClass]:
    """Problem classes (一类事) the user may see, in the campaign when given (plus ``include``)."""
    seen = scope.visible_q(user, Perm.VIEW)
    if campaign is not None:
        seen &= Q(campaign=campaign)
    if include:
        seen |= Q(pk=include)
    return ProblemClass.objects.filter(seen).select_related("campaign", "unit")


def problems_in(user: Any, campaign: Campaign | None, unit: Unit | None) -> QuerySet[Problem]:
    """Problems the user may see, in the campaign and under the unit when given."""
    problems = Problem.objects.visible_to(user, Perm.VIEW)
    if campaign is not None:
        problems = problems.filter(campaign=campaign)
    if unit is not None:
        problems = problems.filter(paths.subtree_q(unit.path))
    return problems.order_by()


@dataclass(frozen=True)
class Summary:
    """Headline figures of a dashboard (整改总体情况)."""

    total: int
    by_state: dict[str, int]
    lights: dict[str, int]
    overdue: int

    @property
    def closed(self) -> int:
        return self.by_state.get(State.CLOSED, 0)

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.total if self.total else None


def _figures(today: date) -> dict[str, Any]:
    """The counts behind every figure: total, overdue, per state, and per light of the open problems."""
    open_q = ~Q(state=State.CLOSED)
    figures: dict[str, Any] = {"total": Count("id"), "overdue": Count("id", filter=overdue_q(today))}
    figures.update({f"state_{s}": Count("id", filter=Q(state=s)) for s in State.values})
    figures.update({f"light_{c}": Count("id", filter=Q(light=c) & open_q) for c in Light.values})
    return figures


def _summary_of(groups: list[dict[str, Any]]) -> Summary:
    def added(key: str) -> int:
        return sum(g[key] for g in groups)

    return Summary(
        total=added("total"),
        by_state={s: added(f"state_{s}") for s in State.values},
        lights={c: added(f"light_{c}") for c in Light.values},
        overdue=added("overdue"),
    )


def direct_summary(user: Any, campaign: Campaign | None, unit: Unit | None, today: date | None = None) -> Summary:
    """Counts by state, lights of open problems and the overdue count, in one scan of the problems."""
    return _summary_of([problems_in(user, campaign, unit).aggregate(**_figures(_today(today)))])


@dataclass(frozen=True)
class Bucket:
    """One bar of a chart: an aspect or a channel with its problem count."""

    id: int
    name: str
    count: int


def _bucket_list(counts: dict[int, int], catalogue: QuerySet[Any], campaign: Campaign | None) -> list[Bucket]:
    """Names come from the small catalogue table; with a campaign, its items without problems show as 0."""
    items = catalogue.filter(campaign=campaign) if campaign is not None else catalogue.filter(pk__in=list(counts))
    return [Bucket(item.pk, item.name, counts.get(item.pk, 0)) for item in items.order_by("order", "id")]


def counts_by_aspect(user: Any, campaign: Campaign | None, unit: Unit | None) -> list[Bucket]:
    """Problems per aspect (问题方面)."""
    return dashboard(user, campaign, unit).aspects


def counts_by_channel(user: Any, campaign: Campaign | None, unit: Unit | None) -> list[Bucket]:
    """Problems per channel (问题来源)."""
    return dashboard(user, campaign, unit).channels


@dataclass
class UnitRow:
    """One line of the per-unit table (分单位情况): a child unit's subtree, or the parent's own problems."""

    unit: Unit
    own_only: bool = False
    total: int = 0
    closed: int = 0
    overdue: int = 0
    red: int = 0
    yellow: int = 0
    has_children: bool = False

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.total if self.total else None

    @property
    def closure_percent(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0

    def fill(self, group: dict[str, Any]) -> None:
        self.total, self.closed, self.overdue = group["total"], group[f"state_{State.CLOSED}"], group["overdue"]
        self.red, self.yellow = group[f"light_{Light.RED}"], group[f"light_{Light.YELLOW}"]


def row_parent(user: Any, unit: Unit | None) -> tuple[Unit | None, list[Unit]]:
    """(parent whose children are the rows, row units): the chosen unit, the single top scope unit, or the tops."""
    if unit is not None:
        return unit, list(unit.children.order_by("path"))
    tops = scope.scope_paths(user, Perm.VIEW)
    if len(tops) == 1:
        parent = Unit.objects.get(path=tops[0])
        return parent, list(parent.children.order_by("path"))
    return None, list(Unit.objects.filter(path__in=tops).order_by("path"))


def _branch_key(parent: Unit | None, rows: list[Unit]) -> Any:
    if parent is not None:
        return Substr("org_path", 1, len(parent.path) + paths.SEGMENT + 1)
    whens = [When(paths.subtree_q(u.path), then=Value(u.path)) for u in rows]
    return Case(*whens, default=Value(""), output_field=CharField())


@dataclass(frozen=True)
class UnitTable:
    """The per-unit table: ``parent`` is the unit whose children are the rows (None when the rows are scope tops)."""

    parent: Unit | None
    rows: list[UnitRow]


def _unit_groups(
    user: Any, campaign: Campaign | None, unit: Unit | None, today: date, *by: str
) -> tuple[Unit | None, list[Unit], list[dict[str, Any]]]:
    """ONE query grouped by the child path prefix (or by scope top) and ``by``, with every figure per group."""
    parent, children = row_parent(user, unit)
    grouped = (
        problems_in(user, campaign, parent)
        .annotate(branch=_branch_key(parent, children))
        .values("branch", *by)
        .annotate(**_figures(today))
        .order_by()
    )
    return parent, children, list(grouped)


def _merged(groups: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Add up the figures of the groups that share ``key``."""
    merged: dict[Any, dict[str, Any]] = {}
    for group in groups:
        into = merged.setdefault(group[key], {key: group[key]})
        for name, value in group.items():
            if isinstance(value, int) and name not in ("branch", "aspect_id", "channel_id"):
                into[name] = into.get(name, 0) + value
    return list(merged.values())


def _table(parent: Unit | None, children: list[Unit], groups: list[dict[str, Any]]) -> UnitTable:
    by_branch = {g["branch"]: g for g in groups}
    with_children = _parents_among(children)
    rows = [UnitRow(unit=u, has_children=u.pk in with_children) for u in children]
    if parent is not None and parent.path in by_branch:
        rows.insert(0, UnitRow(unit=parent, own_only=True))
    for row in rows:
        if row.unit.path in by_branch:
            row.fill(by_branch[row.unit.path])
    return UnitTable(parent, rows)


def unit_rows(user: Any, campaign: Campaign | None, unit: Unit | None, today: date | None = None) -> UnitTable:
    """Per child unit: total, closed, overdue, red and yellow; never a query per unit."""
    return dashboard(user, campaign, unit, today).table


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows (整改看板)."""

    summary: Summary
    aspects: list[Bucket]
    channels: list[Bucket]
    table: UnitTable


def summary(user: Any, campaign: Campaign | None, unit: Unit | None, today: date | None = None) -> Summary:
    """Counts by state, lights of open problems and the overdue count."""
    return dashboard(user, campaign, unit, today).summary


def direct_dashboard(user: Any, campaign: Campaign | None, unit: Unit | None, today: date | None = None) -> Dashboard:
    """All dashboard figures counted from the problems: ONE scan grouped by child unit, aspect and channel.

    The groups number at most children × aspects × channels, but the scan reads every problem of the
    subtree; ``dashboard`` reads the rollups instead and uses this only for a unit the user sees in part.
    """
    parent, children, groups = _unit_groups(user, campaign, unit, _today(today), "aspect_id", "channel_id")
    aspects = {g["aspect_id"]: g["total"] for g in _merged(groups, "aspect_id")}
    channels = {g["channel_id"]: g["total"] for g in _merged(groups, "channel_id")}
    return Dashboard(
        summary=_summary_of(groups),
        aspects=_bucket_list(aspects, Aspect.objects.all(), campaign),
        channels=_bucket_list(channels, Channel.objects.all(), campaign),
        table=_table(parent, children, _merged(groups, "branch")),
    )


def _summary_from(tally: dict[str, int]) -> Summary:
    return Summary(
        total=tally["total"],
        by_state={s: tally[s] for s in State.values},
        lights={c: tally[c] for c in Light.values},
        overdue=tally["overdue"],
    )


def _row_of(unit: Unit, tally: dict[str, int], has_children: bool = False, own_only: bool = False) -> UnitRow:
    return UnitRow(
        unit=unit,
        own_only=own_only,
        total=tally["total"],
        closed=tally[State.CLOSED],
        overdue=tally["overdue"],
        red=tally[Light.RED],
        yellow=tally[Light.YELLOW],
        has_children=has_children,
    )


def dashboard(user: Any, campaign: Campaign | None, unit: Unit | None, today: date | None = None) -> Dashboard:
    """All dashboard figures from the subtree rollups: one row per unit shown, whatever the number of problems.

    The parent's own level is its subtree less its children's; overdue is corrected from the lights by the
    few problems whose light is behind the day (``rollups.tallies``).
    """
    if unit is not None and not scope.can(user, Perm.VIEW, unit.path):
        return direct_dashboard(user, campaign, unit, today)  # a unit above the user's scope: count what is seen
    campaign_id = campaign.pk if campaign is not None else None
    parent, children = row_parent(user, unit)
    tops = [parent] if parent is not None else children
    counted = rollups.tallies(campaign_id, [*tops, *children] if parent is not None else tops, _today(today))
    with_children = _parents_among(children)
    rows = [_row_of(u, counted[u.pk], has_children=u.pk in with_children) for u in children]
    if parent is not None:
        whole = counted[parent.pk]
        own = {k: v - sum(counted[u.pk][k] for u in children) for k, v in whole.items()}
        if own["total"]:
            rows.insert(0, _row_of(parent, own, own_only=True))
    else:
        whole = {k: sum(counted[u.pk][k] for u in tops) for k in (*rollups.COUNTS, "overdue")}
    aspects, channels = rollups.facet_totals(campaign_id, tops)
    return Dashboard(
        summary=_summary_from(whole),
        aspects=_bucket_list(aspects, Aspect.objects.all(), campaign),
        channels=_bucket_list(channels, Channel.objects.all(), campaign),
        table=UnitTable(parent, rows),
    )


def _parents_among(units: list[Unit]) -> set[int]:
    """Which of ``units`` have children of their own (for drill-down links), in one query."""
    if not units:
        return set()
    ids = Unit.objects.filter(parent__in=units).order_by().values_list("parent_id", flat=True).distinct()
    return set(ids)


def breadcrumbs(user: Any, unit: Unit | None) -> list[Unit]:
    """The chosen unit's ancestors the user may see, top first, for the dashboard's trail."""
    if unit is None:
        return []
    return list(Unit.objects.visible_to(user, Perm.VIEW).filter(path__in=paths.ancestors(unit.path)).order_by("path"))


def class_problems(user: Any, problem_class: ProblemClass) -> QuerySet[Problem]:
    """The problems of a class (一类事) that the user may see."""
    return (
        Problem.objects.visible_to(user, Perm.VIEW)
        .filter(problem_class=problem_class)
        .select_related("unit", "aspect", "responsible_leader")
        .order_by("state", "deadline", "id")
    )


def classes_with_counts(user: Any) -> QuerySet[ProblemClass]:
    """Visible classes with how many of their visible problems there are and how many are closed."""
    seen = scope.visible_q(user, Perm.VIEW, "problems__org_path")
    return visible_classes(user).annotate(
        problem_count=Count("problems", filter=seen),
        closed_count=Count("problems", filter=seen & Q(problems__state=State.CLOSED)),
    )
