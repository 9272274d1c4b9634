"""How a scope reaches the database: the same rows either way, and on SQLite a top-level scope that does not
keep a list from being read in the order of its own index (a million tickets: 2 s of sorting otherwise)."""

from __future__ import annotations

import pytest
from django.db import connection

from luoshi.access.roles import Perm
from luoshi.demands.models import Demand
from luoshi.demands.tests.lifecycle import dispatched, received
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def plan(user: object) -> str:
    ids = Demand.objects.visible_to(user, Perm.VIEW_DEMANDS).order_by("-received_at", "-id").values("pk")[:50]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_top_level_and_district_scopes_see_the_same_rows_as_their_subtrees(world: World) -> None:
    mine = received(world, title="东城")
    theirs = dispatched(world, unit=world.district_b, title="西城")
    city = set(Demand.objects.visible_to(world.office_city, Perm.VIEW_DEMANDS).values_list("pk", flat=True))
    district = set(Demand.objects.visible_to(world.office_b, Perm.VIEW_DEMANDS).values_list("pk", flat=True))
    assert city == {mine.pk, theirs.pk}
    assert district == {theirs.pk}


def test_on_sqlite_a_top_level_list_is_read_in_its_order_and_a_district_list_by_its_path(world: World) -> None:
    if connection.vendor != "sqlite":
        assert "demands_demand" in plan(world.office_city)  # PostgreSQL plans by its statistics: nothing forced
        return
    city, district = plan(world.office_city), plan(world.office_b)
    assert "TEMP B-TREE" not in city
    assert "receive" in city
    assert "org_pat" in district
