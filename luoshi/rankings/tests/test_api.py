"""The ranking API: published rankings with rows, hash, changes and flags, and schemes; scoped, bad input 400."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from luoshi.rankings import services
from luoshi.rankings.tests.helpers import city_scheme, district_scheme, this_month, two_months
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rankings_come_with_rows_hash_changes_and_flags(world: World) -> None:
    _first, second, (_s1, _s2, s3) = two_months(world)
    found = api(world.liaison_a).get(f"/api/v1/rankings/{second.pk}/")
    assert found.status_code == 200
    body = found.json()
    assert body["content_hash"] == second.content_hash
    assert body["flagged"] == [s3.pk]
    assert body["weights"] == {"closure_rate": 100.0}
    assert {r["unit_id"]: r["change"] for r in body["rows"]}[s3.pk] == 0
    listed = api(world.liaison_a).get("/api/v1/rankings/", {"campaign": world.campaign.pk})
    assert [r["id"] for r in listed.json()["results"]] == [second.pk, _first.pk]
    only = api(world.liaison_a).get("/api/v1/rankings/", {"period": this_month().key})
    assert [r["id"] for r in only.json()["results"]] == [second.pk]


def test_schemes_are_listed_and_retrieved_in_scope(world: World) -> None:
    scheme = district_scheme(world)
    city = city_scheme(world)
    found = api(world.liaison_a).get(f"/api/v1/ranking-schemes/{scheme.pk}/").json()
    assert found["weights"] == {"closure_rate": 100.0, "on_time_rate": 0.0, "task_progress": 0.0, "demand_score": 0.0}
    mine = {s["id"] for s in api(world.office_b).get("/api/v1/ranking-schemes/").json()["results"]}
    assert mine == {city.pk}
    assert api(world.office_b).get(f"/api/v1/ranking-schemes/{scheme.pk}/").status_code == 404


def test_rankings_outside_scope_are_404_and_absent(world: World) -> None:
    mine = services.publish(world.office_a, district_scheme(world), period=this_month())
    city = services.publish(world.office_city, city_scheme(world), period=this_month())
    listed = {r["id"] for r in api(world.office_b).get("/api/v1/rankings/").json()["results"]}
    assert listed == {city.pk}
    assert api(world.office_b).get(f"/api/v1/rankings/{mine.pk}/").status_code == 404
    assert api(world.secadmin).get("/api/v1/rankings/").status_code == 403


@pytest.mark.parametrize("query", [{"campaign": "abc"}, {"scheme": "1" * 30}, {"campaign": "-3"}, {"period": "x" * 20}])
def test_bad_filters_are_400(world: World, query: dict[str, str]) -> None:
    assert api(world.office_a).get("/api/v1/rankings/", query).status_code == 400


def test_bad_ids_are_404_never_500(world: World) -> None:
    assert api(world.office_a).get("/api/v1/rankings/0.5/").status_code == 404
    assert api(world.office_a).get(f"/api/v1/ranking-schemes/{'9' * 30}/").status_code == 404
    assert api(world.office_a).get("/api/v1/ranking-schemes/", {"campaign": "1.5"}).status_code == 400
