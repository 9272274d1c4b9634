"""The livelihood projects API: scoped list and detail, allowed_actions, the one actions endpoint, its schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from luoshi.livelihood import services
from luoshi.livelihood.choices import ProjectState
from luoshi.livelihood.models import LivelihoodProject
from luoshi.livelihood.tests import helpers
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
LIST = "/api/v1/livelihood-projects/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def action(project: LivelihoodProject, name: str) -> str:
    return f"{LIST}{project.pk}/actions/{name}/"


def test_list_and_detail_carry_tasks_milestones_progress_evaluation_and_actions(world: World) -> None:
    project = helpers.new_project(world)
    task = helpers.new_task(world, project, weight=2)
    services.start_task(world.liaison_a, task)
    services.report_task_progress(world.liaison_a, task, text="进行中", percent=30)
    services.add_milestone(world.office_a, project, name="开工", planned_on=project.deadline)
    helpers.new_project(world, title="西城项目", unit=world.district_b, actor=world.office_b)

    rows = api(world.liaison_a).get(LIST).json()["results"]
    assert [r["title"] for r in rows] == [project.title]
    assert rows[0]["progress"] == "30.0"

    body = api(world.office_a).get(f"{LIST}{project.pk}/").json()
    assert body["tasks"][0]["percent"] == 30
    assert body["tasks"][0]["weight"] == 2
    assert body["milestones"][0]["name"] == "开工"
    assert body["evaluation"]["rate"] is None
    assert body["allowed_actions"] == ["stop", "edit", "add_milestone", "reach_milestone", "add_task"]
    assert "complete" not in body["allowed_actions"]  # a task is still open
    assert api(world.liaison_a).get(f"{LIST}{project.pk}/").json()["allowed_actions"] == []


def test_the_actions_endpoint_completes_and_evaluates(world: World) -> None:
    project = helpers.new_project(world)
    office = api(world.office_a)
    done = office.post(action(project, "complete"), {"version": project.version, "note": "全部完成"}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == ProjectState.COMPLETED
    evaluated = office.post(
        action(project, "evaluate"),
        {"satisfied": 90, "basically_satisfied": 6, "dissatisfied": 4},
        format="json",
    )
    assert evaluated.status_code == 200
    assert evaluated.json()["evaluation"]["rate"] == "96.0"
    assert evaluated.json()["evaluation"]["total"] == 100


def test_a_project_without_tasks_reports_progress_through_the_api(world: World) -> None:
    project = helpers.new_project(world)
    answer = api(world.liaison_a).post(
        action(project, "report_progress"), {"text": "过半", "percent": 55}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["progress"] == "55.0"


def test_refusals_are_403_400_409_and_404(world: World) -> None:
    project = helpers.new_project(world)
    liaison, office = api(world.liaison_a), api(world.office_a)
    assert liaison.post(action(project, "stop"), {"reason": "不做了"}, format="json").status_code == 403
    missing_reason = office.post(action(project, "stop"), {}, format="json")
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()
    stale = office.post(action(project, "stop"), {"reason": "撤销", "version": project.version + 5}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    illegal = office.post(action(project, "evaluate"), {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0})
    assert illegal.status_code == 400
    assert illegal.json()["code"] == "illegal_transition"
    assert office.post(action(project, "fly"), {}, format="json").status_code == 404
    unknown = office.post(action(project, "Not-An.Action"), {}, format="json")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"
    assert api(world.office_b).post(action(project, "stop"), {"reason": "越权"}, format="json").status_code == 404
    assert (
        office.post(action(project, "report_progress"), {"text": "x", "percent": 101}, format="json").status_code == 400
    )
    assert office.get(f"{LIST}1e5/").status_code == 404
    for bad in ("abc", "1e30", "1" + "0" * 29, "-5", "NaN"):
        assert office.get(LIST, {"campaign": bad}).status_code == 400
        assert office.get(LIST, {"unit": bad}).status_code == 400
    assert office.get(f"{LIST}{'9' * 30}/").status_code == 404
    assert LivelihoodProject.objects.get().state == ProjectState.IN_PROGRESS
    stopped = office.post(action(project, "stop"), {"reason": "选址变更"}, format="json")
    assert stopped.json()["stop_reason"] == "选址变更"


def test_the_separated_roles_get_nothing(world: World) -> None:
    helpers.new_project(world)
    assert api(world.auditor).get(LIST).status_code == 403
    assert api(world.secadmin).get(LIST).status_code == 403


def test_the_schema_documents_the_one_actions_endpoint_without_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.livelihood.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/livelihood-projects/",
        "/api/v1/livelihood-projects/{id}/",
        "/api/v1/livelihood-projects/{id}/actions/{name}/",
        "/api/v1/livelihood-projects/{id}/urge/",
    }
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    operation = schema["paths"]["/api/v1/livelihood-projects/{id}/actions/{name}/"]["post"]
    name = next(p for p in operation["parameters"] if p["name"] == "name")
    assert name["schema"]["enum"] == ["complete", "evaluate", "report_progress", "stop"]
    assert "evaluate" in operation["description"]
