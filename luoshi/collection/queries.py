"""The read side of periodic collection: what a user sees, counts by state, sums up the tree, the monthly figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.collection.choices import FILED_STATES, UNFILED_STATES, State
from luoshi.collection.fields import as_decimal
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.collection.periods import Period, next_period
from luoshi.core.paths import subtree_q
from luoshi.orgs.models import Unit


def campaign_choices(user: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(user, Perm.VIEW).select_related("unit").order_by("-is_active", "-starts_on", "id")
    )


def managed_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns in which the user may set up collection: those reaching a unit where they manage collection."""
    return Campaign.objects.visible_to(user, Perm.MANAGE_COLLECTION).filter(is_active=True)


def templates_of(user: Any, campaign: Campaign) -> QuerySet[CollectionTemplate]:
    """The current versions of the campaign's templates the user sees."""
    return (
        CollectionTemplate.objects.visible_to(user, Perm.VIEW)
        .filter(campaign=campaign, is_current=True)
        .select_related("unit", "target_kind")
        .order_by("org_path", "id")
    )


def rounds_of(user: Any, campaign: Campaign) -> QuerySet[CollectionRound]:
    return (
        CollectionRound.objects.visible_to(user, Perm.VIEW)
        .filter(template__campaign=campaign)
        .select_related("template__unit")
        .order_by("-deadline", "-id")
    )


def versions_of(user: Any, template: CollectionTemplate) -> QuerySet[CollectionTemplate]:
    return (
        CollectionTemplate.objects.visible_to(user, Perm.VIEW).filter(family_id=template.family_id).order_by("-number")
    )


def proposed_period(template: CollectionTemplate, today: dt.date | None = None) -> Period | None:
    """The next period of a weekly or monthly template: after its family's last round, or the current one."""
    last = CollectionRound.objects.filter(template__family_id=template.family_id).order_by("-period_end").first()
    return next_period(template.cycle, last.period_end if last else None, today or timezone.localdate())


@dataclass
class Counts:
    """Submissions of a round by state, with the late ones (submitted after the deadline, or still unfiled past it)."""

    by_state: dict[str, int] = field(default_factory=dict)
    late: int = 0
    total: int = 0

    @property
    def filed(self) -> int:
        return sum(self.by_state.get(s, 0) for s in FILED_STATES)

    @property
    def unfiled(self) -> int:
        return sum(self.by_state.get(s, 0) for s in UNFILED_STATES)

    def as_dict(self) -> dict[str, int]:
        return {**{s: self.by_state.get(s, 0) for s in State.values}, "late": self.late, "total": self.total}


def counts(rows: QuerySet[Submission], deadline: dt.date | None = None) -> Counts:
    found = Counts(by_state=dict.fromkeys(State.values, 0))
    for state, n in rows.order_by().values_list("state").annotate(n=Count("id")):
        found.by_state[state] = n
        found.total += n
    late = Q(late=True)
    if deadline is not None and timezone.localdate() > deadline:
        late |= Q(state__in=UNFILED_STATES)
    found.late = rows.filter(late).count()
    return found


def round_counts(user: Any, round_: CollectionRound) -> Counts:
    return counts(Submission.objects.visible_to(user, Perm.VIEW).filter(round=round_), round_.deadline)


def counts_for_rounds(user: Any, rounds: list[CollectionRound]) -> dict[int, Counts]:
    """The counts of many rounds (a list page), one query for the states and one for the late ones."""
    found = {r.pk: Counts(by_state=dict.fromkeys(State.values, 0)) for r in rounds}
    rows = Submission.objects.visible_to(user, Perm.VIEW).filter(round__in=[r.pk for r in rounds])
    for round_id, state, n in rows.order_by().values_list("round_id", "state").annotate(n=Count("id")):
        found[round_id].by_state[state] = n
        found[round_id].total += n
    for round_id, n in rows.filter(late=True).order_by().values_list("round_id").annotate(n=Count("id")):
        found[round_id].late = n
    passed = {r.pk for r in rounds if timezone.localdate() > r.deadline}
    for r in rounds:
        if r.pk in passed:
            found[r.pk].late += found[r.pk].unfiled
    return found


