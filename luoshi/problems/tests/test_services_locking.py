"""Optimistic locking: a stale version is a Conflict and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from luoshi.core.errors import Conflict
from luoshi.problems import services
from luoshi.problems.choices import State
from luoshi.problems.models import Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import World


def _ready_for_closure(world: World) -> Problem:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    return problem


CALLS: dict[str, tuple[Callable[[World], Problem], Callable[[World, Problem, int], Any]]] = {
    "edit": (new_problem, lambda w, p, v: services.edit_problem(w.liaison_a, p, v, title="新标题")),
    "claim": (new_problem, lambda w, p, v: services.claim(w.leader_a, p, version=v)),
    "request_closure": (
        _ready_for_closure,
        lambda w, p, v: services.request_closure(w.leader_a, p, summary="完成", version=v),
    ),
    "approve_closure": (pending_review, lambda w, p, v: services.approve_closure(w.office_a, p, version=v)),
    "send_back": (pending_review, lambda w, p, v: services.send_back(w.office_a, p, reason="不到位", version=v)),
    "reopen": (closed, lambda w, p, v: services.reopen(w.office_a, p, reason="反弹", version=v)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_stale_version_conflicts_and_changes_nothing(world: World, name: str) -> None:
    setup, call = CALLS[name]
    problem = setup(world)
    if problem.state == State.CLOSED:
        seen = problem.version - 1  # the page was loaded before the approval
    else:
        seen = problem.version
        services.edit_problem(world.office_city, problem, problem.version, description="他人先改了说明")
    before = footprint(problem)
    with pytest.raises(Conflict, match="该问题已被他人修改，请刷新页面后重试") as info:
        call(world, problem, seen)
    assert info.value.code == "conflict"
    assert footprint(problem) == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_current_version_goes_through_and_bumps_it(world: World, name: str) -> None:
    setup, call = CALLS[name]
    problem = setup(world)
    seen = Problem.objects.get(pk=problem.pk).version
    call(world, problem, seen)
    assert Problem.objects.get(pk=problem.pk).version == seen + 1


def test_two_editors_one_wins(world: World) -> None:
    problem = new_problem(world)
    first = Problem.objects.get(pk=problem.pk)
    second = Problem.objects.get(pk=problem.pk)
    services.edit_problem(world.liaison_a, first, first.version, title="第一人的标题")
    with pytest.raises(Conflict):
        services.edit_problem(world.office_a, second, second.version, title="第二人的标题")
    assert Problem.objects.get(pk=problem.pk).title == "第一人的标题"


def test_without_a_version_the_latest_row_is_used(world: World) -> None:
    """Callers that do not track versions (imports, jobs) act on what is stored now."""
    problem = new_problem(world)
    services.edit_problem(world.office_city, problem, problem.version, description="先改")
    assert services.claim(world.leader_a, problem).version == 3
