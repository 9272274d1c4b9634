"""我的待办 of collection: the liaison's submissions to file and those sent back, the office's to review."""

from __future__ import annotations

import pytest

from luoshi.collection.choices import State
from luoshi.collection.tests.factory import in_state, submission
from luoshi.collection.todo import filtered_submissions
from luoshi.home.todo import sections
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def items(user, title_part: str) -> dict[str, int | None]:
    return {i.label: i.count for s in sections(user) for i in s.items if title_part in i.label}


def test_the_home_page_counts_what_to_file_and_what_to_review(world: World) -> None:
    submission(world)
    in_state(world, State.RETURNED)
    in_state(world, State.SUBMITTED)
    assert items(world.liaison_a, "定期报送") == {"待填报的定期报送": 2, "被退回的定期报送": 1}
    assert items(world.office_a, "定期报送") == {"待审核的定期报送": 1}
    assert items(world.liaison_b, "定期报送") == {"待填报的定期报送": 0, "被退回的定期报送": 0}
    assert filtered_submissions(world.office_b, [("todo", "to_review")]).count() == 0
