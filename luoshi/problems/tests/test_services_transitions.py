"""Each transition's happy path: the state, the fields it sets, its timeline event and version."""

from __future__ import annotations

import pytest

from luoshi.core.errors import RuleViolation
from luoshi.problems import services
from luoshi.problems.choices import EventKind, RequestState, State
from luoshi.problems.models import ClosureRequest, Problem
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import World


def _last_event(problem: Problem) -> tuple[str, str, str]:
    event = problem.events.order_by("-at", "-id").first()
    assert event is not None
    return event.kind, event.from_state, event.to_state


def test_filed_problem_waits_for_claim(world: World) -> None:
    problem = new_problem(world, unit=world.street_a)
    assert (problem.state, problem.version, problem.org_path) == (State.PENDING_CLAIM, 1, world.street_a.path)
    assert problem.filed_by == world.liaison_a
    assert _last_event(problem) == (EventKind.FILED, "", State.PENDING_CLAIM)


def test_claim_sets_leader_and_time(world: World) -> None:
    problem = services.claim(world.leader_a2, new_problem(world))
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.state == State.RECTIFYING
    assert stored.responsible_leader == world.leader_a2
    assert stored.claimed_at is not None
    assert stored.version == 2
    assert _last_event(stored) == (EventKind.CLAIMED, State.PENDING_CLAIM, State.RECTIFYING)


def test_request_closure_opens_a_pending_request(world: World) -> None:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="已完成", files=[png()])
    closure = services.request_closure(world.leader_a, problem, summary="  整改完成  ")
    assert (closure.state, closure.requested_by, closure.summary) == (RequestState.PENDING, world.leader_a, "整改完成")
    assert closure.org_path == problem.org_path
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.state == State.PENDING_REVIEW
    assert _last_event(stored) == (EventKind.CLOSURE_REQUESTED, State.RECTIFYING, State.PENDING_REVIEW)


def test_approve_closes_with_time_and_decision(world: World) -> None:
    problem = services.approve_closure(world.office_a, pending_review(world), note="材料齐全")
    assert problem.state == State.CLOSED
    assert problem.closed_at is not None
    closure = ClosureRequest.objects.get(problem=problem)
    assert (closure.state, closure.decided_by, closure.decision_note) == (
        RequestState.APPROVED,
        world.office_a,
        "材料齐全",
    )
    assert _last_event(problem) == (EventKind.CLOSED, State.PENDING_REVIEW, State.CLOSED)


def test_send_back_returns_to_rectifying_with_reason(world: World) -> None:
    problem = services.send_back(world.office_city, pending_review(world), reason=" 佐证材料不清晰 ")
    assert problem.state == State.RECTIFYING
    assert problem.closed_at is None
    closure = ClosureRequest.objects.get(problem=problem)
    assert (closure.state, closure.decision_note) == (RequestState.REJECTED, "佐证材料不清晰")
    event = problem.events.get(kind=EventKind.SENT_BACK)
    assert event.note == "佐证材料不清晰"


def test_sent_back_problem_can_be_requested_again(world: World) -> None:
    problem = services.send_back(world.office_city, pending_review(world), reason="再补充")
    services.request_closure(world.leader_a, problem, summary="已补充")
    problem = services.approve_closure(world.office_city, problem)
    assert problem.state == State.CLOSED
    states = list(problem.closure_requests.order_by("id").values_list("state", flat=True))
    assert states == [RequestState.REJECTED, RequestState.APPROVED]


def test_reopen_clears_closed_at_and_allows_a_second_round(world: World) -> None:
    problem = services.reopen(world.office_a, closed(world), reason="回头看发现问题反弹")
    assert (problem.state, problem.closed_at) == (State.RECTIFYING, None)
    assert problem.events.get(kind=EventKind.REOPENED).note == "回头看发现问题反弹"
    services.request_closure(world.leader_a, problem, summary="再次整改完成")
    assert services.approve_closure(world.office_city, problem).state == State.CLOSED


def test_full_loop_event_chain(world: World) -> None:
    problem = closed(world)
    kinds = list(problem.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["filed", "claimed", "progress", "closure_requested", "closed"]
    assert problem.version == 4


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_needs_a_reason(world: World, reason: str) -> None:
    problem = closed(world)
    with pytest.raises(RuleViolation, match="请填写回头看发现的情况"):
        services.reopen(world.office_city, problem, reason=reason)
    assert Problem.objects.get(pk=problem.pk).state == State.CLOSED


def test_allowed_actions_follow_state_role_and_requester(world: World) -> None:
    problem = new_problem(world, responsible_leader=world.leader_a)
    assert services.allowed_actions(world.leader_a, problem) == ["claim"]
    assert services.allowed_actions(world.leader_a2, problem) == []
    assert services.allowed_actions(world.office_city, problem) == []
    problem = pending_review(world)
    assert services.allowed_actions(world.office_a, problem) == ["approve_closure", "send_back"]
    assert services.allowed_actions(world.leader_a, problem) == []
