"""The study plan API (``/api/v1/study-plans/``) and the study list of the four lists fed by approved plans (page,
workbook and ``/api/v1/four-lists/``)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.fourlists import services as fourlists_services
from luoshi.study.choices import PlanState
from luoshi.study.models import StudyPlan
from luoshi.study.tests.plan_factory import fresh, held_session, in_state
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/study-plans/"
ITEM = {"topic": "学习党的二十届四中全会精神", "planned_date": "2026-05-06", "half_days": 2, "form": "central"}


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(user: Any, plan: Any, name: str, **data: Any) -> Any:
    return api(user).post(f"{PLANS}{plan.pk}/actions/{name}/", data, format="json")


def test_plans_are_created_listed_and_updated(world: World) -> None:
    body = {
        "campaign": world.campaign.pk,
        "unit": world.district_a.pk,
        "title": "东城学习计划",
        "due_date": "2026-11-30",
        "items": [ITEM],
    }
    made = api(world.liaison_a).post(PLANS, body, format="json")
    assert made.status_code == 201, made.json()
    shown = made.json()
    assert shown["state"] == "draft"
    assert shown["items"][0]["half_days"] == 2
    assert set(shown["allowed_actions"]) == {"submit", "edit"}
    assert api(world.leader_a).post(PLANS, body, format="json").status_code == 403
    assert api(world.liaison_b).post(PLANS, body, format="json").status_code == 400  # district A is not theirs
    pk = shown["id"]
    changed = api(world.liaison_a).put(
        f"{PLANS}{pk}/", {"title": "改", "due_date": "2026-10-01", "items": [], "version": 1}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["items"] == []
    stale = api(world.liaison_a).put(f"{PLANS}{pk}/", {"title": "再改", "due_date": "2026-10-01", "version": 1})
    assert stale.status_code == 409
    assert api(world.office_b).get(f"{PLANS}{pk}/").status_code == 404
    assert [p["id"] for p in api(world.office_city).get(PLANS, {"state": "draft"}).json()["results"]] == [pk]
    assert api(world.office_b).get(PLANS).json()["results"] == []
    assert api(world.secadmin).get(PLANS).status_code == 403


@pytest.mark.parametrize(
    "params",
    [{"campaign": "abc"}, {"unit": "1e30"}, {"campaign": "9" * 30}, {"state": "lost"}, {"unit": "-3"}],
)
def test_bad_numbers_in_the_list_are_400(world: World, params: dict[str, str]) -> None:
    assert api(world.office_city).get(PLANS, params).status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"campaign": "abc"},
        {"unit": 10**30},
        {"due_date": "2026-13-40"},
        {"items": [{**ITEM, "half_days": 0}]},
        {"items": [{**ITEM, "half_days": "1e9"}]},
        {"items": [{**ITEM, "form": "party"}]},
        {"items": "不是列表"},
        {"title": "含\x00字符"},
        {"due_date": "2030-01-01"},
    ],
)
def test_bad_input_is_400_and_nothing_is_stored(world: World, change: dict[str, Any]) -> None:
    body = {"campaign": world.campaign.pk, "unit": world.district_a.pk, "title": "计划", "due_date": "2026-11-30"}
    answer = api(world.liaison_a).post(PLANS, {**body, **change}, format="json")
    assert answer.status_code == 400, answer.content
    assert not StudyPlan.objects.exists()


def test_actions_move_the_plan_with_versions_and_refusals(world: World) -> None:
    plan = in_state(world, PlanState.DRAFT)
    assert act(world.liaison_a, plan, "submit", version=plan.version + 5).status_code == 409
    assert act(world.liaison_a, plan, "submit", version=plan.version).status_code == 200
    assert act(world.liaison_a, plan, "approve").status_code == 403
    assert act(world.office_a, plan, "return", comments="").status_code == 400
    assert act(world.office_a, plan, "nonsense").status_code == 404
    assert act(world.office_b, plan, "approve").status_code == 404
    approved = act(world.office_a, plan, "approve", comments="同意")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    first, second = fresh(plan).items.order_by("order")
    session = held_session(world)
    assert act(world.liaison_a, plan, "mark_done", item="abc").status_code == 400
    assert act(world.liaison_a, plan, "mark_done", item=987654321).status_code == 400
    assert act(world.liaison_a, plan, "mark_done", item=first.pk, session=987654321).status_code == 400
    marked = act(world.liaison_a, plan, "mark_done", item=first.pk, session=session.pk)
    assert marked.status_code == 200
    assert [i["done"] for i in marked.json()["items"]] == [True, False]
    done = act(world.liaison_a, plan, "mark_done", item=second.pk)
    assert done.json()["state"] == "done"
    other = in_state(world, PlanState.APPROVED)
    assert act(world.liaison_a, other, "complete", note="提前完成").json()["state"] == "done"


# --- the study list of the four lists -------------------------------------------------------------------------------


def _study_list(world: World) -> tuple[Any, Any]:
    approved = in_state(world, PlanState.APPROVED, title="东城学习计划")
    in_state(world, PlanState.SUBMITTED, title="待审核计划")
    first = approved.items.get(order=1)
    from luoshi.study import plans

    plans.mark_item_done(world.liaison_a, first)
    fourlists_services.add_item(
        world.liaison_a, campaign=world.campaign, unit=world.district_a, kind="study", title="手工事项", owner="王"
    )
    return approved, first


def test_the_study_list_page_shows_plan_items_linking_to_the_plan(client: Client, world: World) -> None:
    plan, _first = _study_list(world)
    verified_login(client, world.office_a)
    response = client.get(f"/fourlists/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    section = response.context["lists"].section("study")
    assert section.count == 3
    rows = [(e.title, e.source, e.status) for e in section.entries]
    assert rows == [
        ("学习党章党规", "study_plan_item", "已完成"),
        ("专题研讨", "study_plan_item", "未完成"),
        ("手工事项", "item", "未开始"),
    ]
    body = response.content.decode()
    assert f'href="/study/plans/{plan.pk}/"' in body
    assert "学习计划" in body
    verified_login(client, world.office_b)
    assert client.get(f"/fourlists/?campaign={world.campaign.pk}&unit={world.district_a.pk}").status_code == 404


def test_the_study_list_workbook_and_api_show_plan_items(client: Client, world: World) -> None:
    plan, first = _study_list(world)
    verified_login(client, world.office_a)
    response = client.get(f"/fourlists/export/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    rows = [r[1:3] + r[6:7] for r in book["学习清单"].iter_rows(min_row=2, values_only=True)]
    assert rows == [
        ("学习党章党规", "学习计划", "已完成"),
        ("专题研讨", "学习计划", "未完成"),
        ("手工事项", "清单事项", "未开始"),
    ]
    answer = api(world.office_a).get(f"/api/v1/four-lists/?campaign={world.campaign.pk}&unit={world.district_a.pk}")
    body = answer.json()
    assert body["counts"]["study"] == 3
    fed = [r for r in body["results"] if r["type"] == "study_plan_item"]
    assert next((r["id"], r["status"], r["url"]) for r in fed) == (first.pk, "已完成", f"/study/plans/{plan.pk}/")
    assert len(fed) == 2
