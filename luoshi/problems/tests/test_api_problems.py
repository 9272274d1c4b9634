"""The problems API: scoped list and retrieve, create and PATCH through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.audit.models import AuditEvent
from luoshi.problems import services
from luoshi.problems.choices import Light, State
from luoshi.problems.models import Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import new_problem, rectifying
from luoshi.testing.world import PASSWORD, World

URL = "/api/v1/problems/"
TODAY = dt.date.today()


def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _payload(world: World, **kw: Any) -> dict[str, Any]:
    data = {
        "campaign": world.campaign.pk,
        "title": "办事窗口推诿扯皮",
        "channel": world.channels[0].pk,
        "aspect": world.aspects[0].pk,
        "unit": world.district_a.pk,
        "found_on": str(TODAY),
        "deadline": str(TODAY + dt.timedelta(days=20)),
    }
    data.update(kw)
    return data


def test_list_is_scoped_to_the_subtree(world: World) -> None:
    a, street = new_problem(world), new_problem(world, unit=world.street_a)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    assert ids(api(world.liaison_a).get(URL)) == {a.pk, street.pk}
    assert len(ids(api(world.office_city).get(URL))) == 3
    assert api(world.auditor).get(URL).status_code == 403


def test_list_filters_with_the_shared_filterset(world: World) -> None:
    open_one = new_problem(world, unit=world.street_a, deadline=TODAY + dt.timedelta(days=1))
    claimed = rectifying(world)
    client = api(world.office_city)
    assert ids(client.get(URL, {"state": State.RECTIFYING})) == {claimed.pk}
    assert ids(client.get(URL, {"light": Light.YELLOW})) == {open_one.pk}
    assert ids(client.get(URL, {"unit": world.street_a.pk})) == {open_one.pk}
    assert ids(client.get(URL, {"q": "态度 窗口"})) == {open_one.pk, claimed.pk}


def test_list_is_paginated(world: World) -> None:
    for _ in range(3):
        new_problem(world)
    client = api(world.liaison_a)
    body = client.get(URL).json()
    assert (body["count"], len(body["results"]), body["next"]) == (3, 3, None)
    assert [row["id"] for row in body["results"]] == sorted((row["id"] for row in body["results"]), reverse=True)
    assert client.get(URL, {"page": 2}).status_code == 404


def test_anonymous_is_refused(world: World) -> None:
    new_problem(world)
    assert APIClient().get(URL).status_code == 401


def test_session_login_works_too(world: World) -> None:
    problem = new_problem(world)
    client = APIClient()
    assert client.login(username="liaison_a", password=PASSWORD)
    assert ids(client.get(URL)) == {problem.pk}


def test_retrieve_shows_measures_and_allowed_actions(world: World) -> None:
    problem = rectifying(world)
    services.add_measure(world.leader_a, problem, text="完善制度", owner_unit=world.district_a, deadline=TODAY)
    body = api(world.leader_a).get(f"{URL}{problem.pk}/").json()
    assert (body["number"], body["state"], body["state_display"]) == (problem.number, "rectifying", "整改中")
    assert (body["unit_name"], body["responsible_leader_name"]) == ("东城区", "东城领导")
    assert [m["text"] for m in body["measures"]] == ["完善制度"]
    assert body["allowed_actions"] == ["request_closure"]
    assert api(world.liaison_a).get(f"{URL}{problem.pk}/").json()["allowed_actions"] == []


def test_out_of_scope_reads_as_missing(world: World) -> None:
    problem = new_problem(world)
    client = api(world.liaison_b)
    outside = client.get(f"{URL}{problem.pk}/")
    missing = client.get(f"{URL}999999/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_create_files_a_problem(world: World) -> None:
    response = api(world.liaison_a).post(URL, _payload(world, responsible_leader=world.leader_a.pk), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    problem = Problem.objects.get(pk=body["id"])
    assert (problem.state, problem.filed_by, problem.responsible_leader) == (
        State.PENDING_CLAIM,
        world.liaison_a,
        world.leader_a,
    )
    assert body["allowed_actions"] == []
    assert AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).exists()


@pytest.mark.parametrize("username", ["leader_a", "auditor", "nobody"])
def test_create_without_the_permission_is_403(world: World, username: str) -> None:
    response = api(world.users[username]).post(URL, _payload(world), format="json")
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert not Problem.objects.exists()


def test_create_for_a_unit_outside_scope_is_refused(world: World) -> None:
    response = api(world.liaison_a).post(URL, _payload(world, unit=world.district_b.pk), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Problem.objects.exists()


def test_create_breaking_a_rule_is_400_with_detail_and_code(world: World) -> None:
    payload = _payload(world, deadline=str(TODAY - dt.timedelta(days=1)))
    response = api(world.liaison_a).post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "整改时限不能早于发现日期。", "code": "rule_violation"}
    assert not Problem.objects.exists()


def test_patch_with_version_edits(world: World) -> None:
    problem = new_problem(world)
    response = api(world.liaison_a).patch(f"{URL}{problem.pk}/", {"version": 1, "title": "新标题"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("新标题", 2)
    assert Problem.objects.get(pk=problem.pk).title == "新标题"


def test_patch_needs_the_version(world: World) -> None:
    problem = new_problem(world)
    response = api(world.liaison_a).patch(f"{URL}{problem.pk}/", {"title": "新标题"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    assert Problem.objects.get(pk=problem.pk).title == "窗口服务态度生硬"


def test_patch_with_a_stale_version_is_409(world: World) -> None:
    problem = new_problem(world)
    services.edit_problem(world.office_a, problem, 1, description="他人先改")
    before = footprint(problem)
    response = api(world.liaison_a).patch(f"{URL}{problem.pk}/", {"version": 1, "title": "迟到的修改"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "该问题已被他人修改，请刷新页面后重试。", "code": "conflict"}
    assert footprint(problem) == before


def test_patch_move_to_another_unit(world: World) -> None:
    problem = new_problem(world)
    response = api(world.office_city).patch(
        f"{URL}{problem.pk}/", {"version": 1, "unit": world.district_b.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["unit_name"] == "西城区"
    assert api(world.liaison_a).get(f"{URL}{problem.pk}/").status_code == 404


@pytest.mark.parametrize(("username", "code"), [("leader_a", 403), ("supervisor_a", 403), ("liaison_b", 404)])
def test_patch_refused(world: World, username: str, code: int) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    response = api(world.users[username]).patch(f"{URL}{problem.pk}/", {"version": 1, "title": "改"}, format="json")
    assert response.status_code == code
    assert footprint(problem) == before


def test_put_is_not_offered(world: World) -> None:
    problem = new_problem(world)
    response = api(world.liaison_a).put(f"{URL}{problem.pk}/", {"version": 1, "title": "改"}, format="json")
    assert response.status_code == 405
