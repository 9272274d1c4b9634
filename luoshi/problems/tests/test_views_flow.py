"""The problem lifecycle driven through the pages' forms, as people would use it."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.problems import services
from luoshi.problems.choices import MeasureState, RequestState, State
from luoshi.problems.models import Evidence, ExtensionRequest, Measure, Problem, ProblemClass, ProgressEntry
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import PNG_1PX, closed, new_problem, pending_review, png, rectifying
from luoshi.testing.twofactor import verified_login


def as_user(client, user):
    verified_login(client, user)
    return client


def problem_form_data(world, **overrides):
    today = dt.date.today()
    data = {
        "title": "办事窗口推诿扯皮",
        "description": "群众反映多次往返",
        "channel": world.channels[1].pk,
        "aspect": world.aspects[3].pk,
        "unit": world.district_a.pk,
        "responsible_leader": "",
        "severity": "serious",
        "kind": "deadline",
        "found_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=30)).isoformat(),
        "problem_class": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_full_loop_through_the_pages(client, world):
    as_user(client, world.liaison_a)
    response = client.post(reverse("problems:new"), problem_form_data(world))
    problem = Problem.objects.get(title="办事窗口推诿扯皮")
    assert response.status_code == 302
    assert response["Location"] == reverse("problems:detail", args=[problem.pk])
    assert problem.state == State.PENDING_CLAIM
    assert problem.filed_by == world.liaison_a

    as_user(client, world.leader_a)
    response = client.post(reverse("problems:claim", args=[problem.pk]), {"version": problem.version}, follow=True)
    assert "已认领，问题进入整改。" in messages_of(response)
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING
    assert problem.responsible_leader == world.leader_a

    measure_data = {"text": "建立首问负责制", "owner_unit": world.district_a.pk, "deadline": problem.deadline}
    response = client.post(reverse("problems:add_measure", args=[problem.pk]), measure_data)
    assert response.status_code == 302
    measure = Measure.objects.get(problem=problem)

    as_user(client, world.liaison_a)
    upload = {"text": "已建立制度并公示", "measure": measure.pk, "evidence": [png("制度文件.png")]}
    response = client.post(reverse("problems:report_progress", args=[problem.pk]), upload)
    assert response.status_code == 302
    evidence = Evidence.objects.get(progress__problem=problem)
    assert evidence.original_name == "制度文件.png"

    as_user(client, world.leader_a)
    url = reverse("problems:complete_measure", args=[problem.pk, measure.pk])
    assert client.post(url, {"version": measure.version}).status_code == 302
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.DONE
    problem.refresh_from_db()
    url = reverse("problems:request_closure", args=[problem.pk])
    assert client.post(url, {"version": problem.version, "summary": "整改到位"}).status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.PENDING_REVIEW

    as_user(client, world.office_city)
    url = reverse("problems:approve_closure", args=[problem.pk])
    response = client.post(url, {"version": problem.version, "note": "材料齐全"}, follow=True)
    assert "已审核通过，问题销号。" in messages_of(response)
    problem.refresh_from_db()
    assert problem.state == State.CLOSED
    assert problem.closure_requests.get().state == RequestState.APPROVED

    response = client.get(reverse("problems:dashboard"))
    assert response.context["summary"].by_state[State.CLOSED] == 1
    assert response.context["summary"].closure_rate == 1.0
    east = next(r for r in response.context["rows"] if r.unit == world.district_a)
    assert (east.total, east.closed) == (1, 1)

    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    for kind in ("登记问题", "认领", "新增整改措施", "报送进展", "措施完成", "申请销号", "审核销号"):
        assert kind in html


def test_send_back_needs_a_reason_and_keeps_the_form(client, world):
    problem = pending_review(world)
    as_user(client, world.office_city)
    url = reverse("problems:send_back", args=[problem.pk])
    before = footprint(problem)
    response = client.post(url, {"version": problem.version, "reason": ""})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    assert footprint(problem) == before

    response = client.post(url, {"version": problem.version, "reason": "佐证材料不足"}, follow=True)
    assert "已退回整改。" in messages_of(response)
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING
    closure = problem.closure_requests.get()
    assert closure.state == RequestState.REJECTED
    assert closure.decision_note == "佐证材料不足"
    assert "佐证材料不足" in response.content.decode()


def test_stale_edit_form_gets_a_conflict_message_not_an_overwrite(client, world):
    problem = new_problem(world, title="原标题")
    as_user(client, world.liaison_a)
    page = client.get(reverse("problems:edit", args=[problem.pk]))
    stale_version = page.context["form"].initial["version"]
    services.edit_problem(world.office_a, problem, problem.version, title="他人修改的标题")

    data = problem_form_data(world, title="我的修改", version=stale_version, deadline=problem.deadline.isoformat())
    data["found_on"] = problem.found_on.isoformat()
    response = client.post(reverse("problems:edit", args=[problem.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "该问题已被他人修改，请刷新页面后重试。" in html
    assert 'value="我的修改"' in html
    assert Problem.objects.get(pk=problem.pk).title == "他人修改的标题"


def test_edit_saves_changes_and_sets_the_problem_class(client, world):
    problem = new_problem(world)
    problem_class = services.create_problem_class(
        world.office_city, campaign=world.campaign, unit=world.district_a, name="窗口作风类"
    )
    as_user(client, world.liaison_a)
    data = problem_form_data(
        world,
        title="窗口作风问题",
        version=problem.version,
        problem_class=problem_class.pk,
        found_on=problem.found_on.isoformat(),
        deadline=problem.deadline.isoformat(),
    )
    response = client.post(reverse("problems:edit", args=[problem.pk]), data)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "窗口作风问题"
    assert problem.problem_class == problem_class
    assert problem.version == 2
    page = client.get(reverse("problems:class_detail", args=[problem_class.pk])).content.decode()
    assert "窗口作风问题" in page


def test_filing_for_a_unit_out_of_scope_is_refused(client, world):
    as_user(client, world.liaison_a)
    before = footprint()
    response = client.post(reverse("problems:new"), problem_form_data(world, unit=world.district_b.pk))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert footprint() == before


def test_filing_rule_violation_keeps_the_input(client, world):
    as_user(client, world.liaison_a)
    today = dt.date.today()
    data = problem_form_data(world, title="时限倒置", deadline=(today - dt.timedelta(days=3)).isoformat())
    response = client.post(reverse("problems:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "整改时限不能早于发现日期" in html
    assert 'value="时限倒置"' in html
    assert not Problem.objects.filter(title="时限倒置").exists()


def test_filing_form_offers_only_units_in_filing_scope(client, world):
    as_user(client, world.liaison_a)
    html = client.get(reverse("problems:new")).content.decode()
    found = re.search(r'<select name="unit".*?</select>', html, re.S)
    assert found is not None
    unit_select = found.group(0)
    assert "东城区" in unit_select
    assert "东城街道" in unit_select
    assert "西城区" not in unit_select
    assert "示范市" not in unit_select


def test_bad_evidence_file_is_refused_with_its_name_and_nothing_is_stored(client, world):
    problem = rectifying(world)
    as_user(client, world.liaison_a)
    before = footprint(problem)
    fake = SimpleUploadedFile("伪装图片.png", b"not an image at all", content_type="image/png")
    response = client.post(
        reverse("problems:report_progress", args=[problem.pk]), {"text": "整改情况说明", "evidence": [fake]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "伪装图片.png" in html
    assert "整改情况说明" in html
    assert footprint(problem) == before


def test_several_evidence_files_in_one_report(client, world):
    problem = rectifying(world)
    as_user(client, world.leader_a)
    files = [png("现场照片一.png"), png("现场照片二.png")]
    response = client.post(
        reverse("problems:report_progress", args=[problem.pk]), {"text": "现场整改", "evidence": files}
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(problem=problem)
    assert sorted(e.original_name for e in entry.evidence.all()) == ["现场照片一.png", "现场照片二.png"]


def test_evidence_downloads_as_attachment_for_viewers_in_scope(client, world):
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="材料", files=[png("证明.png")])
    evidence = Evidence.objects.get(progress__problem=problem)
    as_user(client, world.office_city)
    response = client.get(reverse("problems:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG_1PX
    detail = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:evidence", args=[evidence.pk]) in detail
    assert "/media/" not in detail


def test_claim_twice_gets_a_conflict_not_a_second_claim(client, world):
    problem = new_problem(world)
    as_user(client, world.leader_a)
    url = reverse("problems:claim", args=[problem.pk])
    assert client.post(url, {"version": problem.version}).status_code == 302
    response = client.post(url, {"version": problem.version})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert problem.events.filter(kind="claimed").count() == 1


def test_extension_request_and_approval_move_the_deadline(client, world):
    problem = rectifying(world)
    new_deadline = problem.deadline + dt.timedelta(days=15)
    as_user(client, world.liaison_a)
    url = reverse("problems:request_extension", args=[problem.pk])
    response = client.post(url, {"new_deadline": new_deadline.isoformat(), "reason": "涉及跨部门协调"})
    assert response.status_code == 302
    ext = ExtensionRequest.objects.get(problem=problem)

    as_user(client, world.office_a)
    detail = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:approve_extension", args=[problem.pk, ext.pk]) in detail
    url = reverse("problems:approve_extension", args=[problem.pk, ext.pk])
    response = client.post(url, {"note": "同意"}, follow=True)
    assert "已同意延期，整改时限已更新。" in messages_of(response)
    problem.refresh_from_db()
    assert problem.deadline == new_deadline


def test_rejecting_an_extension_needs_a_reason(client, world):
    problem = rectifying(world)
    ext = services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=5), reason="人手不足"
    )
    as_user(client, world.office_a)
    url = reverse("problems:reject_extension", args=[problem.pk, ext.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 200
    assert "不同意延期时请填写理由" in response.content.decode()
    assert ExtensionRequest.objects.get(pk=ext.pk).state == RequestState.PENDING
    response = client.post(url, {"note": "理由不充分"})
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(pk=ext.pk).state == RequestState.REJECTED


def test_reopen_after_closure(client, world):
    problem = closed(world)
    as_user(client, world.office_city)
    url = reverse("problems:reopen", args=[problem.pk])
    response = client.post(url, {"version": problem.version, "reason": "回头看发现问题反弹"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == State.RECTIFYING
    assert problem.closed_at is None


def test_action_not_possible_in_current_state_shows_a_notice(client, world):
    problem = new_problem(world)
    as_user(client, world.office_city)
    response = client.get(reverse("problems:approve_closure", args=[problem.pk]))
    assert response.status_code == 200
    assert "该问题当前不能执行「审核销号」" in response.content.decode()
    response = client.post(reverse("problems:approve_closure", args=[problem.pk]), {"version": problem.version})
    assert response.status_code == 200
    assert "不能执行「审核销号」" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_CLAIM


def test_create_problem_class_through_the_form(client, world):
    as_user(client, world.office_a)
    data = {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "文山会海类", "description": ""}
    response = client.post(reverse("problems:class_new"), data)
    created = ProblemClass.objects.get(name="文山会海类")
    assert response.status_code == 302
    assert response["Location"] == reverse("problems:class_detail", args=[created.pk])
    assert created.org_path == world.district_a.path


def test_create_problem_class_refused_outside_scope(client, world):
    as_user(client, world.office_a)
    data = {"campaign": world.campaign.pk, "unit": world.district_b.pk, "name": "越权类别"}
    response = client.post(reverse("problems:class_new"), data)
    assert response.status_code == 200
    assert not ProblemClass.objects.filter(name="越权类别").exists()
    assert client.get(reverse("problems:class_new")).status_code == 200
    as_user(client, world.leader_a)
    assert client.get(reverse("problems:class_new")).status_code == 403


def test_deadline_is_locked_on_the_edit_form_after_claiming(client, world):
    problem = rectifying(world)
    later = (problem.deadline + dt.timedelta(days=60)).isoformat()
    as_user(client, world.liaison_a)
    page = client.get(reverse("problems:edit", args=[problem.pk])).content.decode()
    assert "整改时限须通过延期申请调整" in page
    data = problem_form_data(
        world, title="认领后改标题", version=problem.version, found_on=problem.found_on.isoformat(), deadline=later
    )
    data["responsible_leader"] = world.leader_a.pk
    assert client.post(reverse("problems:edit", args=[problem.pk]), data).status_code == 302
    problem.refresh_from_db()
    assert problem.title == "认领后改标题"
    assert problem.deadline != dt.date.fromisoformat(later)

    as_user(client, world.office_a)
    data["version"] = problem.version
    assert client.post(reverse("problems:edit", args=[problem.pk]), data).status_code == 302
    problem.refresh_from_db()
    assert problem.deadline == dt.date.fromisoformat(later)
