"""API lists and details make a constant number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.problems import services
from luoshi.problems.models import Problem
from luoshi.testing.problems import new_problem, rectifying
from luoshi.testing.world import World


def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _busy_problem(world: World, measures: int) -> Problem:
    problem = rectifying(world, responsible_leader=world.leader_a)
    for n in range(measures):
        services.add_measure(
            world.leader_a, problem, text=f"措施{n}", owner_unit=world.district_a, deadline=problem.deadline
        )
    return problem


def test_problem_list_is_constant(world: World, django_assert_max_num_queries: Any) -> None:
    group = services.create_problem_class(world.office_a, campaign=world.campaign, unit=world.district_a, name="类")
    client = api(world.office_city)
    for _ in range(2):
        rectifying(world, problem_class=group)
    few = _queries(client, "/api/v1/problems/")
    for _ in range(15):
        rectifying(world, problem_class=group, unit=world.street_a)
    assert _queries(client, "/api/v1/problems/") == few
    with django_assert_max_num_queries(4):
        client.get("/api/v1/problems/")


def test_problem_detail_is_constant(world: World, django_assert_max_num_queries: Any) -> None:
    client = api(world.leader_a)
    small, big = _busy_problem(world, 1), _busy_problem(world, 12)
    assert _queries(client, f"/api/v1/problems/{small.pk}/") == _queries(client, f"/api/v1/problems/{big.pk}/")
    with django_assert_max_num_queries(5):
        client.get(f"/api/v1/problems/{big.pk}/")


def test_other_lists_are_constant(world: World, django_assert_max_num_queries: Any) -> None:
    client = api(world.office_a)
    urls = ["/api/v1/measures/", "/api/v1/extensions/", "/api/v1/problem-classes/"]
    _seed(world, 1)
    few = [_queries(client, url) for url in urls]
    _seed(world, 8)
    assert [_queries(client, url) for url in urls] == few
    for url in urls:
        with django_assert_max_num_queries(4):
            client.get(url)


def test_event_timeline_is_constant(world: World) -> None:
    client = api(world.liaison_a)
    quiet, busy = new_problem(world), _busy_problem(world, 6)
    assert _queries(client, f"/api/v1/problems/{quiet.pk}/events/") == _queries(
        client, f"/api/v1/problems/{busy.pk}/events/"
    )


def _seed(world: World, n: int) -> None:
    for i in range(n):
        problem = _busy_problem(world, 2)
        services.request_extension(
            world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=5), reason="理由"
        )
        services.create_problem_class(world.office_a, campaign=world.campaign, unit=world.district_a, name=f"类{i}{n}")
