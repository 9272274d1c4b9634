"""我的待办 of suggestions: the office's suggestions to triage, refer and decide; the units' ones to answer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.suggestions.choices import SuggestionState
from luoshi.suggestions.tests.factory import in_state
from luoshi.suggestions.todo import TODOS, filtered_suggestions
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def counts(user: object, *todos: str) -> list[int]:
    return [filtered_suggestions(user, [("todo", todo)]).count() for todo in todos]


def test_the_to_do_lists_count_the_suggestions_each_role_acts_on(world: World) -> None:
    for state in (SuggestionState.SUBMITTED, SuggestionState.REFERRED, SuggestionState.ANSWERED):
        in_state(world, state)
    assert counts(world.office_a, "to_triage", "to_decide") == [1, 1]
    assert counts(world.liaison_a, "to_answer") == [1]
    assert counts(world.office_b, "to_triage", "to_decide") == [0, 0]
    assert TODOS.count(world.liaison_b, [("todo", "to_answer")]) == 0


def test_home_shows_the_suggestions_to_answer(client: Client, world: World) -> None:
    in_state(world, SuggestionState.REFERRED)
    verified_login(client, world.liaison_a)
    page = client.get(reverse("home")).content.decode()
    assert "待答复的意见建议" in page
    assert reverse("suggestions:index") + "?todo=to_answer" in page
