"""Scope: district B sees nothing of district A's tasks and assignments; a street sees what was assigned to it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from luoshi.access.roles import Perm, Role
from luoshi.tasks import services
from luoshi.tasks.choices import State
from luoshi.tasks.models import Task, TaskAssignment, TaskEvent, TaskProgress
from luoshi.tasks.tests.factory import assigned, in_state, make_task
from luoshi.tasks.todo import filtered_assignments
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db
SECRET = "东城秘密任务"


@pytest.fixture
def district_a(world: World) -> TaskAssignment:
    item = in_state(world, State.IN_PROGRESS, title=SECRET)
    services.report_progress(world.liaison_a, item, text="东城秘密进展", percent=20, files=[png("mimi.png")])
    return item


@pytest.mark.parametrize("who", ["office_b", "liaison_b", "leader_b"])
def test_district_b_finds_nothing_of_district_a(world: World, district_a: TaskAssignment, who: str) -> None:
    user = getattr(world, who)
    assert not Task.objects.visible_to(user, Perm.VIEW).exists()
    assert not TaskAssignment.objects.visible_to(user, Perm.VIEW).exists()
    assert not TaskEvent.objects.visible_to(user, Perm.VIEW).exists()
    assert not TaskProgress.objects.visible_to(user, Perm.VIEW).exists()
    assert filtered_assignments(user, [("todo", "to_report")]).count() == 0
    client = Client()
    verified_login(client, user)
    for url in (
        reverse("tasks:overview") + f"?campaign={world.campaign.pk}",
        reverse("tasks:assignments"),
        reverse("tasks:assignments") + "?q=秘密",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
    for url in (reverse("tasks:detail", args=[district_a.task_id]), reverse("tasks:assignment", args=[district_a.pk])):
        assert client.get(url).status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/task-assignments/").json()["count"] == 0
    assert api.get("/api/v1/tasks/").json()["count"] == 0


def test_a_street_sees_its_own_assignment_and_the_task_but_not_its_siblings(world: World) -> None:
    street_liaison = make_user("liaison_s", Role.LIAISON, world.street_a, "街道联络员")
    task = make_task(world)
    mine = assigned(world, task=task)
    other = assigned(world, task=task, unit=world.district_a)
    unseen = make_task(world, title="未交办给街道的任务")
    assert set(TaskAssignment.objects.visible_to(street_liaison, Perm.VIEW)) == {mine}
    assert set(Task.objects.visible_to(street_liaison, Perm.VIEW)) == {task}
    assert unseen not in Task.objects.visible_to(world.liaison_b, Perm.VIEW)
    assert "sign" in services.available_actions(street_liaison, mine)
    assert services.available_actions(street_liaison, other) == []


def test_the_tasks_above_an_assigned_sub_task_are_seen_but_not_their_other_parts(world: World) -> None:
    street_liaison = make_user("liaison_s", Role.LIAISON, world.street_a, "街道联络员")
    top = make_task(world, title="总任务")
    middle = make_task(world, title="分解任务", parent=top, due_on=top.due_on)
    leaf = make_task(world, title="细化任务", parent=middle, due_on=top.due_on)
    sibling = make_task(world, title="其他分解任务", parent=top, due_on=top.due_on)
    assigned(world, task=leaf)
    assigned(world, task=sibling, unit=world.district_a)
    assert set(Task.objects.visible_to(street_liaison, Perm.VIEW)) == {top, middle, leaf}
    assert not Task.objects.visible_to(world.liaison_b, Perm.VIEW).filter(pk__in=[top.pk, middle.pk, leaf.pk]).exists()
