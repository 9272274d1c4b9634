"""Lifecycle actions over the API: same scope and transition rules as the pages, errors as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.problems import services
from luoshi.problems.choices import RequestState, State
from luoshi.problems.models import Evidence, ExtensionRequest, Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import World

URL = "/api/v1/problems/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def post(user: Any, problem: Problem, action: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return api(user).post(f"{URL}{problem.pk}/{action}/", data or {}, **kw)


def test_full_loop_over_the_api(world: World) -> None:
    problem = new_problem(world)
    assert post(world.leader_a, problem, "claim", {"version": 1}, format="json").status_code == 200
    progress = post(world.liaison_a, problem, "progress", {"text": "已整改", "files": [png()]}, format="multipart")
    assert progress.status_code == 201, progress.content
    assert [e["original_name"] for e in progress.json()["evidence"]] == ["photo.png"]
    requested = post(world.leader_a, problem, "request-closure", {"summary": "整改完成", "version": 2}, format="json")
    assert requested.status_code == 200, requested.content
    assert requested.json()["state"] == State.PENDING_REVIEW
    approved = post(world.office_city, problem, "approve-closure", {"note": "同意"}, format="json")
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["version"]) == (State.CLOSED, 4)
    reopened = post(world.office_a, problem, "reopen", {"reason": "回头看发现反弹"}, format="json")
    assert reopened.json()["state"] == State.RECTIFYING
    timeline = api(world.liaison_a).get(f"{URL}{problem.pk}/events/").json()
    assert [e["kind"] for e in timeline] == ["filed", "claimed", "progress", "closure_requested", "closed", "reopened"]
    assert timeline[1]["actor_name"] == "东城领导"
    assert (timeline[-1]["from_state"], timeline[-1]["to_state"]) == (State.CLOSED, State.RECTIFYING)


def test_lacking_the_permission_is_403_with_a_chinese_message(world: World) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    response = post(world.liaison_a, problem, "claim")
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权执行「认领」。"
    assert footprint(problem) == before


@pytest.mark.parametrize("action", ["claim", "request-closure", "approve-closure", "send-back", "reopen", "events"])
def test_out_of_scope_is_404(world: World, action: str) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    if action == "events":
        response = api(world.liaison_b).get(f"{URL}{problem.pk}/events/")
    else:
        response = post(world.office_b, problem, action)
    assert response.status_code == 404
    assert footprint(problem) == before


def test_illegal_transition_is_400_with_code(world: World) -> None:
    problem = new_problem(world)
    response = post(world.office_city, problem, "approve-closure", {"note": "同意"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "问题当前状态为「待认领」，不能执行「审核销号」。",
        "code": "illegal_transition",
    }


def test_stale_version_is_409(world: World) -> None:
    problem = pending_review(world)
    before = footprint(problem)
    response = post(world.office_a, problem, "send-back", {"reason": "不到位", "version": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert footprint(problem) == before


def test_send_back_without_reason_is_400(world: World) -> None:
    problem = pending_review(world)
    response = post(world.office_a, problem, "send-back", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "退回时请填写理由。"
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_REVIEW


def test_requester_cannot_approve_over_the_api_either(world: World) -> None:
    problem = pending_review(world)
    response = post(world.leader_a, problem, "approve-closure")
    assert response.status_code == 403
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_REVIEW


def test_progress_with_a_bad_file_stores_nothing(world: World) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    fake = SimpleUploadedFile("报告.pdf", b"not really a pdf")
    response = post(world.liaison_a, problem, "progress", {"text": "进展", "files": [png(), fake]}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "文件「报告.pdf」的内容与扩展名 .pdf 不符。", "code": "rule_violation"}
    assert footprint(problem) == before


def test_progress_accepts_files_bracket_name_and_a_measure(world: World) -> None:
    problem = rectifying(world)
    measure = services.add_measure(
        world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=problem.deadline
    )
    data = {"text": "措施进展", "measure": measure.pk, "files[]": [png("一.png"), png("二.png")]}
    response = post(world.leader_a, problem, "progress", data, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["measure"] == measure.pk
    assert Evidence.objects.filter(progress__problem=problem).count() == 2


def test_progress_about_an_invisible_measure_is_refused(world: World) -> None:
    problem = rectifying(world)
    other = services.claim(world.leader_b, new_problem(world, unit=world.district_b, actor=world.liaison_b))
    measure = services.add_measure(
        world.leader_b, other, text="西城措施", owner_unit=world.district_b, deadline=other.deadline
    )
    response = post(world.liaison_a, problem, "progress", {"text": "进展", "measure": measure.pk}, format="multipart")
    assert response.status_code == 400
    assert "measure" in response.json()
    assert not problem.progress.exists()


def test_text_only_progress_as_json(world: World) -> None:
    problem = rectifying(world)
    response = post(world.liaison_a, problem, "progress", {"text": "电话督促"}, format="json")
    assert response.status_code == 201
    assert response.json()["evidence"] == []


def test_request_extension(world: World) -> None:
    problem = new_problem(world)
    new_deadline = problem.deadline + dt.timedelta(days=10)
    data = {"new_deadline": str(new_deadline), "reason": "需要招标"}
    response = post(world.liaison_a, problem, "extensions", data, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["state"], response.json()["new_deadline"]) == (RequestState.PENDING, str(new_deadline))
    again = post(world.leader_a, problem, "extensions", data, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "该问题已有待审批的延期申请。"
    assert ExtensionRequest.objects.count() == 1


def test_request_extension_with_a_stale_version_is_409(world: World) -> None:
    problem = new_problem(world)
    services.edit_problem(world.office_a, problem, 1, description="改")
    data = {"new_deadline": str(problem.deadline + dt.timedelta(days=3)), "reason": "理由", "version": 1}
    assert post(world.liaison_a, problem, "extensions", data, format="json").status_code == 409
    assert not ExtensionRequest.objects.exists()


def test_reopen_needs_a_reason_field(world: World) -> None:
    problem = closed(world)
    response = post(world.office_a, problem, "reopen", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert Problem.objects.get(pk=problem.pk).state == State.CLOSED
