"""The tracked-work contract for suggestions (建言献策): every transition × every role."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.suggestions import services
from luoshi.suggestions.choices import Adoption, SuggestionCategory, SuggestionState
from luoshi.suggestions.tests.factory import deadline, in_state
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
    "secadmin",
)


class TestSuggestionContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        answer = "已研究，将于下月实施。"
        calls: dict[str, Any] = {
            "triage": lambda a, i, v: services.triage_suggestion(
                a, i, category=SuggestionCategory.GOVERNANCE, topic="基层治理", version=v
            ),
            "refer": lambda a, i, v: services.refer_suggestion(
                a, i, unit=world.street_a, deadline=deadline(), version=v
            ),
            "answer": lambda a, i, v: services.answer_suggestion(a, i, text=answer, version=v, action="answer"),
            "answer_office": lambda a, i, v: services.answer_suggestion(
                a, i, text=answer, version=v, action="answer_office"
            ),
            "decide": lambda a, i, v: services.decide_suggestion(
                a, i, adoption=Adoption.PARTIAL, reason="部分采纳", version=v
            ),
            "dismiss": lambda a, i, v: services.dismiss_suggestion(a, i, reason="重复建议", version=v),
        }
        return ContractCase(
            tracker=services.TRACKER,
            make=lambda state: in_state(world, state),
            calls=calls,
            users={name: getattr(world, name) for name in ROLES},
            doers={
                "triage": "office_a",
                "refer": "office_a",
                "answer": "liaison_a",
                "answer_office": "office_a",
                "decide": "office_a",
                "dismiss": "office_a",
            },
            elsewhere=world.district_b.path,
        )


def test_the_factory_reaches_every_state(world: World) -> None:
    for state in SuggestionState.values:
        assert in_state(world, state).state == state
