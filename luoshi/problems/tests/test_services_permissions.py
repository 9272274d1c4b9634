"""Who may do what: every service action against every user of the world fixture.

A problem of 东城区 (district_a) is the target. Each user either succeeds (and the effect is
visible in the database) or gets ``NotAllowed`` and nothing at all changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from luoshi.core.errors import NotAllowed
from luoshi.problems import services
from luoshi.problems.choices import MeasureState, RequestState, State
from luoshi.problems.models import ExtensionRequest, Measure, Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import World

USERS = (
    "office_city",
    "office_a",
    "liaison_a",
    "leader_a",
    "leader_a2",
    "liaison_b",
    "leader_b",
    "office_b",
    "supervisor_a",
    "secadmin",
    "auditor",
    "nobody",
)


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    setup: Callable[[World], Any]
    act: Callable[[World, Any, Any], Any]
    done: Callable[[Any], bool]


def _problem_of(target: Any) -> Problem | None:
    if isinstance(target, Problem):
        return target
    return getattr(target, "problem", None)


def _state(problem: Problem) -> str:
    return Problem.objects.get(pk=problem.pk).state


def _with_evidence(world: World) -> Problem:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="已整改", files=[png()])
    return problem


def _with_measure(world: World) -> Measure:
    problem = rectifying(world)
    return services.add_measure(
        world.leader_a, problem, text="建立窗口服务评价制度", owner_unit=world.district_a, deadline=problem.deadline
    )


def _with_extension(world: World) -> ExtensionRequest:
    problem = new_problem(world)
    return services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=10), reason="需要采购设备"
    )


OFFICE = frozenset({"office_city", "office_a"})
LEADERS = frozenset({"leader_a", "leader_a2"})

CASES: dict[str, Case] = {
    "file_problem": Case(
        OFFICE | {"liaison_a", "supervisor_a"},
        lambda w: None,
        lambda w, u, _: new_problem(w, actor=u, title="临时登记"),
        lambda _: Problem.objects.filter(title="临时登记").exists(),
    ),
    "edit_problem": Case(
        OFFICE | {"liaison_a"},
        new_problem,
        lambda w, u, p: services.edit_problem(u, p, p.version, title="改后的标题"),
        lambda p: Problem.objects.get(pk=p.pk).title == "改后的标题",
    ),
    "claim": Case(LEADERS, new_problem, lambda w, u, p: services.claim(u, p), lambda p: _state(p) == State.RECTIFYING),
    "add_measure": Case(
        LEADERS,
        rectifying,
        lambda w, u, p: services.add_measure(u, p, text="措施", owner_unit=w.district_a, deadline=p.deadline),
        lambda p: p.measures.exists(),
    ),
    "complete_measure": Case(
        LEADERS | {"liaison_a"},
        _with_measure,
        lambda w, u, m: services.complete_measure(u, m),
        lambda m: Measure.objects.get(pk=m.pk).state == MeasureState.DONE,
    ),
    "report_progress": Case(
        LEADERS | {"liaison_a"},
        rectifying,
        lambda w, u, p: services.report_progress(u, p, text="进展", files=[png()]),
        lambda p: p.progress.exists(),
    ),
    "request_closure": Case(
        LEADERS,
        _with_evidence,
        lambda w, u, p: services.request_closure(u, p, summary="整改完成"),
        lambda p: _state(p) == State.PENDING_REVIEW,
    ),
    "approve_closure": Case(
        OFFICE,
        pending_review,
        lambda w, u, p: services.approve_closure(u, p, note="同意"),
        lambda p: _state(p) == State.CLOSED,
    ),
    "send_back": Case(
        OFFICE,
        pending_review,
        lambda w, u, p: services.send_back(u, p, reason="佐证不足"),
        lambda p: _state(p) == State.RECTIFYING,
    ),
    "reopen": Case(
        OFFICE,
        closed,
        lambda w, u, p: services.reopen(u, p, reason="回头看发现反弹"),
        lambda p: _state(p) == State.RECTIFYING,
    ),
    "request_extension": Case(
        LEADERS | {"liaison_a"},
        new_problem,
        lambda w, u, p: services.request_extension(
            u, p, new_deadline=p.deadline + dt.timedelta(days=5), reason="需要协调"
        ),
        lambda p: p.extensions.exists(),
    ),
    "approve_extension": Case(
        OFFICE,
        _with_extension,
        lambda w, u, e: services.approve_extension(u, e),
        lambda e: ExtensionRequest.objects.get(pk=e.pk).state == RequestState.APPROVED,
    ),
    "reject_extension": Case(
        OFFICE,
        _with_extension,
        lambda w, u, e: services.reject_extension(u, e, note="理由不充分"),
        lambda e: ExtensionRequest.objects.get(pk=e.pk).state == RequestState.REJECTED,
    ),
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", sorted(CASES))
def test_role_may_or_may_not(world: World, action: str, username: str) -> None:
    case = CASES[action]
    target = case.setup(world)
    user = world.users[username]
    before = footprint(_problem_of(target))
    if username in case.allowed:
        case.act(world, user, target)
        assert case.done(target), f"{username} 执行 {action} 后没有效果"
    else:
        with pytest.raises(NotAllowed):
            case.act(world, user, target)
        assert footprint(_problem_of(target)) == before


def test_not_allowed_message_is_chinese(world: World) -> None:
    problem = new_problem(world)
    with pytest.raises(NotAllowed, match="您无权执行「认领」"):
        services.claim(world.liaison_a, problem)


def test_other_district_cannot_file_for_district_a(world: World) -> None:
    with pytest.raises(NotAllowed, match="您无权为该单位登记问题"):
        new_problem(world, actor=world.liaison_b)
    assert not Problem.objects.exists()


def test_district_users_act_on_their_own_district(world: World) -> None:
    problem = new_problem(world, unit=world.district_b, actor=world.liaison_b)
    problem = services.claim(world.leader_b, problem)
    assert problem.state == State.RECTIFYING
    with pytest.raises(NotAllowed):
        services.claim(world.leader_a, new_problem(world, unit=world.district_b, actor=world.office_b))


def test_district_leader_reaches_street_problems(world: World) -> None:
    """A leader of 东城区 reaches problems of 东城街道 below it (the subtree)."""
    problem = new_problem(world, unit=world.street_a)
    assert services.claim(world.leader_a, problem).state == State.RECTIFYING
