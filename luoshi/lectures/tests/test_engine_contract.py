"""The tracked-work contract for lecture orders (宣讲点单): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.lectures import services
from luoshi.lectures.tests.factory import in_state, speaker
from luoshi.testing.tracked import ContractCase, TrackedWorkContract
from luoshi.testing.world import World

ROLES = (
    "office_a",
    "office_city",
    "office_b",
    "liaison_a",
    "leader_a",
    "liaison_b",
    "supervisor_a",
    "handler_a",
    "speaker_a",
    "speaker_other",
    "speaker_b",
)


class TestOrderContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        speaker(world)
        calls: dict[str, Any] = {
            "dispatch": lambda a, i, v: services.dispatch_order(a, i, version=v),
            "accept": lambda a, i, v: services.accept_order(a, i, version=v),
            "decline": lambda a, i, v: services.decline_order(a, i, reason="另有安排", version=v),
            "hold": lambda a, i, v: services.hold_order(a, i, listeners=80, version=v),
            "record": lambda a, i, v: services.record_held(a, i, listeners=80, version=v),
            "rate": lambda a, i, v: services.rate_order(a, i, rating=4, comment="好", version=v),
            "cancel": lambda a, i, v: services.cancel_order(a, i, reason="改期", version=v),
        }
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={
                "dispatch": "office_a",
                "accept": "speaker_a",
                "decline": "speaker_a",
                "hold": "speaker_a",
                "record": "office_a",
                "rate": "liaison_a",
                "cancel": "liaison_a",
            },
            elsewhere=world.district_b.path,
        )
