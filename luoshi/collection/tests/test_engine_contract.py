"""The tracked-work contract for submissions (填报): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.collection import services
from luoshi.collection.tests.factory import GOOD, in_state
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = ("office_a", "office_city", "office_b", "liaison_a", "leader_a", "liaison_b", "supervisor_a", "handler_a")


class TestSubmissionContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        calls: dict[str, Any] = {
            "save": lambda a, i, v: services.save_draft(a, i, values={"found": 1}, version=v),
            "submit": lambda a, i, v: services.submit(a, i, values=GOOD, version=v),
            "accept": lambda a, i, v: services.accept(a, i, note="同意", version=v),
            "return": lambda a, i, v: services.return_submission(a, i, reason="数据有误", version=v),
        }
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={"save": "liaison_a", "submit": "liaison_a", "accept": "office_a", "return": "office_a"},
            elsewhere=world.district_b.path,
        )
