"""The staff REST API of citizen demands: scope, masking, each transition, errors as on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.audit.models import Action, AuditEvent
from luoshi.demands.choices import DemandState, Satisfaction
from luoshi.demands.models import Demand, DemandExtension
from luoshi.demands.tests.lifecycle import NAME, PHONE, called_back, category, dispatched, hotline, received, signed
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/demands/"


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_list_is_scoped_masked_and_filtered(world: World) -> None:
    ours = dispatched(world, title="东城电梯")
    theirs = dispatched(world, unit=world.district_b, title="西城路灯")
    body = api(world.handler_b).get(BASE).json()
    assert {row["id"] for row in body["results"]} == {theirs.pk}
    rows = api(world.office_city).get(BASE, {"unit": world.district_a.pk}).json()["results"]
    assert [row["id"] for row in rows] == [ours.pk]
    assert rows[0]["citizen_phone"] == "138****1234"
    assert PHONE not in str(rows)
    assert NAME not in str(rows)
    assert api(world.office_city).get(BASE, {"q": "路灯"}).json()["count"] == 1


def test_roles_without_demand_access_are_refused(world: World) -> None:
    assert api(world.liaison_a).get(BASE).status_code == 403
    assert api(world.secadmin).get(BASE).status_code == 403


def test_detail_out_of_scope_is_404(world: World) -> None:
    demand = dispatched(world)
    assert api(world.handler_b).get(f"{BASE}{demand.pk}/").status_code == 404
    detail = api(world.handler_a).get(f"{BASE}{demand.pk}/").json()
    assert detail["number"] == demand.number
    assert detail["state"] == DemandState.DISPATCHED
    assert "citizen_name_enc" not in detail
    assert PHONE not in str(detail)


def test_detail_lists_the_actions_the_caller_may_take_now(world: World) -> None:
    demand = dispatched(world)
    handler = api(world.handler_a).get(f"{BASE}{demand.pk}/").json()
    assert handler["allowed_actions"] == ["sign", "return", "reveal"]
    dispatcher = api(world.dispatcher_city).get(f"{BASE}{demand.pk}/").json()
    assert "escalate" in dispatcher["allowed_actions"]
    assert "sign" not in dispatcher["allowed_actions"]


def test_receive_by_api(world: World) -> None:
    data = {"channel": hotline().pk, "category": category().pk, "title": "占道经营", "content": "夜市占道"}
    data["citizen_phone"] = "13900001234"
    response = api(world.dispatcher_city).post(BASE, data, format="json")
    assert response.status_code == 201, response.content
    demand = Demand.objects.get(pk=response.json()["id"])
    assert demand.citizen_phone_masked == "139****1234"
    assert demand.state == DemandState.RECEIVED
    assert api(world.office_a).post(BASE, data, format="json").status_code == 403


def test_every_transition_by_api(world: World) -> None:
    demand = received(world)
    d, h = api(world.dispatcher_city), api(world.handler_a)
    url = f"{BASE}{demand.pk}/"
    steps: list[tuple[APIClient, str, dict[str, Any], str]] = [
        (d, "dispatch", {"unit": world.district_a.pk}, DemandState.DISPATCHED),
        (h, "sign", {}, DemandState.SIGNED),
        (h, "respond", {"note": "已联系"}, DemandState.RESPONDED),
        (h, "finish", {"outcome": "resolved", "explanation": "已修复"}, DemandState.FINISHED),
        (d, "call-back", {"satisfaction": Satisfaction.SATISFIED}, DemandState.CALLED_BACK),
        (d, "archive", {}, DemandState.ARCHIVED),
    ]
    for client, step, data, state in steps:
        version = Demand.objects.get(pk=demand.pk).version
        response = client.post(f"{url}{step}/", {**data, "version": version}, format="json")
        assert response.status_code == 200, (step, response.content)
        assert response.json()["state"] == state
    events = d.get(f"{url}events/").json()
    assert [e["kind"] for e in events][:2] == ["received", "dispatched"]


def test_return_redo_and_escalate_by_api(world: World) -> None:
    demand = dispatched(world)
    response = api(world.handler_a).post(f"{BASE}{demand.pk}/return/", {"reason": "非本单位职责"}, format="json")
    assert response.json()["state"] == DemandState.RECEIVED
    unhappy = called_back(world, satisfaction=Satisfaction.UNSATISFIED)
    d = api(world.dispatcher_city)
    assert d.post(f"{BASE}{unhappy.pk}/redo/", {"reason": "重办"}, format="json").json()["redo_count"] == 1
    assert d.post(f"{BASE}{unhappy.pk}/escalate/", {"reason": "督办"}, format="json").json()["escalated"] is True


def test_errors_map_to_403_400_and_409(world: World) -> None:
    demand = dispatched(world)
    url = f"{BASE}{demand.pk}/sign/"
    assert api(world.office_a).post(url, {}, format="json").status_code == 403
    stale = api(world.handler_a).post(url, {"version": demand.version - 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    illegal = api(world.handler_a).post(f"{BASE}{demand.pk}/finish/", {"outcome": "resolved", "explanation": "x"})
    assert illegal.status_code == 400
    assert Demand.objects.get(pk=demand.pk).state == DemandState.DISPATCHED


def test_extension_request_and_decisions_by_api(world: World) -> None:
    demand = signed(world)
    response = api(world.handler_a).post(f"{BASE}{demand.pk}/extensions/", {"days": 3, "reason": "协调中"})
    assert response.status_code == 201
    ext_id = response.json()["id"]
    listed = api(world.dispatcher_city).get("/api/v1/demand-extensions/", {"demand": demand.pk}).json()
    assert [row["id"] for row in listed["results"]] == [ext_id]
    assert api(world.handler_b).get(f"/api/v1/demand-extensions/{ext_id}/").status_code == 404
    approved = api(world.dispatcher_city).post(f"/api/v1/demand-extensions/{ext_id}/approve/")
    assert approved.json()["state"] == "approved"
    other = signed(world, title="另一件")
    ext2 = api(world.handler_a).post(f"{BASE}{other.pk}/extensions/", {"days": 2, "reason": "材料"}).json()
    rejected = api(world.dispatcher_city).post(f"/api/v1/demand-extensions/{ext2['id']}/reject/", {"note": "不足"})
    assert rejected.json()["state"] == "rejected"
    assert DemandExtension.objects.filter(state="pending").count() == 0


def test_reveal_by_api_is_audited_and_only_for_handlers(world: World) -> None:
    demand = dispatched(world)
    assert api(world.office_a).post(f"{BASE}{demand.pk}/reveal/").status_code == 403
    response = api(world.handler_a).post(f"{BASE}{demand.pk}/reveal/")
    assert response.json() == {"name": NAME, "phone": PHONE}
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSONAL, object_id=str(demand.pk)).count() == 1


def test_link_problem_by_api(world: World) -> None:
    from luoshi.testing.problems import new_problem, rectifying

    problem = rectifying(world, unit=world.district_a, title="物业问题")
    demand = signed(world)
    response = api(world.office_a).post(f"{BASE}{demand.pk}/link-problem/", {"problem": problem.pk})
    assert response.status_code == 200
    assert response.json()["problem"] == problem.pk
    outside = new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城问题")
    refused = api(world.office_a).post(f"{BASE}{demand.pk}/link-problem/", {"problem": outside.pk})
    assert refused.status_code == 400
    assert Demand.objects.get(pk=demand.pk).problem == problem
