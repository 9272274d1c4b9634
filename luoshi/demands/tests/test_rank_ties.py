"""Ties in the ranking (三率排名): shared ranks, and no unit named among the lowest while it ties with the top."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.demands import rates, rollups
from luoshi.demands.models import Category
from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
OCTOBER = rates.Period.month(2026, 10)


def scored(unit: Unit, on_time: int) -> None:
    """Ten tickets of October, all resolved, ``on_time`` of them answered in time (10 → a score of 100)."""
    category = Category.objects.order_by("pk").first()
    assert category is not None
    counts = {"received": 10, "response_due": 10, "responded_on_time": on_time, "finished": 10, "resolved": 10}
    key = rollups.RollupKey(dt.date(2026, 10, 5), unit.pk, category.pk, 0, 0, unit.path)
    rollups.add_new([rollups.Facts(key, tuple(counts.get(name, 0) for name in rollups.COUNTS))])


def districts(world: World, n: int) -> list[Unit]:
    kind = world.district_a.kind
    more = [
        create_unit(None, name=f"第{i:02d}区", code=f"DT{i:02d}", kind=kind, parent=world.city) for i in range(n - 2)
    ]
    return [world.district_a, world.district_b, *more]


def ranks(rows: list[Any]) -> list[int | None]:
    return [r.rank for r in rows]


def test_many_ties_at_100_name_nobody_tied_with_the_top(world: World) -> None:
    units = districts(world, 12)
    for unit in units[:10]:
        scored(unit, 10)
    scored(units[10], 9)
    scored(units[11], 8)
    rows = rates.ranking(world.city, OCTOBER)
    assert ranks(rows) == [1] * 10 + [11, 12]
    assert [r.entity for r in rates.lowest_named(rows)] == [units[11], units[10]]


def test_all_tied_names_nobody(world: World) -> None:
    for unit in districts(world, 8):
        scored(unit, 10)
    rows = rates.ranking(world.city, OCTOBER)
    assert ranks(rows) == [1] * 8
    assert rates.lowest_named(rows) == []


def test_a_tie_at_the_cut_names_every_unit_tied_there(world: World) -> None:
    units = districts(world, 7)
    for unit, on_time in zip(units, (10, 10, 9, 7, 7, 7, 7), strict=True):
        scored(unit, on_time)
    rows = rates.ranking(world.city, OCTOBER)
    assert ranks(rows) == [1, 1, 3, 4, 4, 4, 4]
    assert {r.entity for r in rates.lowest_named(rows)} == set(units[3:])
    assert not rows[2].lowest  # four units score below it


def test_competition_ranks_and_the_lowest_three(world: World) -> None:
    units = districts(world, 6)
    for unit, on_time in zip(units, (10, 9, 9, 8, 7, 6), strict=True):
        scored(unit, on_time)
    rows = rates.ranking(world.city, OCTOBER)
    assert ranks(rows) == [1, 2, 2, 4, 5, 6]
    assert [r.entity for r in rates.lowest_named(rows)] == [units[5], units[4], units[3]]


def test_the_banner_names_no_unit_with_a_perfect_score(client: Client, world: World) -> None:
    units = districts(world, 6)
    for unit in units[:5]:
        scored(unit, 10)
    scored(units[5], 5)
    verified_login(client, world.dispatcher_city)
    html = client.get(reverse("demand_rates:ranking"), {"month": "2026-10"}).content.decode()
    banner = html[html.index("末三位") : html.index("</div>", html.index("末三位"))]
    assert units[5].name in banner
    assert "第 6 名" in banner
    for unit in units[:5]:
        assert unit.name not in banner
