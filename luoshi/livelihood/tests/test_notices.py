"""民生实事 notifications: a task's owner unit hears when the task is given, confirmed done or reopened."""

from __future__ import annotations

import pytest

from luoshi.livelihood import services
from luoshi.livelihood.tests.helpers import finished, new_project, new_task
from luoshi.notices.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


def _sent(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_the_owner_unit_hears_of_a_new_task(world, django_capture_on_commit_callbacks):
    project = new_project(world)
    with django_capture_on_commit_callbacks(execute=True):
        task = new_task(world, project)
    assert _sent(NoticeKind.ASSIGNED) == {"liaison_a", "leader_a", "leader_a2"}
    assert Notification.objects.filter(url=f"/livelihood/tasks/{task.pk}/").count() == 3


def test_confirmed_and_reopened_tasks_notify_the_owner(world, django_capture_on_commit_callbacks):
    task = finished(world)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        task = services.reopen_task(world.office_a, task, reason="佐证材料不全")
    assert _sent(NoticeKind.SENT_BACK) == {"liaison_a", "leader_a", "leader_a2"}
    with django_capture_on_commit_callbacks(execute=True):
        services.close_task(world.office_a, task)
    assert (
        "民生实事子项已确认完成" in Notification.objects.get(kind=NoticeKind.DECIDED, recipient=world.liaison_a).title
    )
