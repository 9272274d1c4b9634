"""The demo's classes of study on the test world: reading classes of ≥ 10 half-days, the 21-batch rotation."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from luoshi.access.roles import Role
from luoshi.campaigns.models import Campaign
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.demo.study import BATCHES, CITY_HALF_DAYS, build_study
from luoshi.members.choices import MemberKind
from luoshi.members.tests.factory import make_member
from luoshi.study import coverage, rotations
from luoshi.study.choices import AttendanceStatus, ClassKind
from luoshi.study.models import Attendance, LeaveRequest, StudyClass, TrainingRotation
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_builds_reading_classes_and_the_rotation(world: World) -> None:
    today = dt.date.today()
    campaign = Campaign.objects.create(
        name="演示主题教育", unit=world.city, starts_on=today - dt.timedelta(days=150), ends_on=today + dt.timedelta(60)
    )
    for _ in range(3):
        make_member(world.district_a, kind=MemberKind.CADRE, position="区（县）委常委")
        make_member(world.street_a, kind=MemberKind.CADRE, position="党（工）委书记")
    for unit in (world.street_a, world.district_b) * 21:
        make_member(unit, position="党支部书记")
    make_member(world.street_a, position="组织委员")
    cast = Cast(
        office=world.office_city,
        city_liaison=make_user("liaison_city", Role.LIAISON, world.city),
        city_leader=None,
        committee=[],
        supervisor=None,
        districts=[
            DistrictCast(world.district_a, world.office_a, world.liaison_a, world.leader_a),
            DistrictCast(world.district_b, world.office_b, world.liaison_b, world.leader_b),
        ],
    )
    tree = OrgTree(Node("示范市", "C000", "city", 0, "", unit=world.city), [], [], 4)
    lines = build_study(SimpleNamespace(campaign=campaign), tree, cast, None, random.Random(3), today)
    reading = StudyClass.objects.filter(campaign=campaign, kind=ClassKind.READING)
    assert reading.count() == 3
    city = reading.get(unit=world.city)
    assert city.sessions.count() == CITY_HALF_DAYS
    assert city.roster.count() == 3  # the district's county-level cadres
    assert reading.get(unit=world.district_a).sessions.count() == 10
    assert reading.get(unit=world.district_b).sessions.count() == 8  # flagged by the 10-half-day rule
    rotation = TrainingRotation.objects.get(campaign=campaign)
    assert StudyClass.objects.filter(rotation=rotation).count() == BATCHES == 21
    cov = rotations.rotation_coverage(rotation)
    assert cov.target == 42
    assert cov.trained > cov.target // 2
    # the city's class and district A's (district B has no street cadres on the test world's register)
    assert LeaveRequest.objects.filter(session__campaign=campaign, state="approved").count() == 2
    assert Attendance.objects.filter(campaign=campaign, status=AttendanceStatus.LEAVE).count() == 2
    people = coverage.people_covered(campaign, world.city)
    assert f"覆盖 {people:,} 人（去重）" in lines[1]
    assert "1 个计划半天数不足 10 个" in lines[0]
    assert f"{BATCHES} 期" in lines[2]
