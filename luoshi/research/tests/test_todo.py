"""我的待办 of research: the office's plans to review and convert, the units' plans returned and to carry out."""

from __future__ import annotations

import pytest

from luoshi.core.todo import link
from luoshi.research.choices import PlanState
from luoshi.research.tests.factory import in_state
from luoshi.research.todo import TODOS, filtered_plans
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def counts(user: object, *todos: str) -> list[int]:
    return [filtered_plans(user, [("todo", todo)]).count() for todo in todos]


def test_the_to_do_lists_count_the_plans_each_role_acts_on(world: World) -> None:
    for state in (PlanState.SUBMITTED, PlanState.RETURNED, PlanState.APPROVED, PlanState.FIELDWORK):
        in_state(world, state)
    in_state(world, PlanState.REPORTED)
    assert counts(world.office_a, "to_review", "to_convert", "returned") == [1, 1, 0]
    assert counts(world.liaison_a, "returned", "to_carry_out", "to_review") == [1, 2, 0]
    assert counts(world.office_b, "to_review", "to_convert") == [0, 0]
    assert TODOS.count(world.leader_a, [("todo", "to_carry_out")]) == 2
    assert link("/research/plans/", [("todo", "returned")]) == "/research/plans/?todo=returned"
