"""The tracked-work contract for study plans (学习计划): every transition × every role, and the review rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.study import plans
from luoshi.study.choices import PlanState
from luoshi.study.models import StudyPlanEvent
from luoshi.study.tests.plan_factory import draft, fresh, in_state
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

ROLES = (
    "office_a",
    "office_city",
    "office_b",
    "liaison_a",
    "leader_a",
    "liaison_b",
    "supervisor_a",
    "handler_a",
    "auditor",
    "nobody",
)


class TestStudyPlanContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        calls: dict[str, Any] = {
            "submit": lambda a, i, v: plans.submit_plan(a, i, version=v),
            "return": lambda a, i, v: plans.return_plan(a, i, comments="请补充学习时间", version=v),
            "approve": lambda a, i, v: plans.approve_plan(a, i, comments="同意", version=v),
            "complete": lambda a, i, v: plans.complete_plan(a, i, note="已完成", version=v),
        }
        return ContractCase(
            tracker=plans.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={"submit": "liaison_a", "return": "office_a", "approve": "office_a", "complete": "liaison_a"},
            elsewhere=world.district_b.path,
        )


@pytest.mark.parametrize("action", ["return", "approve"])
def test_nobody_reviews_their_own_plan(world: World, action: str) -> None:
    plan = plans.submit_plan(world.office_a, draft(world, maker=world.office_a))
    assert action not in plans.available_actions(world.office_a, plan)
    assert plans.refusals(world.office_a, plan)[action] == "不能审核自己制定的学习计划。"
    review = plans.return_plan if action == "return" else plans.approve_plan
    with pytest.raises(RuleViolation, match="不能审核自己制定的学习计划"):
        review(world.office_a, plan, comments="自己审核")
    assert fresh(plan).state == PlanState.SUBMITTED
    assert action in plans.available_actions(world.office_city, plan)


def test_a_plan_without_items_cannot_be_submitted(world: World) -> None:
    plan = plans.create_plan(
        world.liaison_a, campaign=world.campaign, unit=world.district_a, title="空计划", due_date=dt.date(2026, 11, 30)
    )
    assert "submit" not in plans.available_actions(world.liaison_a, plan)
    with pytest.raises(RuleViolation, match="至少填写一项学习内容"):
        plans.submit_plan(world.liaison_a, plan)


def test_leaders_and_other_districts_neither_draft_nor_review(world: World) -> None:
    with pytest.raises(NotAllowed):
        draft(world, maker=world.leader_a)
    with pytest.raises(NotAllowed):
        draft(world, maker=world.liaison_b)
    plan = in_state(world, PlanState.SUBMITTED)
    for user in (world.liaison_a, world.leader_a, world.office_b):
        with pytest.raises(NotAllowed):
            plans.approve_plan(user, plan)
    assert StudyPlanEvent.objects.filter(plan=plan).count() == 2  # drafted, submitted
