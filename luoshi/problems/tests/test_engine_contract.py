"""Problems keep the tracked-work contract: the shared base checks every transition for every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from luoshi.problems import services
from luoshi.problems.choices import State
from luoshi.problems.models import Problem
from luoshi.problems.tracker import PROBLEMS
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World


def _ready_to_close(world: World) -> Problem:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="已整改到位", files=[png()])
    problem.refresh_from_db()
    return problem


CALLS: dict[str, Any] = {
    "claim": lambda u, p, v: services.claim(u, p, version=v),
    "request_closure": lambda u, p, v: services.request_closure(u, p, summary="整改完成", version=v),
    "approve_closure": lambda u, p, v: services.approve_closure(u, p, note="同意", version=v),
    "send_back": lambda u, p, v: services.send_back(u, p, reason="不到位", version=v),
    "reopen": lambda u, p, v: services.reopen(u, p, reason="回头看发现反弹", version=v),
}


class TestProblemContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        makers: dict[str, Callable[[World], Problem]] = {
            State.PENDING_CLAIM: new_problem,
            State.RECTIFYING: _ready_to_close,
            State.PENDING_REVIEW: pending_review,
            State.CLOSED: closed,
        }
        return ContractCase(
            tracker=PROBLEMS,
            make=lambda state: makers[state](world),
            calls=CALLS,
            users=world.users,
            doers={
                "claim": "leader_a",
                "request_closure": "leader_a",
                "approve_closure": "office_a",
                "send_back": "office_a",
                "reopen": "office_a",
            },
            elsewhere=world.district_b.path,
        )


def test_available_lists_transitions_and_activities_for_the_detail_page(world: World) -> None:
    problem = _ready_to_close(world)
    assert services.available(world.leader_a, problem) == [
        "request_closure",
        "add_measure",
        "complete_measure",
        "report_progress",
        "request_extension",
    ]
    assert services.available(world.liaison_a, problem) == [
        "edit",
        "complete_measure",
        "report_progress",
        "request_extension",
    ]
    assert services.available(world.liaison_b, problem) == []
