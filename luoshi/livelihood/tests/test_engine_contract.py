"""Livelihood work keeps the tracked-work contract: proposals, projects and tasks, every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.livelihood import services
from luoshi.livelihood.choices import ProjectState, ProposalState, TaskState
from luoshi.livelihood.models import ProjectProposal, VoteRound
from luoshi.livelihood.tests import helpers
from luoshi.livelihood.tracker import PROJECTS, PROPOSALS, TASKS
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

PROJECT_CALLS: dict[str, Any] = {
    "complete": lambda u, p, v: services.complete_project(u, p, note="全部子项完成", version=v),
    "evaluate": lambda u, p, v: services.evaluate_project(
        u, p, satisfied=8, basically_satisfied=1, dissatisfied=1, version=v
    ),
    "stop": lambda u, p, v: services.stop_project(u, p, reason="资金未落实", version=v),
}
TASK_CALLS: dict[str, Any] = {
    "start": lambda u, t, v: services.start_task(u, t, version=v),
    "finish": lambda u, t, v: services.finish_task(u, t, note="已完工", version=v),
    "close": lambda u, t, v: services.close_task(u, t, note="现场核验完成", version=v),
    "reopen": lambda u, t, v: services.reopen_task(u, t, reason="验收发现问题", version=v),
}


class TestProjectContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        makers: dict[str, Any] = {
            ProjectState.IN_PROGRESS: helpers.new_project,
            ProjectState.COMPLETED: helpers.completed,
            ProjectState.EVALUATED: helpers.evaluated,
            ProjectState.STOPPED: helpers.stopped,
        }
        return ContractCase(
            tracker=PROJECTS,
            make=lambda state: makers[state](world),
            calls=PROJECT_CALLS,
            users=world.users,
            doers={"complete": "office_a", "evaluate": "office_a", "stop": "office_a"},
            elsewhere=world.district_b.path,
        )


class TestTaskContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        makers: dict[str, Any] = {
            TaskState.NOT_STARTED: lambda: helpers.new_task(world, helpers.new_project(world)),
            TaskState.IN_PROGRESS: lambda: helpers.started(world),
            TaskState.DONE: lambda: helpers.finished(world),
        }
        return ContractCase(
            tracker=TASKS,
            make=lambda state: makers[state](),
            calls=TASK_CALLS,
            users=world.users,
            doers={"start": "liaison_a", "finish": "liaison_a", "close": "office_a", "reopen": "office_a"},
            elsewhere=world.district_b.path,
        )


class TestProposalContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        round_ = VoteRound.objects.get(pk=helpers.vote_round(world).pk)

        def vote(counts: tuple[int, int, int]) -> Any:
            def call(user: Any, item: ProjectProposal, version: int | None) -> Any:
                a, b, c = counts
                return services.vote_on(
                    user, round_, item, votes_for=a, votes_against=b, votes_abstain=c, version=version
                )

            return call

        makers: dict[str, Any] = {
            ProposalState.SUBMITTED: helpers.proposal,
            ProposalState.SHORTLISTED: helpers.shortlisted,
            ProposalState.DECLINED: helpers.declined,
            ProposalState.ADOPTED: helpers.adopted,
            ProposalState.REJECTED: helpers.rejected,
        }
        calls = {
            "shortlist": lambda u, p, v: services.shortlist(u, p, version=v),
            "decline": lambda u, p, v: services.decline(u, p, reason="不符合普惠性要求", version=v),
            "adopt": vote((26, 20, 4)),
            "reject": vote((25, 20, 5)),
        }
        return ContractCase(
            tracker=PROPOSALS,
            make=lambda state: makers[state](world),
            calls=calls,
            users=world.users,
            doers={"shortlist": "office_a", "decline": "office_a", "adopt": "office_a", "reject": "office_a"},
            elsewhere=world.district_b.path,
        )
