"""Claims about supervision, visits and research are checked against the platform's own figures: Ningbo's
"派出 28 个督导组，对 59 家单位开展督导" is consistent when the data holds 28 groups and 59 units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.reports import claims, services
from luoshi.reports.models import ClaimRule
from luoshi.reports.tests.helpers import upload
from luoshi.research.models import ResearchPlan, ResearchTopic
from luoshi.supervision.models import Finding, GroupAssignment, SupervisionGroup
from luoshi.testing.world import World
from luoshi.visits.models import Visit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 10)
NINGBO = "派出 28 个督导组，对 59 家单位开展督导，督导组发现问题 3 个。"


def units(world: World, count: int) -> list[Unit]:
    kind = world.street_a.kind
    return [
        create_unit(None, name=f"督导对象{i}", code=f"T{i:03d}", kind=kind, parent=world.district_a)
        for i in range(count)
    ]


def groups(world: World, count: int, targets: list[Unit], sender: Unit | None = None) -> list[SupervisionGroup]:
    """``count`` groups sent by ``sender`` (district A), the targets dealt round them, one of them twice."""
    sender = sender or world.district_a
    made = [
        SupervisionGroup.objects.create(
            campaign=world.campaign, unit=sender, org_path=sender.path, name=f"第{i + 1}督导组"
        )
        for i in range(count)
    ]
    for i, unit in enumerate(targets):
        GroupAssignment.objects.create(group=made[i % count], unit=unit, org_path=unit.path, starts_on=DAY)
    if targets:  # the same unit assigned to a second group counts once
        GroupAssignment.objects.create(group=made[-1], unit=targets[0], org_path=targets[0].path, starts_on=DAY)
    return made


def finding(group: SupervisionGroup, unit: Unit, state: str, kind: str = "problem") -> Finding:
    return Finding.objects.create(
        group=group, unit=unit, org_path=unit.path, title="台账不全", description="缺少记录", state=state, kind=kind
    )


def visit(world: World, unit: Unit, state: str = "planned") -> Visit:
    return Visit.objects.create(
        campaign=world.campaign,
        unit=unit,
        org_path=unit.path,
        date=DAY,
        headcount=3,
        team="甲、乙、丙",
        organiser="第1督导组",
        state=state,
    )


@pytest.fixture
def ningbo(world: World) -> World:
    """District A sent 28 groups to 59 units; 3 confirmed problems found, plus a draft, a dismissed one, a practice;
    4 visits (one cancelled); 3 topics, 2 of them counter-examples; 2 plans. District B sent one group to itself."""
    targets = [*units(world, 58), world.street_a]
    made = groups(world, 28, targets)
    for state in ("confirmed", "transferred", "confirmed", "draft", "dismissed"):
        finding(made[0], world.street_a, state)
    finding(made[0], world.street_a, "confirmed", kind="practice")
    for state in ("planned", "recorded", "recorded", "cancelled"):
        visit(world, world.street_a, state)
    visit(world, world.district_b)
    topics = [
        ResearchTopic.objects.create(
            campaign=world.campaign, org_path=world.district_a.path, title=f"课题{i}", is_counter_example=i > 0
        )
        for i in range(3)
    ]
    for i in range(2):
        ResearchPlan.objects.create(
            campaign=world.campaign,
            topic=topics[0],
            unit=world.street_a,
            org_path=world.street_a.path,
            title=f"方案{i}",
            due_date=DAY,
        )
    groups(world, 1, [world.district_b], sender=world.district_b)
    return world


def values(world: World, unit: Any) -> dict[str, Any]:
    keys = (
        "supervision_groups",
        "supervised_units",
        "visits",
        "findings",
        "research_topics",
        "research_plans",
        "counter_examples",
    )
    return {key: services.measure_value(key, world.campaign, unit) for key in keys}


def test_the_measures_count_the_subtree(ningbo: World) -> None:
    assert values(ningbo, ningbo.district_a) == {
        "supervision_groups": 28,
        "supervised_units": 59,
        "visits": 3,
        "findings": 3,
        "research_topics": 3,
        "research_plans": 2,
        "counter_examples": 2,
    }
    assert values(ningbo, ningbo.street_a)["research_plans"] == 2
    assert values(ningbo, ningbo.street_a)["supervision_groups"] == 0
    assert values(ningbo, ningbo.district_b)["supervision_groups"] == 1
    assert values(ningbo, ningbo.district_b)["visits"] == 1
    assert values(ningbo, ningbo.city)["supervised_units"] == 60


def checked(report: Any) -> list[tuple[str, str, str, float | None]]:
    return [(c.figure.text.replace(" ", ""), c.rule.measure, c.verdict, c.actual) for c in claims.check_report(report)]


def test_ningbo_sentence_is_consistent_with_the_data(ningbo: World) -> None:
    assert checked(upload(ningbo, NINGBO)) == [
        ("28个", "supervision_groups", "consistent", 28),
        ("59家", "supervised_units", "consistent", 59),
        ("3个", "findings", "consistent", 3),
    ]


def test_ningbo_sentence_is_inconsistent_when_the_data_holds_less(world: World) -> None:
    groups(world, 27, units(world, 40))
    assert checked(upload(world, NINGBO)) == [
        ("28个", "supervision_groups", "inconsistent", 27),
        ("59家", "supervised_units", "inconsistent", 40),
        ("3个", "findings", "inconsistent", 0),
    ]


def test_visits_and_research_figures_are_checked(ningbo: World) -> None:
    text = "全区实地走访3次，确定调研课题3个，形成调研方案5个，选取反面案例2个。其中下沉调研4次。发现问题2个。"
    assert checked(upload(ningbo, text)) == [
        ("3次", "visits", "consistent", 3),
        ("3个", "research_topics", "consistent", 3),
        ("5个", "research_plans", "inconsistent", 2),
        ("2个", "counter_examples", "consistent", 2),
        ("4次", "visits", "inconsistent", 3),
        ("2个", "problems_total", "inconsistent", 0),
    ]


def test_the_groups_rule_no_longer_says_untracked() -> None:
    rule = ClaimRule.objects.get(campaign=None, measure="supervision_groups")
    assert "尚未记录" not in rule.note
    assert "派出的督导组数" in rule.note
    assert set(ClaimRule.objects.filter(campaign=None).values_list("measure", flat=True)) >= {
        "supervised_units",
        "visits",
        "findings",
        "research_topics",
        "research_plans",
        "counter_examples",
    }
