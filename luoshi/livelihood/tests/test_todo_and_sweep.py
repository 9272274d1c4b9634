"""我的待办 of livelihood projects, counted like the list, and the daily sweep of lights as a job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luoshi.jobs.models import JobStatus
from luoshi.livelihood import tasks, todo
from luoshi.livelihood.models import LivelihoodProject
from luoshi.livelihood.tests import helpers
from luoshi.testing.world import World
from luoshi.tracking.choices import Light

pytestmark = pytest.mark.django_db


def test_each_role_counts_what_the_list_shows(world: World) -> None:
    helpers.new_project(world, deadline=timezone.localdate() - dt.timedelta(days=3), title="逾期项目")
    helpers.completed(world, title="待测评")
    helpers.new_project(
        world, title="西城红灯", unit=world.district_b, actor=world.office_b, deadline=dt.date(2020, 1, 1)
    )
    office_items = dict(todo.ROLE_ITEMS[todo.Role.OFFICE])
    red = next(label for label in office_items if "红灯" in str(label))
    assert todo.TODOS.count(world.office_a, office_items[red](world.office_a)) == 1
    waiting = next(label for label in office_items if "测评" in str(label))
    assert todo.TODOS.count(world.office_a, office_items[waiting](world.office_a)) == 1
    assert todo.TODOS.count(world.office_city, office_items[red](world.office_city)) == 2
    assert todo.filtered_projects(world.liaison_b, todo.IN_PROGRESS).count() == 1


def test_the_daily_sweep_turns_lights_and_records_a_job(world: World) -> None:
    project = helpers.new_project(world, deadline=timezone.localdate() + dt.timedelta(days=10))
    assert project.light == Light.GREEN
    job = tasks.run_refresh_lights(on=timezone.localdate() + dt.timedelta(days=11))
    assert job.status == JobStatus.SUCCEEDED
    assert (job.result or {})["red"] == 1
    assert LivelihoodProject.objects.get().light == Light.RED
