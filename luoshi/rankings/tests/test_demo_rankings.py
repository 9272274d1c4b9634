"""The demo's rankings: a small demo city, its districts ranked for the last two months."""

from __future__ import annotations

import random

import pytest

from luoshi.demo.campaign import setup_campaign
from luoshi.demo.names import NameMaker
from luoshi.demo.orgtree import build_org_tree
from luoshi.demo.people import People, build_cast
from luoshi.demo.rankings import SCHEME_NAME, build_rankings, ranking_lines
from luoshi.demo.rectification import build_rectification
from luoshi.problems import services as problem_services
from luoshi.rankings import queries
from luoshi.rankings.models import Ranking

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_two_months_with_changes_and_a_flagged_district() -> None:
    rng = random.Random(7)
    tree = build_org_tree(150, rng)
    people = People(NameMaker(rng))
    cast = build_cast(tree, people.names, people)
    today = problem_services.today()
    demo = setup_campaign(tree.city, today)
    build_rectification(demo, tree, cast, rng)
    built = build_rankings(demo, tree, cast, random.Random(7 + 4), today)
    first, second = built.rankings
    assert Ranking.objects.filter(scheme__name=SCHEME_NAME).count() == 2
    assert first.period_start < second.period_start
    assert second.period_end < today
    districts = {n.saved().pk for n in tree.districts if n.saved().kind_id == built.scheme.kind_id}
    assert {row["unit_id"] for row in second.rows} == districts
    assert all(row["change"] is not None for row in second.rows if row["rank"] is not None)
    assert built.flagged, "one district is last in both months"
    assert queries.latest_published(demo.campaign) == second
    assert "连续两期末位" in ranking_lines(built)[0]
