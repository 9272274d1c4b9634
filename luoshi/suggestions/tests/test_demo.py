"""The demo's suggestions, built on the test world: every state, groups, conversions, consistent timelines."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel
from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.demo.suggestions import build_suggestions
from luoshi.suggestions.choices import Adoption, EventKind, Source, SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionConversion, SuggestionEvent, SuggestionGroup
from luoshi.suggestions.queries import overdue_q
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def _demo(world: World) -> DemoCampaign:
    today = dt.date.today()
    campaign = Campaign.objects.create(
        name="演示主题教育", unit=world.city, starts_on=today - dt.timedelta(days=150), ends_on=today + dt.timedelta(60)
    )
    channels = [Channel.objects.create(campaign=campaign, name=n, order=i) for i, n in enumerate(DEFAULT_CHANNELS)]
    aspects = [Aspect.objects.create(campaign=campaign, name="作风建设", order=0)]
    return DemoCampaign(campaign, channels, aspects)


def test_the_demo_builds_suggestions_in_every_state(world: World) -> None:
    demo = _demo(world)
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
    lines = build_suggestions(demo, tree, cast, None, random.Random(9), dt.date.today(), total=400)
    rows = Suggestion.objects.filter(campaign=demo.campaign)
    assert rows.count() == 400
    assert set(rows.values_list("state", flat=True)) == set(SuggestionState.values)
    assert set(rows.exclude(adoption="").values_list("adoption", flat=True)) == set(Adoption.values)
    assert rows.filter(source=Source.PUBLIC).exists()
    assert rows.filter(source=Source.MEMBER).exists()
    assert rows.filter(overdue_q()).exists()
    assert SuggestionGroup.objects.filter(campaign=demo.campaign, suggestions__isnull=False).exists()
    assert SuggestionConversion.objects.filter(suggestion__campaign=demo.campaign).count() == 3
    assert AnswerTemplate.objects.filter(campaign=demo.campaign).count() == 3
    closed = rows.filter(state=SuggestionState.CLOSED)
    assert SuggestionEvent.objects.filter(suggestion__in=closed, kind=EventKind.DECIDED).count() == closed.count()
    assert not rows.filter(number="").exists()
    assert len(set(rows.values_list("tracking_code", flat=True))) == 400
    assert "意见建议 400 条" in lines[0]
