"""Coverage counts distinct people, not attendances, per unit and subtree (hand-computed cases)."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.campaigns.models import Campaign
from luoshi.members.tests.factory import make_member
from luoshi.study import coverage, services
from luoshi.study.choices import AttendanceStatus as S
from luoshi.study.tests.classes_factory import enrol, make_class, make_sessions
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def build(world: World) -> dict[str, object]:
    """p1 (东城街道) at all three of 东城区's half-days and at 西城区's one; p2 (东城区) at one; p4 (东城街道) only
    absent or on leave; p3 (西城区) at 西城区's half-day; p2 also at a session of another campaign."""
    p1, p4 = make_member(world.street_a), make_member(world.street_a)
    p2, p3 = make_member(world.district_a), make_member(world.district_b)
    east = make_class(world, unit=world.district_a)
    west = make_class(world, unit=world.district_b)
    one, two, three = make_sessions(east, 3)
    (four,) = make_sessions(west, 1)
    enrol(east, p1, p2, p4)
    enrol(west, p1, p3)
    services.mark_attendance(None, one, {p1.pk: S.PRESENT, p2.pk: S.PRESENT, p4.pk: S.ABSENT})
    services.mark_attendance(None, two, {p1.pk: S.LATE, p4.pk: S.LEAVE})
    services.mark_attendance(None, three, {p1.pk: S.PRESENT, p2.pk: S.ABSENT})
    services.mark_attendance(None, four, {p1.pk: S.PRESENT, p3.pk: S.PRESENT})
    other = Campaign.objects.create(
        name="另一活动", unit=world.city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    elsewhere = services.create_class(None, campaign=other, unit=world.district_a, topic="别的班")
    (five,) = make_sessions(elsewhere, 1)
    enrol(elsewhere, p2, p3)
    services.mark_attendance(None, five, {p2.pk: S.PRESENT, p3.pk: S.PRESENT})
    return {"other": other}


def test_a_person_at_three_sessions_counts_once(world: World) -> None:
    build(world)
    assert coverage.people_covered(world.campaign, world.street_a) == 1  # p1, at four sessions
    assert coverage.attendances(world.campaign, world.street_a) == 4


def test_a_subtree_counts_its_units_and_below_but_a_unit_alone_only_itself(world: World) -> None:
    made = build(world)
    assert coverage.people_covered(world.campaign, world.district_a) == 2  # p1 and p2; p4 never attended
    assert coverage.people_covered(world.campaign, world.district_b) == 1  # p3 (p1 counts where p1 belongs)
    assert coverage.people_covered(world.campaign, world.city) == 3
    assert coverage.attendances(world.campaign, world.city) == 6
    assert coverage.people_covered(made["other"], world.city) == 2  # type: ignore[arg-type]


def test_coverage_by_unit_gives_each_child_its_subtree(world: World) -> None:
    build(world)
    rows = {row.unit.pk: row for row in coverage.coverage_by_unit(world.campaign, world.city)}
    east, west = rows[world.district_a.pk], rows[world.district_b.pk]
    assert (east.people, east.attendances, east.half_days, east.members) == (2, 5, 3, 3)
    assert (west.people, west.attendances, west.half_days, west.members) == (1, 1, 1, 1)
    assert east.rate == 66.7
    (street,) = coverage.coverage_by_unit(world.campaign, world.district_a)
    assert (street.unit, street.people, street.attendances, street.half_days) == (world.street_a, 1, 4, 0)
    assert coverage.coverage_by_unit(world.campaign, world.street_a) == []


def test_unit_coverage_of_the_city(world: World) -> None:
    build(world)
    total = coverage.unit_coverage(world.campaign, world.city)
    assert (total.people, total.attendances, total.half_days, total.members) == (3, 6, 4, 4)
    assert coverage.half_days(world.campaign, world.district_a) == 3
    empty = coverage.UnitCoverage(world.city, 0, 0, 0, 0)
    assert empty.rate is None
