"""The demo's study plans on the test world: a plan per leadership group, in every state, feeding the study list."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from luoshi.access.roles import Role
from luoshi.campaigns.models import Campaign
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.demo.studyplans import build_study_plans
from luoshi.orgs.services import create_unit
from luoshi.study.choices import ClassKind, PlanEventKind, PlanState
from luoshi.study.models import StudyClass, StudyPlan, StudyPlanEvent, StudySession
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_plan_per_leadership_group_in_every_state(world: World) -> None:
    today = dt.date.today()
    campaign = Campaign.objects.create(
        name="演示主题教育", unit=world.city, starts_on=today - dt.timedelta(days=150), ends_on=today + dt.timedelta(60)
    )
    reading = StudyClass.objects.create(
        campaign=campaign, unit=world.district_a, org_path=world.district_a.path, kind=ClassKind.READING, topic="读书班"
    )
    StudySession.objects.create(
        campaign=campaign, study_class=reading, org_path=reading.org_path, date=today - dt.timedelta(days=9), secret="s"
    )
    districts = [
        DistrictCast(world.district_a, world.office_a, world.liaison_a, world.leader_a),
        DistrictCast(world.district_b, world.office_b, world.liaison_b, world.leader_b),
    ]
    for n in range(4):
        unit = create_unit(None, name=f"演示区{n}", code=f"D10{n}", kind=world.district_a.kind, parent=world.city)
        districts.append(DistrictCast(unit, None, make_user(f"liaison_d{n}", Role.LIAISON, unit), None))
    cast = Cast(
        office=world.office_city,
        city_liaison=make_user("liaison_city", Role.LIAISON, world.city),
        city_leader=None,
        committee=[],
        supervisor=None,
        districts=districts,
    )
    tree = OrgTree(Node("示范市", "C000", "city", 0, "", unit=world.city), [], [], 7)
    lines = build_study_plans(SimpleNamespace(campaign=campaign), tree, cast, None, random.Random(5), today)
    made = StudyPlan.objects.filter(campaign=campaign)
    assert made.count() == 7
    assert set(made.values_list("state", flat=True)) == set(PlanState.values)
    assert made.filter(unit=world.city).exists()
    done = made.filter(state=PlanState.DONE)
    assert any(p.items.filter(done=False).exists() for p in done)  # one completed by the unit
    assert any(not p.items.filter(done=False).exists() for p in done)  # one completed item by item
    linked = StudyPlanEvent.objects.filter(plan__unit=world.district_a, kind=PlanEventKind.EDITED)
    assert any("学习场次" in e.note for e in linked)
    assert lines[0].startswith("学习计划 7 份")
    assert "列入学习清单" in lines[1]
