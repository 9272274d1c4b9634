from __future__ import annotations

import pytest

from luoshi.audit.services import verify_chain
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.problems.choices import State
from luoshi.problems.models import Problem
from luoshi.problems.services import approve_closure, claim
from luoshi.testing.problems import closed, new_problem, pending_review


def test_full_loop_closes_and_chain_is_intact(world):
    problem = closed(world)
    assert problem.state == State.CLOSED
    assert [e.kind for e in problem.events.all()] == [
        "filed",
        "claimed",
        "progress",
        "closure_requested",
        "closed",
    ]
    assert verify_chain() is None


def test_other_district_leader_cannot_claim(world):
    problem = new_problem(world)
    with pytest.raises(NotAllowed):
        claim(world.leader_b, problem)
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_CLAIM


def test_requester_cannot_approve_own_closure(world):
    problem = pending_review(world)
    with pytest.raises((RuleViolation, NotAllowed)):
        approve_closure(world.leader_a, problem)
