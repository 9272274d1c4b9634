"""Notifications sent by key-task and problem transitions, once the transaction commits."""

from __future__ import annotations

import datetime as dt
import logging

from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind, Notification
from luoshi.problems import services as problem_services
from luoshi.problems.choices import State as ProblemState
from luoshi.problems.models import Problem
from luoshi.tasks import services as task_services
from luoshi.tasks.choices import AssignRole
from luoshi.tasks.choices import State as TaskState
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.tests.factory import fresh, in_state, make_task
from luoshi.testing.problems import new_problem, pending_review


def received(user, kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_assignment_notifies_the_units_handlers_and_no_one_else(world, django_capture_on_commit_callbacks):
    task = make_task(world, actor=world.office_city, unit=world.city, title="全市重点任务")
    with django_capture_on_commit_callbacks(execute=True):
        result = task_services.assign(
            world.office_city, task, units=[world.district_a], role=AssignRole.LEAD, due_on=task.due_on
        )
    assignment = result.created[0]
    for user in (world.liaison_a, world.leader_a):
        [notice] = received(user, NoticeKind.ASSIGNED)
        assert notice.url == f"/tasks/assignments/{assignment.pk}/"
        assert "全市重点任务" in notice.title
    for user in (world.liaison_b, world.leader_b, world.office_city, world.office_a):
        assert received(user) == []


def test_bulk_assignment_is_one_insert_for_all_units(
    world, django_capture_on_commit_callbacks, django_assert_num_queries
):
    task = make_task(world, actor=world.office_city, unit=world.city)
    with django_capture_on_commit_callbacks() as callbacks:
        task_services.assign(
            world.office_city,
            task,
            units=[world.district_a, world.district_b],
            role=AssignRole.LEAD,
            due_on=task.due_on,
        )
    with django_assert_num_queries(3):  # the handlers of the units, the active ones, one INSERT
        for callback in callbacks:
            callback()
    assert len(received(world.liaison_b, NoticeKind.ASSIGNED)) == 1
    assert len(received(world.liaison_a, NoticeKind.ASSIGNED)) == 1


def test_send_back_notifies_the_owner_and_accept_the_requester(world, django_capture_on_commit_callbacks):
    item = in_state(world, TaskState.FINISH_REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        task_services.send_back(world.office_a, item, reason="材料不全")
    [notice] = received(world.liaison_a, NoticeKind.SENT_BACK)
    assert notice.url == f"/tasks/assignments/{item.pk}/"
    assert notice.object_id == item.pk
    task_services.request_finish(world.liaison_a, fresh(item), summary="已补齐")
    with django_capture_on_commit_callbacks(execute=True):
        task_services.accept(world.office_a, fresh(item), note="同意")
    assert len(received(world.liaison_a, NoticeKind.DECIDED)) == 1
    assert received(world.office_a) == []


def test_task_extension_decided_notifies_the_requester(world, django_capture_on_commit_callbacks):
    task = make_task(world)
    item = in_state(world, TaskState.IN_PROGRESS, task=task, due_on=task.due_on - dt.timedelta(days=30))
    first = task.due_on - dt.timedelta(days=15)
    ext = task_services.request_extension(world.liaison_a, item, new_due=first, reason="雨季施工")
    with django_capture_on_commit_callbacks(execute=True):
        task_services.approve_extension(world.office_a, ext, note="同意")
    [notice] = received(world.liaison_a, NoticeKind.DECIDED)
    assert "同意" in notice.title
    ext = task_services.request_extension(world.liaison_a, fresh(item), new_due=task.due_on, reason="再延")
    with django_capture_on_commit_callbacks(execute=True):
        task_services.reject_extension(world.office_a, ext, note="可按期完成")
    assert len(received(world.liaison_a, NoticeKind.DECIDED)) == 2


def test_a_failing_notification_does_not_undo_the_transition(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    item = in_state(world, TaskState.FINISH_REQUESTED)

    def broken(*args, **kwargs):
        raise RuntimeError("东城联络员 13800001111")

    monkeypatch.setattr(notices, "notify", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        task_services.send_back(world.office_a, item, reason="材料不全")
    assert TaskAssignment.objects.get(pk=item.pk).state == TaskState.IN_PROGRESS
    assert Notification.objects.count() == 0
    assert "notify failed" in caplog.text
    assert "13800001111" not in caplog.text


def test_a_failing_send_later_is_logged_not_raised(world, django_capture_on_commit_callbacks, caplog):
    def broken() -> list[Notification]:
        raise RuntimeError("personal")

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notices.send_later(broken)
    assert "notifications not sent (RuntimeError)" in caplog.text
    assert "personal" not in caplog.text


def test_closure_decisions_notify_the_requester(world, django_capture_on_commit_callbacks):
    problem = pending_review(world)
    with django_capture_on_commit_callbacks(execute=True):
        problem_services.send_back(world.office_city, problem, reason="不到位")
    [notice] = received(world.leader_a, NoticeKind.SENT_BACK)
    assert notice.url == f"/problems/{problem.pk}/"
    problem_services.request_closure(world.leader_a, Problem.objects.get(pk=problem.pk), summary="再次申请")
    with django_capture_on_commit_callbacks(execute=True):
        closed = problem_services.approve_closure(world.office_city, Problem.objects.get(pk=problem.pk))
    assert closed.state == ProblemState.CLOSED
    assert len(received(world.leader_a, NoticeKind.DECIDED)) == 1
    assert received(world.liaison_b) == []


def test_problem_extension_approved_notifies_the_requester(world, django_capture_on_commit_callbacks):
    problem = new_problem(world)
    ext = problem_services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=10), reason="需要协调"
    )
    with django_capture_on_commit_callbacks(execute=True):
        problem_services.approve_extension(world.office_a, ext, note="同意")
    [notice] = received(world.liaison_a, NoticeKind.DECIDED)
    assert notice.object_id == problem.pk
