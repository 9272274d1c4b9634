"""The tracked-work contract for assignments (任务分解交办): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.tasks import services
from luoshi.tasks.tests.factory import in_state
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = ("office_a", "office_city", "office_b", "liaison_a", "leader_a", "liaison_b", "supervisor_a", "handler_a")


class TestAssignmentContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        calls: dict[str, Any] = {
            "sign": lambda a, i, v: services.sign(a, i, v),
            "request_finish": lambda a, i, v: services.request_finish(a, i, summary="已完成", version=v),
            "accept": lambda a, i, v: services.accept(a, i, note="同意", version=v),
            "send_back": lambda a, i, v: services.send_back(a, i, reason="佐证不足", version=v),
            "revoke": lambda a, i, v: services.revoke(a, i, reason="任务调整", version=v),
            "reopen": lambda a, i, v: services.reopen(a, i, reason="回头看发现反弹", version=v),
        }
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={
                "sign": "liaison_a",
                "request_finish": "leader_a",
                "accept": "office_a",
                "send_back": "office_a",
                "revoke": "office_a",
                "reopen": "office_a",
            },
            elsewhere=world.district_b.path,
        )
