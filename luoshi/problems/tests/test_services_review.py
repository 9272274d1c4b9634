"""Two-level review (两级审核): the unit's leader requests closure, someone else at the reviewing level decides."""

from __future__ import annotations

import pytest

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.problems import services
from luoshi.problems.choices import RequestState, State
from luoshi.problems.models import ClosureRequest
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import pending_review, png, rectifying
from luoshi.testing.world import World, make_user


def test_requesting_leader_cannot_approve_without_review_role(world: World) -> None:
    problem = pending_review(world)
    before = footprint(problem)
    with pytest.raises(NotAllowed):
        services.approve_closure(world.leader_a, problem)
    assert footprint(problem) == before


def test_requester_holding_review_role_still_cannot_decide_own_request(world: World) -> None:
    """Even someone who is both leader and office of the unit may not approve what they asked for."""
    both = make_user("both_a", Role.LEADER, world.district_a)
    RoleAssignment.objects.create(user=both, role=Role.OFFICE, unit=world.district_a)
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    services.request_closure(both, problem, summary="整改完成")
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="不能审核自己的申请"):
        services.approve_closure(both, problem)
    with pytest.raises(RuleViolation, match="不能审核自己的申请"):
        services.send_back(both, problem, reason="自己退回")
    assert footprint(problem) == before
    assert services.approve_closure(world.office_a, problem).state == State.CLOSED


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_send_back_needs_a_reason(world: World, reason: str) -> None:
    problem = pending_review(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="退回时请填写理由"):
        services.send_back(world.office_city, problem, reason=reason)
    assert footprint(problem) == before


def test_approve_note_is_optional(world: World) -> None:
    problem = services.approve_closure(world.office_city, pending_review(world))
    assert ClosureRequest.objects.get(problem=problem).decision_note == ""


def test_other_district_office_cannot_review(world: World) -> None:
    problem = pending_review(world)
    before = footprint(problem)
    with pytest.raises(NotAllowed):
        services.approve_closure(world.office_b, problem)
    assert footprint(problem) == before


def test_decided_request_is_not_decided_twice(world: World) -> None:
    problem = services.approve_closure(world.office_city, pending_review(world))
    with pytest.raises(RuleViolation, match="不能执行「审核销号」"):
        services.approve_closure(world.office_a, problem)
    closure = ClosureRequest.objects.get(problem=problem)
    assert (closure.state, closure.decided_by) == (RequestState.APPROVED, world.office_city)
