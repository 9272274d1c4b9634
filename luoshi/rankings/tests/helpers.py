"""Helpers of the ranking tests: streets under district A with problems, schemes and periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.rankings import periods, services
from luoshi.rankings.choices import Cycle
from luoshi.rankings.models import RankingScheme
from luoshi.testing.problems import closed, new_problem
from luoshi.testing.world import World

CLOSURE_ONLY = {"closure_rate": 100}


def this_month() -> periods.Period:
    today = timezone.localdate()
    return periods.month(today.year, today.month)


def last_month() -> periods.Period:
    return periods.last_complete(Cycle.MONTHLY, timezone.localdate())


def streets(world: World, count: int = 3) -> list[Unit]:
    """District A's street and ``count - 1`` more, in path order."""
    found = [world.street_a]
    for n in range(2, count + 1):
        found.append(
            create_unit(None, name=f"东城第{n}街道", code=f"S00{n}", kind=world.street_a.kind, parent=world.district_a)
        )
    return found


def closed_at(world: World, unit: Unit, n: int = 1) -> None:
    for _ in range(n):
        closed(world, unit=unit, title="已销号问题")


def open_at(world: World, unit: Unit, n: int = 1) -> None:
    for _ in range(n):
        new_problem(world, unit=unit, title="未销号问题")


def district_scheme(world: World, weights: dict[str, Any] | None = None, **kw: Any) -> RankingScheme:
    """District A's office ranks its streets in the city's campaign."""
    return services.create_scheme(
        world.office_a,
        campaign=world.campaign,
        name=kw.pop("name", "东城街道晾晒"),
        unit=world.district_a,
        weights=CLOSURE_ONLY if weights is None else weights,
        **kw,
    )


def city_scheme(world: World, weights: dict[str, Any] | None = None, **kw: Any) -> RankingScheme:
    """The city's office ranks its districts."""
    return services.create_scheme(
        world.office_city,
        campaign=world.campaign,
        name=kw.pop("name", "全市区县晾晒"),
        unit=world.city,
        weights=CLOSURE_ONLY if weights is None else weights,
        **kw,
    )


def two_months(world: World) -> tuple[Any, Any, list[Unit]]:
    """Three streets ranked last month (100 / 50 / 0) and this month (50 / 50 / 0): the third last twice."""
    s1, s2, s3 = streets(world)
    closed_at(world, s1)
    closed_at(world, s2)
    open_at(world, s2)
    open_at(world, s3)
    scheme = district_scheme(world)
    first = services.publish(world.office_a, scheme, period=last_month())
    open_at(world, s1)
    second = services.publish(world.office_a, scheme, period=this_month())
    return first, second, [s1, s2, s3]


def by_unit(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["unit_id"]: row for row in rows}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
