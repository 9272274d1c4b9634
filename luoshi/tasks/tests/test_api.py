"""The key-task API: tasks, assignments, the one actions endpoint and progress reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.orgs.models import UnitKind
from luoshi.tasks import services
from luoshi.tasks.choices import State
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tasks.tests.factory import assigned, fresh, in_state, make_task, streets
from luoshi.testing.problems import png
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
IN_60 = (dt.date.today() + dt.timedelta(days=60)).isoformat()


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def act(user, item, name: str, **data):
    return api(user).post(f"/api/v1/task-assignments/{item.pk}/actions/{name}/", data, format="json")


def test_tasks_are_listed_with_their_rolled_up_percent(world: World) -> None:
    root = make_task(world, title="R")
    child = make_task(world, title="C", parent=root, due_on=root.due_on)
    item = services.sign(world.liaison_a, assigned(world, task=child))
    services.report_progress(world.liaison_a, item, text="一半", percent=50)
    rows = api(world.liaison_a).get("/api/v1/tasks/", {"campaign": world.campaign.pk}).json()["results"]
    assert {r["title"]: r["percent"] for r in rows} == {"R": "50.0", "C": "50.0"}
    only = api(world.liaison_a).get("/api/v1/tasks/", {"parent": root.pk}).json()["results"]
    assert [r["id"] for r in only] == [child.pk]
    detail = api(world.office_a).get(f"/api/v1/tasks/{root.pk}/").json()
    assert detail["children"] == [child.pk]
    assert api(world.liaison_b).get(f"/api/v1/tasks/{root.pk}/").status_code == 404


def test_the_office_creates_a_task_and_others_may_not(world: World) -> None:
    body = {"campaign": world.campaign.pk, "title": "API 任务", "source": "领导批示", "due_on": IN_60}
    created = api(world.office_a).post("/api/v1/tasks/", {**body, "unit": world.district_a.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["source_name"] == "领导批示"
    assert api(world.liaison_a).post("/api/v1/tasks/", body, format="json").status_code == 403
    bad = api(world.office_a).post("/api/v1/tasks/", {**body, "source": "小道消息"}, format="json")
    assert bad.status_code == 400
    assert "source" in bad.json()
    beyond = api(world.office_a).post("/api/v1/tasks/", body, format="json")
    assert beyond.status_code == 403  # the city's own tasks are the city office's


def test_assign_one_unit_or_every_street_at_once(world: World) -> None:
    streets(world, 2)
    task = make_task(world)
    url = f"/api/v1/tasks/{task.pk}/assign/"
    one = api(world.office_a).post(url, {"unit": world.district_a.pk, "due_on": IN_60, "role": "assist"}, format="json")
    assert (one.status_code, one.json()["created"]) == (201, 1)
    kind = UnitKind.objects.get(code="street").pk
    body = {"kind": kind, "subtree_root": world.district_a.pk, "due_on": IN_60}
    many = api(world.office_a).post(url, body, format="json")
    assert (many.status_code, many.json()["created"], many.json()["skipped"]) == (201, 3, 0)
    both = api(world.office_a).post(url, {**body, "unit": world.street_a.pk}, format="json")
    assert both.status_code == 400
    assert api(world.liaison_a).post(url, body, format="json").status_code == 403


def test_assignments_list_filters_and_allowed_actions(world: World) -> None:
    waiting = assigned(world)
    working = in_state(world, State.IN_PROGRESS, unit=world.district_a)
    rows = api(world.liaison_a).get("/api/v1/task-assignments/", {"state": "pending_sign"}).json()["results"]
    assert [(r["id"], r["allowed_actions"]) for r in rows] == [(waiting.pk, ["sign", "request_extension"])]
    by_unit = api(world.liaison_a).get("/api/v1/task-assignments/", {"unit": world.street_a.pk}).json()
    assert [r["id"] for r in by_unit["results"]] == [waiting.pk]
    by_task = api(world.office_a).get("/api/v1/task-assignments/", {"task": working.task_id}).json()
    assert [r["id"] for r in by_task["results"]] == [working.pk]
    assert api(world.office_a).get("/api/v1/task-assignments/", {"overdue": "true"}).json()["count"] == 0
    assert api(world.liaison_b).get("/api/v1/task-assignments/").json()["count"] == 0
    assert api(world.liaison_a).get("/api/v1/task-assignments/", {"task": "0.5"}).status_code == 400


def test_the_actions_endpoint_answers_200_400_403_404_409(world: World) -> None:
    item = assigned(world)
    assert act(world.office_a, item, "sign").status_code == 403
    assert act(world.liaison_b, item, "sign").status_code == 404
    assert act(world.liaison_a, item, "fly").status_code == 404
    unknown = act(world.liaison_a, item, "Not-An.Action")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert act(world.liaison_a, item, "sign", version=item.version + 5).status_code == 409
    signed = act(world.liaison_a, item, "sign", version=item.version)
    assert signed.status_code == 200
    assert signed.json()["state"] == State.IN_PROGRESS
    again = act(world.liaison_a, item, "sign")
    assert (again.status_code, again.json()["code"]) == (400, "illegal_transition")
    assert act(world.liaison_a, item, "request_finish", summary="").status_code == 400
    finish = act(world.liaison_a, item, "request_finish", summary="已完成")
    assert finish.json()["finish_requests"][0]["state"] == "pending"
    assert act(world.office_a, item, "send_back", reason="补材料").json()["state"] == State.IN_PROGRESS
    act(world.liaison_a, item, "request_finish", summary="已补充")
    done = act(world.office_a, item, "accept", note="同意")
    assert (done.json()["state"], done.json()["allowed_actions"]) == (State.DONE, ["reopen"])
    assert act(world.office_a, item, "reopen", reason="反弹").json()["state"] == State.IN_PROGRESS
    assert act(world.office_a, item, "revoke", reason="调整").json()["state"] == State.REVOKED


def test_extensions_and_pass_down_through_the_actions_endpoint(world: World) -> None:
    item = in_state(world, State.IN_PROGRESS, unit=world.district_a)
    assert act(world.office_a, item, "approve_extension").status_code == 400
    new_due = (item.due_on + dt.timedelta(days=7)).isoformat()
    assert act(world.liaison_a, item, "request_extension", new_due=new_due, reason="雨季").status_code == 200
    assert act(world.liaison_a, item, "approve_extension").status_code == 403
    approved = act(world.office_a, item, "approve_extension", note="同意")
    assert approved.json()["due_on"] == new_due
    down = act(world.liaison_a, item, "pass_down", unit=world.street_a.pk, due_on=new_due)
    assert down.status_code == 200, down.content
    assert TaskAssignment.objects.get(parent=item).unit == world.street_a


def test_progress_reports_with_files_and_their_list(world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    url = f"/api/v1/task-assignments/{item.pk}/progress/"
    made = api(world.liaison_a).post(
        url, {"text": "完成一半", "percent": 50, "files": [png("一.png")]}, format="multipart"
    )
    assert made.status_code == 201, made.content
    assert made.json()["evidence"][0]["original_name"] == "一.png"
    assert fresh(item).percent == 50
    listed = api(world.office_a).get(url).json()
    assert [r["percent"] for r in listed] == [50]
    assert api(world.liaison_a).post(url, {"text": "x", "percent": 120}, format="json").status_code == 400
    assert api(world.office_a).post(url, {"text": "x", "percent": 10}, format="json").status_code == 403
    assert api(world.liaison_b).get(url).status_code == 404


def test_the_schema_of_the_task_api_has_no_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.tasks.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/{id}/assign/",
        "/api/v1/task-assignments/",
        "/api/v1/task-assignments/{id}/",
        "/api/v1/task-assignments/{id}/actions/{name}/",
        "/api/v1/task-assignments/{id}/progress/",
        "/api/v1/task-assignments/{id}/urge/",
    }
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    actions = schema["paths"]["/api/v1/task-assignments/{id}/actions/{name}/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(actions["responses"])
    assert Task._meta.verbose_name == "重点任务"
