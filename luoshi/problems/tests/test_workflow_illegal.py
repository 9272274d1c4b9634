"""Illegal transitions through the real services: refused with a clear message, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from luoshi.core.errors import RuleViolation
from luoshi.problems import services, workflow
from luoshi.problems.choices import State
from luoshi.problems.models import Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, rectifying
from luoshi.testing.world import World

SETUPS: dict[str, Callable[[World], Problem]] = {
    State.PENDING_CLAIM: new_problem,
    State.RECTIFYING: rectifying,
    State.PENDING_REVIEW: pending_review,
    State.CLOSED: closed,
}

ACTIONS: dict[str, tuple[str, Callable[[Any, Problem], Any]]] = {
    "claim": ("leader_a", lambda u, p: services.claim(u, p)),
    "request_closure": ("leader_a2", lambda u, p: services.request_closure(u, p, summary="整改完成")),
    "approve_closure": ("office_city", lambda u, p: services.approve_closure(u, p, note="同意")),
    "send_back": ("office_city", lambda u, p: services.send_back(u, p, reason="不到位")),
    "reopen": ("office_city", lambda u, p: services.reopen(u, p, reason="反弹")),
}
LABELS = {
    "claim": "认领",
    "request_closure": "申请销号",
    "approve_closure": "审核销号",
    "send_back": "退回整改",
    "reopen": "回头看重新打开",
}

ILLEGAL = [
    (state, action) for state in SETUPS for action in ACTIONS if state not in workflow.TRANSITIONS[action].sources
]


def test_every_illegal_pair_is_covered() -> None:
    assert len(ILLEGAL) == 4 * 5 - 5


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transition_is_refused(world: World, state: str, action: str) -> None:
    problem = SETUPS[state](world)
    username, act = ACTIONS[action]
    before = footprint(problem)
    with pytest.raises(RuleViolation) as info:
        act(world.users[username], problem)
    assert info.value.code == "illegal_transition"
    assert str(info.value) == f"问题当前状态为「{State(state).label}」，不能执行「{LABELS[action]}」。"
    assert footprint(problem) == before


@pytest.mark.parametrize("state", [State.PENDING_REVIEW, State.CLOSED])
def test_no_measures_or_progress_outside_rectifying(world: World, state: str) -> None:
    problem = SETUPS[state](world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="只有整改中的问题才能新增整改措施"):
        services.add_measure(
            world.leader_a, problem, text="补充措施", owner_unit=world.district_a, deadline=problem.deadline
        )
    with pytest.raises(RuleViolation, match="不能报送进展"):
        services.report_progress(world.liaison_a, problem, text="补充进展")
    assert footprint(problem) == before


def test_stale_object_in_hand_does_not_fool_the_state_check(world: World) -> None:
    """The caller holds an old copy that still says 整改中; the locked row says 待审核."""
    problem = pending_review(world)
    stale = Problem.objects.get(pk=problem.pk)
    stale.state = State.RECTIFYING
    with pytest.raises(RuleViolation, match="不能报送进展"):
        services.report_progress(world.liaison_a, stale, text="进展")
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_REVIEW
