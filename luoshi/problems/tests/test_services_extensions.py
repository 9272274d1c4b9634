"""Extensions (延期申请): asked before the deadline passes, one at a time, decided by someone else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.core.errors import RuleViolation
from luoshi.problems import services
from luoshi.problems.choices import EventKind, Light, RequestState, State
from luoshi.problems.models import ExtensionRequest, Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, png, rectifying
from luoshi.testing.world import World, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE = dt.date(2026, 6, 30)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _problem(world: World) -> Problem:
    with time_machine.travel(_at(dt.date(2026, 6, 1), 9), tick=False):
        return new_problem(world, found_on=dt.date(2026, 6, 1), deadline=DEADLINE)


def _ask(world: World, problem: Problem, days: int = 15, reason: str = "设备采购周期长") -> ExtensionRequest:
    return services.request_extension(
        world.liaison_a, problem, new_deadline=DEADLINE + dt.timedelta(days=days), reason=reason
    )


def test_request_on_the_last_evening_is_accepted(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(DEADLINE, 23, 59), tick=False):
        ext = _ask(world, problem)
    assert (ext.state, ext.old_deadline, ext.new_deadline) == (RequestState.PENDING, DEADLINE, dt.date(2026, 7, 15))
    assert problem.events.filter(kind=EventKind.EXTENSION_REQUESTED).count() == 1


def test_request_just_after_midnight_in_shanghai_is_refused(world: World) -> None:
    """00:01 on 1 July in Shanghai is still 30 June in UTC: the local date decides."""
    problem = _problem(world)
    before = footprint(problem)
    with (
        time_machine.travel(_at(DEADLINE + dt.timedelta(days=1), 0, 1), tick=False),
        pytest.raises(RuleViolation, match="整改时限已过，不能再申请延期"),
    ):
        _ask(world, problem)
    assert footprint(problem) == before


@pytest.mark.parametrize("days", [0, -3])
def test_new_deadline_must_be_later(world: World, days: int) -> None:
    problem = _problem(world)
    with (
        time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False),
        pytest.raises(RuleViolation, match="新时限须晚于当前时限"),
    ):
        _ask(world, problem, days=days)
    assert not ExtensionRequest.objects.exists()


def test_reason_is_required(world: World) -> None:
    problem = _problem(world)
    with (
        time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False),
        pytest.raises(RuleViolation, match="请填写延期理由"),
    ):
        _ask(world, problem, reason="  ")
    assert not ExtensionRequest.objects.exists()


def test_one_pending_at_a_time(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False):
        first = _ask(world, problem)
        before = footprint(problem)
        with pytest.raises(RuleViolation, match="已有待审批的延期申请"):
            services.request_extension(
                world.leader_a, problem, new_deadline=DEADLINE + dt.timedelta(days=3), reason="另一个理由"
            )
        assert footprint(problem) == before
        services.reject_extension(world.office_a, first, note="理由不充分")
        second = _ask(world, problem, reason="补充说明理由")
    assert second.state == RequestState.PENDING


def test_approve_moves_the_deadline_and_the_light(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 28), 10), tick=False):
        services.refresh_lights()
        assert Problem.objects.get(pk=problem.pk).light == Light.YELLOW
        ext = _ask(world, problem, days=30)
        decided = services.approve_extension(world.office_city, ext, note="同意")
    stored = Problem.objects.get(pk=problem.pk)
    assert (stored.deadline, stored.light, stored.version) == (dt.date(2026, 7, 30), Light.GREEN, 2)
    assert (decided.state, decided.decided_by, decided.decision_note) == (
        RequestState.APPROVED,
        world.office_city,
        "同意",
    )
    assert stored.events.filter(kind=EventKind.EXTENSION_APPROVED).get().note == "时限延至 2026-07-30"


def test_approval_after_the_deadline_passed_turns_red_to_green(world: World) -> None:
    """The request was made in time; the decision may come later."""
    problem = _problem(world)
    with time_machine.travel(_at(DEADLINE, 18), tick=False):
        ext = _ask(world, problem, days=20)
    with time_machine.travel(_at(dt.date(2026, 7, 2), 9), tick=False):
        services.refresh_lights()
        assert Problem.objects.get(pk=problem.pk).light == Light.RED
        services.approve_extension(world.office_a, ext)
    assert Problem.objects.get(pk=problem.pk).light == Light.GREEN


@pytest.mark.parametrize("note", ["", "   "])
def test_reject_needs_a_reason(world: World, note: str) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False):
        ext = _ask(world, problem)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="不同意延期时请填写理由"):
        services.reject_extension(world.office_a, ext, note=note)
    assert footprint(problem) == before


def test_reject_keeps_the_deadline(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False):
        ext = _ask(world, problem)
        services.reject_extension(world.office_a, ext, note="可以按期完成")
    stored = Problem.objects.get(pk=problem.pk)
    assert (stored.deadline, stored.version) == (DEADLINE, 1)
    assert ExtensionRequest.objects.get(pk=ext.pk).state == RequestState.REJECTED
    assert stored.events.filter(kind=EventKind.EXTENSION_REJECTED).get().note == "可以按期完成"


def test_requester_cannot_decide_own_request(world: World) -> None:
    both = make_user("both_a", Role.LIAISON, world.district_a)
    RoleAssignment.objects.create(user=both, role=Role.OFFICE, unit=world.district_a)
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False):
        ext = services.request_extension(both, problem, new_deadline=dt.date(2026, 7, 10), reason="理由")
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="不能审批自己的延期申请"):
        services.approve_extension(both, ext)
    with pytest.raises(RuleViolation, match="不能审批自己的延期申请"):
        services.reject_extension(both, ext, note="不同意")
    assert footprint(problem) == before


def test_decided_request_is_not_decided_again(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 10), 10), tick=False):
        ext = _ask(world, problem)
        services.approve_extension(world.office_a, ext)
        before = footprint(problem)
        with pytest.raises(RuleViolation, match="该延期申请已经审批"):
            services.reject_extension(world.office_city, ext, note="改主意了")
    assert footprint(problem) == before


def test_closed_problem_cannot_ask(world: World) -> None:
    problem = closed(world)
    with pytest.raises(RuleViolation, match="已销号的问题不能申请延期"):
        services.request_extension(
            world.leader_a, problem, new_deadline=problem.deadline + dt.timedelta(days=5), reason="理由"
        )
    assert not ExtensionRequest.objects.exists()


def test_problem_closed_meanwhile_is_not_extended(world: World) -> None:
    problem = rectifying(world)
    ext = services.request_extension(
        world.leader_a, problem, new_deadline=problem.deadline + dt.timedelta(days=5), reason="理由"
    )
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    services.request_closure(world.leader_a, problem, summary="完成")
    services.approve_closure(world.office_city, problem)
    with pytest.raises(RuleViolation, match="问题已销号，无需延期"):
        services.approve_extension(world.office_a, ext)
    assert services.reject_extension(world.office_a, ext, note="已销号").state == RequestState.REJECTED
    assert Problem.objects.get(pk=problem.pk).state == State.CLOSED
