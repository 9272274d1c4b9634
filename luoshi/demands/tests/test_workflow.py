"""The pure transition table of demands."""

from __future__ import annotations

import pytest

from luoshi.access.roles import Perm
from luoshi.core.errors import RuleViolation
from luoshi.demands import workflow
from luoshi.demands.choices import DemandState


def test_the_main_path_runs_from_received_to_archived() -> None:
    state: str = DemandState.RECEIVED
    for action in ("dispatch", "sign", "respond", "finish", "call_back", "archive"):
        state = workflow.target_of(workflow.transition(action, state), state)
    assert state == DemandState.ARCHIVED


def test_return_goes_back_to_the_dispatcher_and_redo_back_to_the_handler() -> None:
    assert workflow.transition("return", DemandState.SIGNED).target == DemandState.RECEIVED
    assert workflow.transition("redo", DemandState.CALLED_BACK).target == DemandState.SIGNED


def test_escalation_keeps_the_state() -> None:
    step = workflow.transition("escalate", DemandState.RESPONDED)
    assert workflow.target_of(step, DemandState.RESPONDED) == DemandState.RESPONDED


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("sign", DemandState.RECEIVED),
        ("finish", DemandState.DISPATCHED),
        ("return", DemandState.FINISHED),
        ("call_back", DemandState.RESPONDED),
        ("redo", DemandState.FINISHED),
        ("archive", DemandState.SIGNED),
        ("escalate", DemandState.ARCHIVED),
        ("dispatch", DemandState.SIGNED),
    ],
)
def test_illegal_moves_are_refused_with_the_state_named(action: str, state: str) -> None:
    with pytest.raises(RuleViolation, match=str(DemandState(state).label)) as caught:
        workflow.transition(action, state)
    assert caught.value.code == "illegal_transition"


def test_handlers_and_dispatchers_split_the_work() -> None:
    handler = {name for name, step in workflow.TRANSITIONS.items() if step.perm == Perm.HANDLE_DEMAND}
    assert handler == {"sign", "respond", "finish", "return", "request_extension"}
    assert workflow.actions_from(DemandState.ARCHIVED) == []
    assert set(workflow.actions_from(DemandState.CALLED_BACK)) == {"redo", "archive", "escalate"}
