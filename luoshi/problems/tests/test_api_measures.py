"""Measures, extension requests and problem classes over the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.problems import services
from luoshi.problems.choices import MeasureState, RequestState
from luoshi.problems.models import ExtensionRequest, Measure, Problem, ProblemClass
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import new_problem, rectifying
from luoshi.testing.world import World


def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _measure(world: World, problem: Problem, text: str = "建立台账") -> Measure:
    return services.add_measure(
        world.leader_a, problem, text=text, owner_unit=world.district_a, deadline=problem.deadline
    )


def _extension(world: World) -> ExtensionRequest:
    problem = new_problem(world)
    return services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=10), reason="需要协调"
    )


def _measure_payload(world: World, problem: Problem, **kw: Any) -> dict[str, Any]:
    data = {"problem": problem.pk, "text": "开展专项整治", "owner_unit": world.district_a.pk}
    data["deadline"] = str(problem.deadline)
    data.update(kw)
    return data


def test_leader_adds_a_measure(world: World) -> None:
    problem = rectifying(world)
    response = api(world.leader_a2).post("/api/v1/measures/", _measure_payload(world, problem), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["text"], body["state"], body["owner_unit_name"]) == ("开展专项整治", "in_progress", "东城区")
    assert Measure.objects.filter(problem=problem).count() == 1


def test_liaison_may_not_add_a_measure(world: World) -> None:
    problem = rectifying(world)
    response = api(world.liaison_a).post("/api/v1/measures/", _measure_payload(world, problem), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权为该问题制定整改措施。"
    assert not Measure.objects.exists()


def test_measure_for_an_invisible_problem_is_refused(world: World) -> None:
    problem = rectifying(world)
    response = api(world.leader_b).post("/api/v1/measures/", _measure_payload(world, problem), format="json")
    assert response.status_code == 400
    assert "problem" in response.json()
    assert not Measure.objects.exists()


def test_measure_before_claim_is_a_rule_violation(world: World) -> None:
    problem = new_problem(world)
    response = api(world.leader_a).post("/api/v1/measures/", _measure_payload(world, problem), format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("问题当前状态为「待认领」")


def test_measures_list_is_scoped_and_filtered(world: World) -> None:
    first, second = rectifying(world), rectifying(world)
    m1, m2 = _measure(world, first), _measure(world, second)
    other = services.claim(world.leader_b, new_problem(world, unit=world.district_b, actor=world.liaison_b))
    services.add_measure(world.leader_b, other, text="西城", owner_unit=world.district_b, deadline=other.deadline)
    client = api(world.liaison_a)
    assert {m["id"] for m in client.get("/api/v1/measures/").json()["results"]} == {m1.pk, m2.pk}
    assert [m["id"] for m in client.get("/api/v1/measures/", {"problem": first.pk}).json()["results"]] == [m1.pk]
    assert client.get("/api/v1/measures/", {"problem": other.pk}).json()["count"] == 0


def test_complete_a_measure(world: World) -> None:
    measure = _measure(world, rectifying(world))
    response = api(world.liaison_a).post(f"/api/v1/measures/{measure.pk}/complete/", {"version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"]) == (MeasureState.DONE, 2)
    again = api(world.liaison_a).post(f"/api/v1/measures/{measure.pk}/complete/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "该措施已经完成。"


def test_complete_with_stale_version_is_409(world: World) -> None:
    measure = _measure(world, rectifying(world))
    response = api(world.leader_a).post(f"/api/v1/measures/{measure.pk}/complete/", {"version": 7}, format="json")
    assert response.status_code == 409
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.IN_PROGRESS


def test_measure_out_of_scope_is_404(world: World) -> None:
    measure = _measure(world, rectifying(world))
    assert api(world.leader_b).get(f"/api/v1/measures/{measure.pk}/").status_code == 404
    assert api(world.leader_b).post(f"/api/v1/measures/{measure.pk}/complete/").status_code == 404
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.IN_PROGRESS


def test_extensions_list_is_scoped(world: World) -> None:
    ext = _extension(world)
    assert [e["id"] for e in api(world.office_a).get("/api/v1/extensions/").json()["results"]] == [ext.pk]
    assert api(world.office_b).get("/api/v1/extensions/").json()["count"] == 0
    assert api(world.office_b).get(f"/api/v1/extensions/{ext.pk}/").status_code == 404
    pending = api(world.office_a).get("/api/v1/extensions/", {"state": "pending"}).json()
    assert pending["results"][0]["requested_by_name"] == "东城联络员"


def test_approve_extension(world: World) -> None:
    ext = _extension(world)
    response = api(world.office_a).post(f"/api/v1/extensions/{ext.pk}/approve/", {"note": "同意"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["decided_by_name"]) == (RequestState.APPROVED, "东城办公室")
    assert Problem.objects.get(pk=ext.problem_id).deadline == ext.new_deadline


def test_reject_extension_needs_a_note(world: World) -> None:
    ext = _extension(world)
    before = footprint(ext.problem)
    response = api(world.office_a).post(f"/api/v1/extensions/{ext.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "不同意延期时请填写理由。"
    assert footprint(ext.problem) == before
    ok = api(world.office_a).post(f"/api/v1/extensions/{ext.pk}/reject/", {"note": "可按期完成"}, format="json")
    assert ok.json()["state"] == RequestState.REJECTED


@pytest.mark.parametrize(("username", "code"), [("liaison_a", 403), ("leader_a", 403), ("office_b", 404)])
def test_approve_extension_refused(world: World, username: str, code: int) -> None:
    ext = _extension(world)
    response = api(world.users[username]).post(f"/api/v1/extensions/{ext.pk}/approve/", {}, format="json")
    assert response.status_code == code
    assert ExtensionRequest.objects.get(pk=ext.pk).state == RequestState.PENDING


def test_problem_classes(world: World) -> None:
    client = api(world.office_a)
    data = {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "窗口作风", "description": "一类事"}
    created = client.post("/api/v1/problem-classes/", data, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get(f"/api/v1/problem-classes/{pk}/").json()["unit_name"] == "东城区"
    assert [c["id"] for c in client.get("/api/v1/problem-classes/").json()["results"]] == [pk]
    assert api(world.office_b).get(f"/api/v1/problem-classes/{pk}/").status_code == 404
    listed = client.get("/api/v1/problem-classes/", {"campaign": world.campaign.pk + 1}).json()
    assert listed["count"] == 0


def test_problem_class_needs_edit_permission(world: World) -> None:
    data = {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "窗口作风"}
    response = api(world.leader_a).post("/api/v1/problem-classes/", data, format="json")
    assert response.status_code == 403
    assert not ProblemClass.objects.exists()
