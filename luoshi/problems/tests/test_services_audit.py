"""Every write of the problem services leaves an audit record, and the hash chain stays intact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.core.errors import NotAllowed
from luoshi.problems import services
from luoshi.problems.models import Problem
from luoshi.testing.problems import new_problem, png
from luoshi.testing.world import World


def _records_since(seq: int) -> list[tuple[str, str, Any]]:
    rows = AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    return [(e.action, e.object_type, e.actor.username if e.actor else None) for e in rows]


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_each_step_of_the_loop_is_recorded(world: World) -> None:
    start = _head()
    problem = new_problem(world)
    problem = services.claim(world.leader_a, problem)
    measure = services.add_measure(
        world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=problem.deadline
    )
    services.report_progress(world.liaison_a, problem, text="进展", measure=measure, files=[png()])
    services.complete_measure(world.liaison_a, measure)
    services.request_closure(world.leader_a, problem, summary="完成")
    services.send_back(world.office_a, problem, reason="补充")
    services.request_closure(world.leader_a2, problem, summary="已补充")
    services.approve_closure(world.office_city, problem)
    services.reopen(world.office_city, problem, reason="反弹")
    assert _records_since(start) == [
        (Action.CREATE, "problems.problem", "liaison_a"),
        (Action.TRANSITION, "problems.problem", "leader_a"),
        (Action.CREATE, "problems.measure", "leader_a"),
        (Action.CREATE, "problems.progressentry", "liaison_a"),
        (Action.UPDATE, "problems.measure", "liaison_a"),
        (Action.TRANSITION, "problems.problem", "leader_a"),
        (Action.CREATE, "problems.closurerequest", "leader_a"),
        (Action.UPDATE, "problems.closurerequest", "office_a"),
        (Action.TRANSITION, "problems.problem", "office_a"),
        (Action.TRANSITION, "problems.problem", "leader_a2"),
        (Action.CREATE, "problems.closurerequest", "leader_a2"),
        (Action.UPDATE, "problems.closurerequest", "office_city"),
        (Action.TRANSITION, "problems.problem", "office_city"),
        (Action.TRANSITION, "problems.problem", "office_city"),
    ]
    assert verify_chain() is None


def test_transition_record_carries_before_and_after(world: World) -> None:
    problem = services.claim(world.leader_a, new_problem(world))
    event = AuditEvent.objects.filter(action=Action.TRANSITION, object_id=str(problem.pk)).get()
    assert event.before is not None
    assert event.after is not None
    assert (event.before["state"], event.after["state"]) == ("pending_claim", "rectifying")
    assert (event.before["responsible_leader"], event.after["responsible_leader"]) == (None, world.leader_a.pk)
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert event.detail == "认领"
    assert "updated_at" not in event.after


def test_closing_records_the_time_and_the_note(world: World) -> None:
    problem = new_problem(world)
    problem = services.claim(world.leader_a, problem)
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    services.request_closure(world.leader_a, problem, summary="完成")
    services.approve_closure(world.office_a, problem, note="同意销号")
    event = AuditEvent.objects.filter(action=Action.TRANSITION, object_id=str(problem.pk)).order_by("-seq").first()
    assert event is not None
    assert event.after is not None
    assert event.after["state"] == "closed"
    assert event.after["closed_at"] is not None
    assert event.detail == "审核销号：同意销号"


def test_edit_and_extension_are_recorded(world: World) -> None:
    problem = new_problem(world)
    start = _head()
    services.edit_problem(world.liaison_a, problem, 1, title="新标题")
    ext = services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=7), reason="理由"
    )
    services.approve_extension(world.office_a, ext)
    assert _records_since(start) == [
        (Action.UPDATE, "problems.problem", "liaison_a"),
        (Action.CREATE, "problems.extensionrequest", "liaison_a"),
        (Action.UPDATE, "problems.extensionrequest", "office_a"),
        (Action.UPDATE, "problems.problem", "office_a"),
    ]
    edit = AuditEvent.objects.get(seq=start + 1)
    assert (edit.before, edit.after) == ({"title": "窗口服务态度生硬", "version": 1}, {"title": "新标题", "version": 2})
    deadline = AuditEvent.objects.get(seq=start + 4)
    assert deadline.after is not None
    assert deadline.after["deadline"] == str(ext.new_deadline)
    assert verify_chain() is None


def test_refused_call_leaves_no_record(world: World) -> None:
    problem = new_problem(world)
    start = _head()
    with pytest.raises(NotAllowed):
        services.claim(world.leader_b, problem)
    assert _head() == start
    assert Problem.objects.get(pk=problem.pk).version == 1
