"""Coverage of study (参学覆盖): distinct people who attended, not attendances, per unit and subtree.

A person is covered by a campaign once they attended (出席 or 迟到) any session of it; a person at three
sessions counts once. Attendance rows carry the member's unit path and the campaign, so a subtree's count is
one range of the ``study_att_coverage`` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from luoshi.campaigns.models import Campaign
from luoshi.core.paths import SEGMENT, subtree_q
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study.choices import ATTENDED
from luoshi.study.models import Attendance, StudySession


@dataclass(frozen=True)
class UnitCoverage:
    """One unit's figures: its subtree's distinct people covered, attendances, half-days held and members."""

    unit: Unit
    people: int
    attendances: int
    half_days: int
    members: int

    @property
    def rate(self) -> float | None:
        """Share of the register covered, in percent; None without members."""
        return round(100 * self.people / self.members, 1) if self.members else None


def _attended(campaign: Campaign, path: str) -> Q:
    return Q(campaign=campaign, status__in=ATTENDED) & subtree_q(path)


def people_covered(campaign: Campaign, unit: Unit) -> int:
    """Distinct members of the unit's subtree who attended any session of the campaign."""
    return Attendance.objects.filter(_attended(campaign, unit.path)).values("member_id").distinct().count()


def attendances(campaign: Campaign, unit: Unit) -> int:
    """Attendances (人次) of members of the unit's subtree at sessions of the campaign."""
    return Attendance.objects.filter(_attended(campaign, unit.path)).count()


def half_days(campaign: Campaign, unit: Unit) -> int:
    """Class sessions (half-days) of the campaign organised in the unit's subtree."""
    return StudySession.objects.filter(subtree_q(unit.path), campaign=campaign, study_class__isnull=False).count()


def unit_coverage(campaign: Campaign, unit: Unit) -> UnitCoverage:
    """The unit's own figures over its whole subtree."""
    return UnitCoverage(
        unit=unit,
        people=people_covered(campaign, unit),
        attendances=attendances(campaign, unit),
        half_days=half_days(campaign, unit),
        members=Member.objects.filter(subtree_q(unit.path), active=True).count(),
    )


def _by_child(queryset: QuerySet[Any], parent: Unit, **aggregates: Any) -> dict[str, dict[str, int]]:
    """Aggregates grouped by the child-of-``parent`` prefix of ``org_path`` (one query)."""
    width = len(parent.path) + SEGMENT + 1
    rows = (
        queryset.filter(subtree_q(parent.path), org_path__gt=parent.path)
        .annotate(child=Substr("org_path", 1, width))
        .values("child")
        .annotate(**aggregates)
    )
    return {row.pop("child"): row for row in rows}


def coverage_by_unit(campaign: Campaign, parent: Unit) -> list[UnitCoverage]:
    """Each child unit of ``parent`` with its subtree's figures, in tree order (four queries in all)."""
    attended = Attendance.objects.filter(campaign=campaign, status__in=ATTENDED)
    people = _by_child(attended, parent, people=Count("member_id", distinct=True), attendances=Count("id"))
    sessions = StudySession.objects.filter(campaign=campaign, study_class__isnull=False)
    held = _by_child(sessions, parent, n=Count("id"))
    members = _by_child(Member.objects.filter(active=True), parent, n=Count("id"))
    result = []
    for child in Unit.objects.filter(parent=parent).order_by("path"):
        found = people.get(child.path, {})
        result.append(
            UnitCoverage(
                unit=child,
                people=found.get("people", 0),
                attendances=found.get("attendances", 0),
                half_days=held.get(child.path, {}).get("n", 0),
                members=members.get(child.path, {}).get("n", 0),
            )
        )
    return result
