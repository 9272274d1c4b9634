"""The research API: directions, topics, plans with their filters, the one actions endpoint, visits and conversions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.research.choices import PlanState
from luoshi.research.tests.factory import QUESTIONS, VISIT_DAY, fresh, in_state, topic
from luoshi.testing.problems import png
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/research-plans/"


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(user: Any, item: Any, name: str, fmt: str = "json", **data: Any) -> Any:
    return api(user).post(f"{PLANS}{item.pk}/actions/{name}/", data, format=fmt)


def test_directions_and_topics_are_listed_created_and_updated(world: World) -> None:
    made = api(world.office_city).post(
        "/api/v1/research-directions/", {"campaign": world.campaign.pk, "name": "基层减负"}, format="json"
    )
    assert made.status_code == 201, made.json()
    body = {
        "campaign": world.campaign.pk,
        "direction": made.json()["id"],
        "title": "迎检过多",
        "is_counter_example": True,
    }
    created = api(world.office_city).post("/api/v1/research-topics/", body, format="json")
    assert created.status_code == 201
    assert created.json()["is_counter_example"] is True
    assert api(world.liaison_a).post("/api/v1/research-topics/", body, format="json").status_code == 403
    assert (
        api(world.office_a).post("/api/v1/research-topics/", {**body, "title": "x"}, format="json").status_code == 403
    )
    listed = api(world.liaison_b).get("/api/v1/research-topics/", {"counter_example": "true"}).json()
    assert [t["title"] for t in listed["results"]] == ["迎检过多"]
    pk = created.json()["id"]
    changed = api(world.office_city).put(f"/api/v1/research-topics/{pk}/", {"title": "迎检过多的成因"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["direction"] is None
    assert api(world.office_a).put(f"/api/v1/research-topics/{pk}/", {"title": "改"}, format="json").status_code == 403
    assert api(world.office_city).get("/api/v1/research-topics/", {"campaign": "abc"}).status_code == 400
    assert api(world.secadmin).get("/api/v1/research-topics/").status_code == 403


def test_a_plan_is_created_updated_and_moved_through_the_api(world: World) -> None:
    chosen = topic(world)
    body = {
        "campaign": world.campaign.pk,
        "topic": chosen.pk,
        "unit": world.district_a.pk,
        "title": "关于村级减负的调研",
        "questions": ["一问"],
        "due_date": "2026-10-31",
    }
    created = api(world.liaison_a).post(PLANS, body, format="json")
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["state"] == "draft"
    assert "submit" not in plan["allowed_actions"]
    url = f"{PLANS}{plan['id']}/"
    updated = api(world.liaison_a).put(url, {**body, "questions": "\n".join(QUESTIONS), "version": 1}, format="json")
    assert updated.status_code == 200
    assert updated.json()["questions"] == QUESTIONS
    stale = api(world.liaison_a).put(url, {**body, "version": 1}, format="json")
    assert stale.status_code == 409
    item = fresh(chosen.plans.get())
    assert act(world.liaison_a, item, "submit", version=item.version).status_code == 200
    assert act(world.office_a, item, "return", comments="").status_code == 400
    returned = act(world.office_a, item, "return", comments="请细化")
    assert returned.json()["state"] == "returned"
    assert returned.json()["reviews"][0]["decision"] == "returned"
    act(world.liaison_a, item, "submit")
    assert act(world.office_a, item, "approve").json()["state"] == "approved"
    assert act(world.office_b, item, "start").status_code == 404
    assert act(world.office_a, item, "start").status_code == 403
    assert act(world.liaison_a, item, "start").json()["state"] == "fieldwork"
    assert act(world.liaison_a, item, "report", summary="成果").status_code == 400
    reported = act(world.liaison_a, item, "report", fmt="multipart", summary="成果", files=[png("报告.png")])
    assert reported.status_code == 200, reported.json()
    converted = act(world.office_a, item, "convert_task", title="建立准入制度", due_on="2026-11-30")
    assert converted.json()["state"] == "converted"
    assert converted.json()["conversions"][0]["task"]
    problem: dict[str, Any] = {
        "title": "报表重复",
        "channel": world.channels[0].pk,
        "aspect": world.aspects[0].pk,
        "deadline": "2026-12-30",
    }
    assert len(act(world.liaison_a, item, "convert_problem", **problem).json()["conversions"]) == 2
    assert act(world.liaison_a, item, "nonsense").status_code == 404
    assert api(world.office_b).get(url).status_code == 404
    assert api(world.office_b).get(PLANS).json()["count"] == 0
    assert api(world.office_a).get(PLANS, {"state": "converted", "topic": str(chosen.pk)}).json()["count"] == 1


def test_a_visit_warning_is_a_structured_answer_overridden_with_a_reason(world: World) -> None:
    plan = in_state(world, PlanState.APPROVED)
    data: dict[str, Any] = {"unit": world.street_a.pk, "headcount": 3, "kinds": ["looks"]}
    for day in (VISIT_DAY, VISIT_DAY + dt.timedelta(days=1)):
        assert act(world.liaison_a, plan, "file_visit", date=day.isoformat(), **data).status_code == 201
    third: dict[str, Any] = {**data, "date": (VISIT_DAY + dt.timedelta(days=2)).isoformat()}
    warned = act(world.liaison_a, plan, "file_visit", **third)
    assert warned.status_code == 409
    assert warned.json()["code"] == "needs_reason"
    assert warned.json()["warnings"][0]["kind"] == "unit_window"
    passed = act(world.liaison_a, plan, "file_visit", override_reason="回访", **third)
    assert passed.status_code == 201
    assert passed.json()["override_reason"] == "回访"


def test_bad_input_is_a_400(world: World) -> None:
    chosen = topic(world)
    body = {
        "campaign": world.campaign.pk,
        "topic": chosen.pk,
        "unit": world.district_a.pk,
        "title": "调研\x00方案",
        "due_date": "2026-10-31",
    }
    assert api(world.liaison_a).post(PLANS, body, format="json").status_code == 400
    assert api(world.liaison_a).post(PLANS, {**body, "title": "好", "topic": "x"}, format="json").status_code == 400
    assert (
        api(world.liaison_a)
        .post(PLANS, {**body, "title": "好", "unit": world.district_b.pk}, format="json")
        .status_code
        == 400
    )
    assert (
        api(world.liaison_a).post(PLANS, {**body, "title": "好", "due_date": "2030-01-01"}, format="json").status_code
        == 400
    )
    assert api(world.liaison_a).get(PLANS, {"unit": "abc"}).status_code == 400
    assert api(world.liaison_a).get(f"{PLANS}0.5/").status_code == 404
    assert api(world.office_a).post(PLANS, {**body, "title": "好"}, format="json").status_code == 403
