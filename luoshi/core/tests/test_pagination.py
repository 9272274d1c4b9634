"""The shared paginator: deep pages equal the OFFSET result, no unbounded COUNT, bad page values are page 1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.core import pagination
from luoshi.core.pagination import Paginator
from luoshi.problems.models import Problem
from luoshi.testing.problems import new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
LIST = reverse("problems:list")


@pytest.fixture
def tied(world: World) -> list[Problem]:
    """23 problems whose deadlines repeat (ties in the sort key)."""
    today = dt.date.today()
    return [new_problem(world, title=f"分页{i:02d}", deadline=today + dt.timedelta(days=10 + i % 4)) for i in range(23)]


def page_ids(params: str, ordering: tuple[str, ...] = ("deadline", "-id"), per_page: int = 5) -> list[int]:
    page = Paginator(Problem.objects.all(), ordering, per_page).page(QueryDict(params))
    return [p.pk for p in page]


def offset_ids(start: int, stop: int, ordering: tuple[str, ...] = ("deadline", "-id")) -> list[int]:
    return list(Problem.objects.order_by(*ordering).values_list("pk", flat=True)[start:stop])


def test_every_page_equals_the_offset_result_with_ties_in_the_sort_key(tied: list[Problem]) -> None:
    for number in range(1, 6):
        start = (number - 1) * 5
        assert page_ids(f"page={number}") == offset_ids(start, start + 5)
        assert page_ids(f"page={number}", ("-deadline", "-id")) == offset_ids(start, start + 5, ("-deadline", "-id"))
    assert len(page_ids("page=5")) == 3


def test_cursors_walk_the_same_rows_as_the_pages(tied: list[Problem]) -> None:
    first = page_ids("page=1")
    after = page_ids(f"after={first[-1]}")
    assert after == offset_ids(5, 10)
    assert page_ids(f"before={after[0]}") == first
    assert page_ids("last=1") == offset_ids(20, 23)


def test_bad_page_values_are_page_one_or_the_last(tied: list[Problem]) -> None:
    first = offset_ids(0, 5)
    for bad in ("0", "-1", "1e30", "abc", "", "1.5", "9" * 40, "after=x"):
        assert page_ids(f"page={bad}") == first
    assert page_ids("page=999") == offset_ids(20, 23)
    assert page_ids("after=999999") == first  # a row that is gone


def test_a_deep_page_runs_no_count_over_the_whole_table(tied: list[Problem], monkeypatch: Any) -> None:
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 10)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(Problem.objects.all(), ("deadline", "-id"), 5).page(QueryDict("page=2"))
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 11" in sql for sql in counts)
    assert not page.exact
    assert page.num_pages == 2
    assert page.next_link.endswith(f"after={page.rows[-1].pk}")  # past the counted rows: cursors


def test_list_pages_answer_bad_pages_without_error(client: Client, world: World, tied: list[Problem]) -> None:
    verified_login(client, world.office_a)
    for bad in ("0", "-1", "1e30", "abc", "99999999999999999999999", "%00"):
        for url in (LIST, reverse("demands:list"), reverse("reports:list"), reverse("jobs:list")):
            response = client.get(url, {"page": bad, "after": bad, "before": bad})
            assert response.status_code == 200, (url, bad)
    response = client.get(LIST, {"page": "abc"})
    assert [p.pk for p in response.context["page"]] == offset_ids(0, 50, ("-id",))


def test_the_list_offers_a_jump_to_page_box(client: Client, world: World) -> None:
    for i in range(53):
        new_problem(world, title=f"跳页{i:02d}")
    verified_login(client, world.office_a)
    html = client.get(LIST, {"state": "pending_claim"}).content.decode()
    assert 'name="page" id="pager-jump"' in html
    assert '<input type="hidden" name="state" value="pending_claim">' in html
    second = client.get(LIST, {"state": "pending_claim", "page": "2"})
    assert len(second.context["page"].rows) == 3