@dataclass
class RollupRow:
    unit: Unit
    sums: dict[str, Decimal]
    filed: int
    targets: int

    def cells(self, keys: list[str]) -> list[Decimal]:
        return [self.sums[k] for k in keys]


def rollup(user: Any, round_: CollectionRound, parent: Unit | None = None) -> tuple[list[RollupRow], RollupRow | None]:
    """Each numeric field summed over the filed submissions of each child unit's subtree (the campaign unit's
    districts, by default the round's root's children), and the total; only what the user sees is counted."""
    template = round_.template
    keys = [f["key"] for f in template.numeric_fields]
    parent = parent or template.unit
    children = list(Unit.objects.filter(parent=parent).order_by("path"))
    rows = list(
        Submission.objects.visible_to(user, Perm.VIEW)
        .filter(round=round_)
        .filter(subtree_q(parent.path))
        .values_list("org_path", "state", "values")
    )
    found = []
    for child in children:
        mine = [r for r in rows if r[0].startswith(child.path)]
        if not mine:
            continue
        found.append(_summed(child, mine, keys))
    total = _summed(parent, rows, keys) if rows else None
    return found, total


def _summed(unit: Unit, rows: list[tuple[str, str, dict[str, Any]]], keys: list[str]) -> RollupRow:
    sums: dict[str, Decimal] = dict.fromkeys(keys, Decimal(0))
    filed = 0
    for _path, state, values in rows:
        if state not in FILED_STATES:
            continue
        filed += 1
        for key in keys:
            number = as_decimal((values or {}).get(key))
            if number is not None:
                sums[key] += number
    return RollupRow(unit, sums, filed, len(rows))


def my_submissions(user: Any) -> QuerySet[Submission]:
    """The open submissions of the units where the user files (我的报送)."""
    return (
        Submission.objects.visible_to(user, Perm.SUBMIT_COLLECTION)
        .filter(state__in=UNFILED_STATES)
        .select_related("round__template", "unit")
        .order_by("round__deadline", "org_path", "id")
    )


def month_completion(
    campaign: Campaign, start: dt.date, end: dt.date, unit: Unit | None = None
) -> list[dict[str, Any]]:
    """For the monthly report: one dict per round of ``campaign`` whose deadline falls in [start, end], by deadline,
    with its targets and how many submitted (or accepted), accepted, late, returned and pending (未填报 or 暂存);
    ``unit`` limits the counts to that unit's subtree."""
    rounds = list(
        CollectionRound.objects.filter(template__campaign=campaign, deadline__gte=start, deadline__lte=end)
        .select_related("template")
        .order_by("deadline", "id")
    )
    rows = Submission.objects.filter(round__in=[r.pk for r in rounds])
    if unit is not None:
        rows = rows.filter(subtree_q(unit.path))
    by_round: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(State.values, 0))
    for round_id, state, n in rows.order_by().values_list("round_id", "state").annotate(n=Count("id")):
        by_round[round_id][state] = n
    late = dict(
        rows.filter(late=True).order_by().values_list("round_id").annotate(n=Count("id")).values_list("round_id", "n")
    )
    found = []
    for r in rounds:
        states = by_round[r.pk]
        found.append(
            {
                "round_id": r.pk,
                "title": f"{r.template.name} {r.period_label}",
                "deadline": r.deadline,
                "targets": sum(states.values()),
                "submitted": states[State.SUBMITTED] + states[State.ACCEPTED],
                "accepted": states[State.ACCEPTED],
                "late": late.get(r.pk, 0),
                "returned": states[State.RETURNED],
                "pending": states[State.PENDING] + states[State.DRAFT],
            }
        )
    return found


def can_manage(user: Any, obj: Any) -> bool:
    return scope.can(user, Perm.MANAGE_COLLECTION, obj.org_path)
