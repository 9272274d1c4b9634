"""The read side of supervision (督导): scope by assignment, a group's members and units, findings counted per
unit / kind / aspect, checklist scores per unit and the ranking of a campaign's visited units.

``unit_findings``, ``unit_records`` and ``unit_score`` are what the per-unit report (督导报告) is built from; they
do not check scope themselves: the caller has already found the group and the unit in the user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm, Role
from luoshi.campaigns.models import Campaign
from luoshi.orgs.models import Unit
from luoshi.supervision.choices import FindingKind, MemberRole
from luoshi.supervision.models import (
    ChecklistItem,
    ChecklistScore,
    Finding,
    GroupAssignment,
    GroupMember,
    SupervisionGroup,
    VisitRecord,
)
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit


def running_q(on: dt.date, prefix: str = "") -> Q:
    """Assignments running on ``on``: started, and not ended before it (``ends_on`` inclusive, None = open)."""
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def assignment_scope(user: Any) -> QuerySet[Any]:
    """Scope by assignment: ``("supervisor", unit path)`` for every unit assigned to a group the user is a member
    of, while the assignment runs today. ``luoshi.access.scope`` reads it in the query of the user's role
    assignments and caches the result on the user."""
    running = GroupAssignment.objects.filter(running_q(timezone.localdate()), group__members__user_id=user.pk)
    role = Value(Role.SUPERVISOR.value, output_field=CharField())
    return running.order_by().annotate(role=role).values_list("role", "org_path")


def membership(user: Any, group: SupervisionGroup) -> GroupMember | None:
    if getattr(user, "pk", None) is None:
        return None
    return GroupMember.objects.filter(group=group, user_id=user.pk).first()


def is_leader(user: Any, group: SupervisionGroup) -> bool:
    found = membership(user, group)
    return found is not None and found.role == MemberRole.LEADER


def manages(user: Any, group: SupervisionGroup) -> bool:
    """The office that sends the group (MANAGE_SUPERVISION over the group's unit)."""
    return user is not None and scope.can(user, Perm.MANAGE_SUPERVISION, group.org_path)


def running_assignment(group: SupervisionGroup, unit: Unit, on: dt.date | None = None) -> GroupAssignment | None:
    """The group's assignment of ``unit`` running on ``on`` (today by default), or None."""
    day = on or timezone.localdate()
    return GroupAssignment.objects.filter(running_q(day), group=group, unit=unit).order_by("starts_on").first()


def campaign_choices(user: Any) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.visible_to(user, Perm.VIEW).select_related("unit")
    return campaigns.order_by("-is_active", "-starts_on", "id")


def visible_groups(user: Any) -> QuerySet[SupervisionGroup]:
    """Groups the user sees: those sent from a unit in their scope, and those they are a member of."""
    if getattr(user, "pk", None) is None:
        return SupervisionGroup.objects.none()
    q = scope.visible_q(user, Perm.VIEW) | Q(members__user_id=user.pk)
    return SupervisionGroup.objects.filter(q).distinct()


def groups_of(user: Any, campaign: Campaign) -> list[SupervisionGroup]:
    ids = visible_groups(user).filter(campaign=campaign).values("pk")
    return list(
        SupervisionGroup.objects.filter(pk__in=ids)
        .select_related("unit")
        .annotate(
            member_count=Count("members", distinct=True),
            unit_count=Count("assignments", distinct=True),
        )
        .order_by("round", "id")
    )


def members_of(group: SupervisionGroup) -> list[GroupMember]:
    return list(group.members.select_related("user").order_by("role", "id"))


def assignments_of(group: SupervisionGroup) -> list[GroupAssignment]:
    return list(group.assignments.select_related("unit").order_by("starts_on", "org_path", "id"))


def group_visits(user: Any, group: SupervisionGroup) -> QuerySet[Visit]:
    return (
        Visit.objects.visible_to(user, Perm.VIEW)
        .filter(organiser_key=group.organiser_key)
        .select_related("unit")
        .order_by("-date", "-id")
    )


def group_findings(user: Any, group: SupervisionGroup) -> QuerySet[Finding]:
    return Finding.objects.visible_to(user, Perm.VIEW).filter(group=group).select_related("unit", "aspect")


def visit_group(visit: Visit) -> SupervisionGroup | None:
    """The group that filed ``visit`` (its organiser key is ``group:<id>``), or None."""
    prefix = "group:"
    if not visit.organiser_key.startswith(prefix) or not visit.organiser_key[len(prefix) :].isdigit():
        return None
    return SupervisionGroup.objects.filter(pk=int(visit.organiser_key[len(prefix) :])).first()


# --- what the per-unit report is built from ----------------------------------------------------------------------


def unit_findings(group: SupervisionGroup, unit: Unit) -> QuerySet[Finding]:
    """The group's findings in ``unit``, oldest first (what was found, what is required, by when)."""
    return Finding.objects.filter(group=group, unit=unit).select_related("aspect", "problem").order_by("id")


def unit_records(group: SupervisionGroup, unit: Unit) -> QuerySet[VisitRecord]:
    """The group's visit records in ``unit`` (what was seen), by visit date, with scores and questionnaires."""
    return (
        VisitRecord.objects.filter(group=group, visit__unit=unit)
        .select_related("visit", "recorded_by")
        .prefetch_related("scores__item", "questionnaires", "files")
        .order_by("visit__date", "id")
    )


@dataclass(frozen=True)
class Score:
    """Checklist points of a unit's recorded visits: the sum of scores over the sum of the items' maxima."""

    scored: Decimal
    possible: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.possible:
            return Decimal("0.0")
        return (self.scored * 100 / self.possible).quantize(Decimal("0.1"))


def _scores(records: QuerySet[VisitRecord]) -> dict[int, Score]:
    """Per visited unit id: its scores summed over ``records``."""
    rows = (
        ChecklistScore.objects.filter(record__in=records)
        .values("record__visit__unit_id")
        .annotate(scored=Sum("score"), possible=Sum("item__max_score"))
    )
    return {
        row["record__visit__unit_id"]: Score(row["scored"] or Decimal(0), row["possible"] or Decimal(0)) for row in rows
    }


def unit_score(group_or_campaign: SupervisionGroup | Campaign, unit: Unit) -> Score | None:
    """The checklist score of ``unit`` from the recorded visits of a group, or of every group of a campaign;
    None when none of them scored it."""
    records = VisitRecord.objects.filter(visit__unit=unit)
    if isinstance(group_or_campaign, SupervisionGroup):
        records = records.filter(group=group_or_campaign)
    else:
        records = records.filter(group__campaign=group_or_campaign)
    return _scores(records).get(unit.pk)


def group_scores(user: Any, group: SupervisionGroup) -> list[tuple[Unit, Score]]:
    """Per visited unit the user sees: the group's checklist score, in tree order."""
    records = VisitRecord.objects.visible_to(user, Perm.VIEW).filter(group=group)
    scores = _scores(records)
    units = Unit.objects.filter(pk__in=scores).order_by("path")
    return [(unit, scores[unit.pk]) for unit in units]


# --- findings counted -----------------------------------------------------------------------------------------


@dataclass
class FindingCounts:
    """A group's findings counted per unit, per kind and per aspect (only those the user sees)."""

    total: int
    by_unit: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_aspect: list[tuple[str, int]]


def finding_counts(user: Any, group: SupervisionGroup) -> FindingCounts:
    """督导发现统计: one GROUP BY per facet over the group's findings in the user's scope; dismissed ones left out."""
    base = group_findings(user, group).exclude(state="dismissed").order_by()
    units = base.values("unit__name", "org_path").annotate(n=Count("id")).order_by("org_path")
    kinds = dict(base.values_list("kind").annotate(n=Count("id")).order_by())
    aspects = base.values("aspect__name", "aspect__order").annotate(n=Count("id")).order_by("aspect__order")
    return FindingCounts(
        total=sum(kinds.values()),
        by_unit=[(row["unit__name"], row["n"]) for row in units],
        by_kind=[(str(label), kinds.get(value, 0)) for value, label in FindingKind.choices],
        by_aspect=[(row["aspect__name"] or _("未分方面"), row["n"]) for row in aspects],
    )


# --- the ranking of a campaign's visited units -------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    rank: int
    unit: Unit
    score: Score
    visits: int


def ranked(rows: Iterable[tuple[Unit, Score, int]]) -> list[RankRow]:
    """Highest percent first; equal percents share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(rows, key=lambda row: (-row[1].percent, row[0].path))
    out: list[RankRow] = []
    for index, (unit, score, visits) in enumerate(ordered, start=1):
        rank = out[-1].rank if out and out[-1].score.percent == score.percent else index
        out.append(RankRow(rank, unit, score, visits))
    return out


def ranking(user: Any, campaign: Campaign) -> list[RankRow]:
    """督导评分排名: every visited unit of the campaign in the user's scope, by its checklist score."""
    records = VisitRecord.objects.visible_to(user, Perm.VIEW).filter(group__campaign=campaign)
    scores = _scores(records)
    visits = Counter(dict(records.values_list("visit__unit_id").annotate(n=Count("id")).order_by()))
    units = Unit.objects.filter(pk__in=scores)
    return ranked((unit, scores[unit.pk], visits[unit.pk]) for unit in units)


def checklist_of(campaign: Campaign) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(campaign=campaign).select_related("aspect").order_by("order", "id"))


def open_visits(user: Any, group: SupervisionGroup) -> list[Visit]:
    """The group's planned visits not yet recorded."""
    return list(group_visits(user, group).filter(state=VisitState.PLANNED))


def per_unit(items: Iterable[Any], key: str = "unit_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        grouped[getattr(item, key)].append(item)
    return grouped
