"""Boards of 10,000 assignments: one action assigns them all, and a page takes a bounded number of queries
whatever the rows (the time they take is measured in bench/bench_tasks.py, not here)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.orgs.models import UnitKind
from luoshi.tasks import services
from luoshi.tasks.choices import AssignRole
from luoshi.tasks.tests.factory import bulk_streets, make_task
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_board_of_ten_thousand_assignments(client: Client, world: World, django_assert_max_num_queries) -> None:
    bulk_streets(world, 10_000)
    task = make_task(world)
    kind = UnitKind.objects.get(code="street")
    result = services.assign(
        world.office_a, task, kind=kind, root=world.district_a, role=AssignRole.LEAD, due_on=task.due_on
    )
    assert result.count == 10_001
    verified_login(client, world.office_a)
    for url in (
        reverse("tasks:detail", args=[task.pk]) + "?page=150",
        reverse("tasks:assignments") + "?state=pending_sign",
    ):
        with django_assert_max_num_queries(30):
            page = client.get(url)
        assert page.status_code == 200
        assert "共 10001 项交办" in page.content.decode()
