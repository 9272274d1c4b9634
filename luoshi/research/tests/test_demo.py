"""The demo's research, built on the test world: the 14 directions, plans of two districts in every state."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.demo.research import DIRECTIONS, build_research
from luoshi.research.choices import Decision, PlanState
from luoshi.research.models import PlanConversion, ResearchDirection, ResearchPlan, ResearchTopic
from luoshi.tasks.tests.factory import streets
from luoshi.testing.world import World
from luoshi.visits.models import Visit

pytestmark = pytest.mark.django_db


def _campaign(world: World) -> Campaign:
    today = dt.date.today()
    campaign = Campaign.objects.create(
        name="演示主题教育", unit=world.city, starts_on=today - dt.timedelta(days=150), ends_on=today + dt.timedelta(60)
    )
    for i, name in enumerate(DEFAULT_CHANNELS):
        Channel.objects.create(campaign=campaign, name=name, order=i)
    Aspect.objects.create(campaign=campaign, name="作风建设", order=0)
    return campaign


def test_the_demo_builds_directions_topics_and_plans_in_every_state(world: World) -> None:
    streets(world, 3)
    streets(world, 3, parent=world.district_b)
    campaign = _campaign(world)
    cast = Cast(
        office=world.office_city,
        city_liaison=None,
        city_leader=None,
        committee=[],
        supervisor=None,
        districts=[
            DistrictCast(world.district_a, world.office_a, world.liaison_a, world.leader_a),
            DistrictCast(world.district_b, world.office_b, world.liaison_b, world.leader_b),
        ],
    )
    tree = OrgTree(Node("示范市", "C000", "city", 0, "", unit=world.city), [], [], 4)
    lines = build_research(campaign, tree, cast, random.Random(7))
    assert ResearchDirection.objects.filter(campaign=campaign).count() == len(DIRECTIONS) == 14
    topics = ResearchTopic.objects.filter(campaign=campaign)
    assert topics.filter(is_counter_example=True).count() == 5
    plans = ResearchPlan.objects.filter(campaign=campaign)
    assert set(plans.values_list("state", flat=True)) == set(PlanState.values)
    twice = [p for p in plans if p.reviews.filter(decision=Decision.RETURNED).count() == 2]
    assert twice
    assert twice[0].reviews.filter(decision=Decision.APPROVED, round=3).exists()
    visits = Visit.objects.filter(campaign=campaign, organiser_key__startswith="plan:")
    assert visits.count() >= 6
    assert visits.exclude(override_reason="").exists()
    assert PlanConversion.objects.filter(plan__campaign=campaign).count() == 1
    assert plans.get(state=PlanState.CONVERTED).files.exists()
    assert "调研方向 14 个" in lines[0]
    assert "调研走访报备" in lines[1]
