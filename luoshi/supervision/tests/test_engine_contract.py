"""The tracked-work contract for findings (督导发现): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.supervision import services
from luoshi.supervision.tests.factory import build, finding
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = ("office_a", "office_city", "office_b", "liaison_a", "leader_a", "supervisor_a", "liaison_b")


class TestFindingContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        sup = build(world)
        calls: dict[str, Any] = {
            "confirm": lambda a, i, v: services.confirm_finding(a, i, note="属实", version=v),
            "transfer": lambda a, i, v: services.transfer_finding(a, i, version=v),
            "dismiss": lambda a, i, v: services.dismiss_finding(a, i, reason="不属实", version=v),
        }
        users = {name: getattr(world, name) for name in ROLES}
        users |= {"group_leader": sup.leader, "group_member": sup.member}
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: finding(sup, state),
            calls=calls,
            users=users,
            doers={"confirm": "group_leader", "transfer": "group_leader", "dismiss": "office_a"},
            elsewhere=world.district_b.path,
        )
