"""The calendar API: list with filters, retrieve, create with the structured 409, the dry run, cancel, the rules;
scope and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.campaigns.models import Campaign
from luoshi.testing.world import World
from luoshi.visits.models import Visit, VisitRule
from luoshi.visits.tests.helpers import DAY, file

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "campaign": world.campaign.pk,
        "unit": world.street_a.pk,
        "date": "2026-03-03",
        "headcount": 4,
        "team": "张三、李四",
        "organiser": "第二督导组",
        "organiser_key": "group:2",
        "kinds": ["hears", "checks"],
        **changes,
    }


def test_create_warns_with_a_409_and_takes_the_reason_on_resend(world: World) -> None:
    file(world, world.street_a, DAY)
    file(world, world.street_a, DAY + dt.timedelta(days=1))
    client = api(world.liaison_a)
    refused = client.post("/api/v1/visits/", body(world), format="json")
    assert refused.status_code == 409
    data = refused.json()
    assert data["code"] == "needs_reason"
    assert data["detail"]
    assert data["warnings"] == [
        {
            "kind": "unit_window",
            "action": "warn",
            "limit": 3,
            "window_days": 14,
            "count": 3,
            "message": "该单位 14 天内将被走访 3 次（提醒线 3 次）。",
        }
    ]
    made = client.post("/api/v1/visits/", body(world, override_reason="专项整治回头看"), format="json")
    assert made.status_code == 201
    assert made.json()["override_reason"] == "专项整治回头看"
    assert made.json()["kinds"] == ["hears", "checks"]
    assert made.json()["warnings"][0]["kind"] == "unit_window"


def test_create_blocked_and_bad_input(world: World) -> None:
    client = api(world.office_city)
    assert client.put(
        f"/api/v1/visit-rules/?campaign={world.campaign.pk}",
        {"rules": [{"kind": "party_size", "action": "block"}]},
        format="json",
    ).json()[2] == {"kind": "party_size", "limit": 10, "window_days": 0, "action": "block", "enabled": True}
    blocked = client.post("/api/v1/visits/", body(world, headcount=11, override_reason="确需"), format="json")
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "blocked"
    assert blocked.json()["warnings"][0]["kind"] == "party_size"
    for bad in (
        {"campaign": "abc"},
        {"unit": 10**30},
        {"date": "2026-02-30"},
        {"date": "2027-01-01"},
        {"headcount": "many"},
        {"headcount": 0},
        {"kinds": ["sings"]},
        {"team": "甲\x00乙"},
    ):
        assert client.post("/api/v1/visits/", body(world, **bad), format="json").status_code == 400, bad
    assert not Visit.objects.exists()


def test_scope_list_retrieve_create(world: World) -> None:
    visit = file(world, world.street_a, DAY)
    b_visit = file(world, world.district_b, DAY)
    office_b = api(world.office_b)
    assert [v["id"] for v in office_b.get("/api/v1/visits/").json()["results"]] == [b_visit.pk]
    assert office_b.get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    assert office_b.post(f"/api/v1/visits/{visit.pk}/cancel/", {}, format="json").status_code == 404
    assert office_b.post("/api/v1/visits/", body(world), format="json").status_code == 400  # unit unknown to B
    assert api(world.liaison_b).post("/api/v1/visits/", body(world), format="json").status_code == 400
    assert api(world.auditor).get("/api/v1/visits/").status_code == 403
    assert office_b.get("/api/v1/visits/0.5/").status_code == 404


def test_list_filters(world: World) -> None:
    early = file(world, world.street_a, DAY, key="group:1")
    later = file(world, world.district_a, DAY + dt.timedelta(days=30), key="plan:4")
    client = api(world.office_city)

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/v1/visits/?{query}")
        assert answer.status_code == 200, answer.content
        return [v["id"] for v in answer.json()["results"]]

    assert ids(f"campaign={world.campaign.pk}") == [later.pk, early.pk]
    assert ids(f"unit={world.street_a.pk}") == [early.pk]
    assert ids(f"unit={world.district_a.pk}") == [later.pk, early.pk]
    assert ids("from=2026-03-10") == [later.pk]
    assert ids("to=2026-03-10") == [early.pk]
    assert ids("organiser_key=plan:4") == [later.pk]
    for bad in ("campaign=abc", "unit=1e9", "from=2026-13-01", "to=yesterday", f"unit={10**30}"):
        assert client.get(f"/api/v1/visits/?{bad}").status_code == 400, bad
    assert client.get(f"/api/v1/visits/{early.pk}/").json()["unit_name"] == "东城街道"


def test_check_is_a_dry_run(world: World) -> None:
    file(world, world.street_a, DAY)
    client = api(world.liaison_a)
    data = {"campaign": world.campaign.pk, "unit": world.street_a.pk, "date": "2026-03-02", "headcount": 12}
    answer = client.post("/api/v1/visits/check/", data, format="json")
    assert answer.status_code == 200
    assert [h["kind"] for h in answer.json()["hits"]] == ["party_size"]
    assert answer.json()["needs_reason"] is True
    assert answer.json()["blocked"] is False
    assert Visit.objects.count() == 1
    assert client.post("/api/v1/visits/check/", {**data, "headcount": "x"}, format="json").status_code == 400
    assert api(world.liaison_b).post("/api/v1/visits/check/", data, format="json").status_code == 400


def test_cancel(world: World) -> None:
    visit = file(world, world.street_a, DAY)
    client = api(world.liaison_a)
    answer = client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": "改期"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["state"] == "cancelled"
    assert client.post(f"/api/v1/visits/{visit.pk}/cancel/", {}, format="json").status_code == 400


def test_rules_read_and_set(world: World) -> None:
    url = f"/api/v1/visit-rules/?campaign={world.campaign.pk}"
    rules = api(world.liaison_a).get(url).json()
    assert [r["kind"] for r in rules] == ["unit_window", "unit_year", "party_size", "county_month"]
    put = {"rules": [{"kind": "unit_window", "limit": 5, "window_days": 7}]}
    assert api(world.liaison_a).put(url, put, format="json").status_code == 403
    assert api(world.office_a).put(url, put, format="json").status_code == 403
    assert api(world.office_city).put(url, put, format="json").json()[0]["limit"] == 5
    assert VisitRule.objects.get().window_days == 7
    assert api(world.office_city).put(url, {"rules": [{"kind": "x", "limit": 1}]}, format="json").status_code == 400
    assert api(world.office_city).get("/api/v1/visit-rules/?campaign=abc").status_code == 400
    assert api(world.office_city).get("/api/v1/visit-rules/?campaign=999999").status_code == 404
    assert api(world.auditor).get(url).status_code == 403
    own = Campaign.objects.create(
        name="东城专项", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    assert api(world.office_a).get(f"/api/v1/visit-rules/?campaign={own.pk}").status_code == 200
    assert api(world.office_b).get(f"/api/v1/visit-rules/?campaign={own.pk}").status_code == 404
    assert api(world.office_b).put(f"/api/v1/visit-rules/?campaign={own.pk}", put, format="json").status_code == 404


def test_schema_has_no_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.visits.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/visits/",
        "/api/v1/visits/{id}/",
        "/api/v1/visits/{id}/cancel/",
        "/api/v1/visits/check/",
        "/api/v1/visit-rules/",
    }
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
