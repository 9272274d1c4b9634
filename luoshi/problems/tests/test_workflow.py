"""The pure lifecycle table: which action moves which state where, and the overdue light."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import RuleViolation
from luoshi.problems import workflow
from luoshi.problems.choices import Light, State

TODAY = dt.date(2026, 5, 10)


def test_lifecycle_moves() -> None:
    moves = {name: (step.sources, step.target) for name, step in workflow.TRANSITIONS.items()}
    assert moves == {
        "claim": ((State.PENDING_CLAIM,), State.RECTIFYING),
        "request_closure": ((State.RECTIFYING,), State.PENDING_REVIEW),
        "approve_closure": ((State.PENDING_REVIEW,), State.CLOSED),
        "send_back": ((State.PENDING_REVIEW,), State.RECTIFYING),
        "reopen": ((State.CLOSED,), State.RECTIFYING),
    }


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (State.PENDING_CLAIM, ["claim"]),
        (State.RECTIFYING, ["request_closure"]),
        (State.PENDING_REVIEW, ["approve_closure", "send_back"]),
        (State.CLOSED, ["reopen"]),
    ],
)
def test_actions_from_each_state(state: str, actions: list[str]) -> None:
    assert workflow.actions_from(state) == actions


def test_every_state_is_reachable_and_left() -> None:
    targets = {step.target for step in workflow.TRANSITIONS.values()}
    sources = {s for step in workflow.TRANSITIONS.values() for s in step.sources}
    assert targets | {State.PENDING_CLAIM} == set(State.values)
    assert sources == set(State.values)


def test_illegal_transition_names_state_and_action() -> None:
    with pytest.raises(RuleViolation, match="问题当前状态为「已销号」，不能执行「认领」") as info:
        workflow.transition("claim", State.CLOSED)
    assert info.value.code == "illegal_transition"


def test_legal_transition_returns_the_step() -> None:
    assert workflow.transition("send_back", State.PENDING_REVIEW).target == State.RECTIFYING


@pytest.mark.parametrize(
    ("days_left", "light"),
    [(-30, Light.RED), (-1, Light.RED), (0, Light.YELLOW), (3, Light.YELLOW), (4, Light.GREEN), (60, Light.GREEN)],
)
def test_light_by_days_left(days_left: int, light: str) -> None:
    deadline = TODAY + dt.timedelta(days=days_left)
    assert workflow.light_for(State.RECTIFYING, deadline, TODAY, yellow_days=3) == light


@pytest.mark.parametrize("state", [State.PENDING_CLAIM, State.RECTIFYING, State.PENDING_REVIEW])
def test_open_states_go_red_after_the_deadline(state: str) -> None:
    assert workflow.light_for(state, TODAY - dt.timedelta(days=1), TODAY, 3) == Light.RED


def test_closed_is_green_even_past_the_deadline() -> None:
    assert workflow.light_for(State.CLOSED, TODAY - dt.timedelta(days=100), TODAY, 3) == Light.GREEN


def test_zero_yellow_days_means_yellow_only_on_the_deadline() -> None:
    assert workflow.light_for(State.RECTIFYING, TODAY, TODAY, 0) == Light.YELLOW
    assert workflow.light_for(State.RECTIFYING, TODAY + dt.timedelta(days=1), TODAY, 0) == Light.GREEN
