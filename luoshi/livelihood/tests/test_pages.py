"""The office pages: list, detail with the engine's buttons, each action page, proposals, the vote, settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.audit.models import Action, AuditEvent
from luoshi.livelihood import services
from luoshi.livelihood.choices import ProjectState, ProposalState, TaskState
from luoshi.livelihood.models import (
    LivelihoodProject,
    ProjectEvidence,
    ProjectMilestone,
    ProjectProgress,
    ProjectProposal,
    ProjectTask,
)
from luoshi.livelihood.tests import helpers
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_office_creates_a_project_and_runs_it_through_the_pages(world: World) -> None:
    office, liaison = signed_in(world.office_a), signed_in(world.liaison_a)
    deadline = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    answer = office.post(
        reverse("livelihood:new"),
        {
            "title": "城区公厕提升改造",
            "category": "environment",
            "lead_unit": world.district_a.pk,
            "assisting_units": [world.street_a.pk],
            "leader_name": "东城区副区长",
            "budget": "350.5",
            "deadline": deadline,
        },
    )
    project = LivelihoodProject.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("livelihood:detail", args=[project.pk])
    assert project.budget == Decimal("350.50")
    assert list(project.assisting_units.all()) == [world.street_a]

    detail = office.get(reverse("livelihood:detail", args=[project.pk])).content.decode()
    for label in ("新增子项", "新增时间节点", "项目完成", "终止项目", "修改项目"):
        assert label in detail
    assert "满意度测评" not in detail

    office.post(reverse("livelihood:add_milestone", args=[project.pk]), {"name": "开工", "planned_on": deadline})
    office.post(
        reverse("livelihood:add_task", args=[project.pk]),
        {"name": "选址设计", "owner_unit": world.street_a.pk, "deadline": deadline, "weight": "2"},
    )
    task = ProjectTask.objects.get()
    milestone = ProjectMilestone.objects.get()
    assert (task.weight, task.owner_unit) == (2, world.street_a)

    liaison.post(reverse("livelihood:task_start", args=[task.pk]), {"version": task.version})
    answer = liaison.post(
        reverse("livelihood:task_progress", args=[task.pk]),
        {"percent": "40", "text": "设计完成", "evidence": png("设计图.png")},
    )
    assert answer.status_code == 302
    assert ProjectEvidence.objects.get().original_name == "设计图.png"
    project.refresh_from_db()
    assert project.progress == Decimal("40.0")

    task.refresh_from_db()
    liaison.post(reverse("livelihood:task_finish", args=[task.pk]), {"version": task.version})
    office.post(reverse("livelihood:reach_milestone", args=[project.pk, milestone.pk]), {"reached_on": deadline})
    assert ProjectMilestone.objects.get().reached_on is None  # a day in the future is refused on the form
    office.post(
        reverse("livelihood:reach_milestone", args=[project.pk, milestone.pk]),
        {"reached_on": timezone.localdate().isoformat()},
    )
    project.refresh_from_db()
    office.post(reverse("livelihood:complete", args=[project.pk]), {"version": project.version, "note": ""})
    project.refresh_from_db()
    answer = office.post(
        reverse("livelihood:evaluate", args=[project.pk]),
        {"version": project.version, "satisfied": "45", "basically_satisfied": "3", "dissatisfied": "2"},
    )
    assert answer.status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.EVALUATED
    page = office.get(reverse("livelihood:detail", args=[project.pk])).content.decode()
    assert "96.0%" in page  # 48 / 50
    assert "1 / 1" in page  # milestones reached


def test_a_stale_form_is_refused_with_a_message(world: World) -> None:
    project = helpers.new_project(world)
    office = signed_in(world.office_a)
    services.edit_project(world.office_a, project, project.version, title="改过的名称")
    answer = office.post(reverse("livelihood:stop", args=[project.pk]), {"version": project.version, "reason": "撤销"})
    assert answer.status_code == 200
    assert "已被他人修改" in answer.content.decode()
    assert LivelihoodProject.objects.get().state == ProjectState.IN_PROGRESS


def test_an_action_not_open_now_says_why_and_a_role_without_it_gets_403(world: World) -> None:
    project = helpers.new_project(world)
    helpers.new_task(world, project)
    office = signed_in(world.office_a)
    page = office.get(reverse("livelihood:complete", args=[project.pk]))
    assert page.status_code == 200
    assert "还有 1 个子项未完成" in page.content.decode()
    assert signed_in(world.liaison_a).get(reverse("livelihood:stop", args=[project.pk])).status_code == 403
    assert (
        signed_in(world.supervisor_a).post(reverse("livelihood:stop", args=[project.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert LivelihoodProject.objects.get().state == ProjectState.IN_PROGRESS


def test_bad_numbers_on_forms_are_form_errors(world: World) -> None:
    project = services.complete_project(world.office_a, helpers.new_project(world))
    office = signed_in(world.office_a)
    answer = office.post(
        reverse("livelihood:evaluate", args=[project.pk]),
        {"satisfied": "1e400", "basically_satisfied": "-3", "dissatisfied": "99999999999999999999"},
    )
    assert answer.status_code == 200
    assert LivelihoodProject.objects.get().state == ProjectState.COMPLETED
    assert office.get(reverse("livelihood:list"), {"campaign": "1e9", "unit": "x"}).status_code == 200


def test_an_assisting_unit_id_no_database_holds_is_a_form_error(world: World) -> None:
    office = signed_in(world.office_a)
    data = {"title": "越界编号", "category": "environment", "lead_unit": world.district_a.pk, "leader_name": "副区长"}
    for bad in ("1" + "0" * 29, "-1", "1e3"):
        answer = office.post(reverse("livelihood:new"), {**data, "assisting_units": [world.street_a.pk, bad]})
        assert answer.status_code == 200
        assert f"“{bad}”" in answer.content.decode()
    assert not LivelihoodProject.objects.exists()


def test_the_list_shows_progress_filters_and_figures(world: World) -> None:
    helpers.completed(world, title="已完成的项目")
    running = helpers.new_project(world, title="实施中的项目")
    services.report_project_progress(world.liaison_a, running, text="过半", percent=60)
    helpers.new_project(world, title="西城的项目", unit=world.district_b, actor=world.office_b)
    page = signed_in(world.office_a).get(reverse("livelihood:list")).content.decode()
    assert "已完成的项目" in page
    assert "实施中的项目" in page
    assert "西城的项目" not in page
    assert "width: 60.0%" in page
    assert '<div class="fs-5" id="overall">80.0%</div>' in page  # (100 + 60) / 2
    filtered = signed_in(world.office_a).get(reverse("livelihood:list"), {"state": "completed"}).content.decode()
    assert "实施中的项目" not in filtered


def test_a_task_page_and_the_evidence_download(world: World) -> None:
    task = helpers.started(world)
    report = services.report_task_progress(world.liaison_a, task, text="进展", percent=20, files=[png("现场.png")])
    evidence = report.evidence.get()
    assert isinstance(report, ProjectProgress)
    liaison = signed_in(world.liaison_a)
    page = liaison.get(reverse("livelihood:task_detail", args=[task.pk])).content.decode()
    assert "现场.png" in page
    assert "子项完成" in page
    download = liaison.get(reverse("livelihood:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(evidence.pk)).exists()
    assert signed_in(world.liaison_b).get(reverse("livelihood:evidence", args=[evidence.pk])).status_code == 404


def test_the_office_reopens_a_task_and_closes_another(world: World) -> None:
    done = helpers.finished(world)
    office = signed_in(world.office_a)
    office.post(reverse("livelihood:task_reopen", args=[done.pk]), {"version": done.version, "reason": "验收不合格"})
    other = helpers.new_task(world, done.project, name="第二个子项")
    office.post(reverse("livelihood:task_close", args=[other.pk]), {"version": other.version})
    states = dict(ProjectTask.objects.values_list("pk", "state"))
    assert states == {done.pk: TaskState.IN_PROGRESS, other.pk: TaskState.DONE}


def test_proposals_from_units_and_the_public_are_shortlisted_and_voted(world: World) -> None:
    helpers.make_public(world)
    liaison, office_a, office_city = signed_in(world.liaison_a), signed_in(world.office_a), signed_in(world.office_city)
    answer = liaison.post(
        reverse("livelihood:proposal_new"),
        {
            "unit": world.street_a.pk,
            "title": "社区口袋公园",
            "category": "environment",
            "description": "利用闲置地块建口袋公园。",
        },
    )
    assert answer.status_code == 302
    from_unit = ProjectProposal.objects.get()
    from_public = helpers.public_proposal(world)
    listing = office_city.get(reverse("livelihood:proposals")).content.decode()
    assert "138****5678" in listing
    assert helpers.PHONE not in listing
    assert "王**" in listing

    office_a.post(
        reverse("livelihood:shortlist", args=[from_unit.pk]),
        {"version": from_unit.version, "lead_unit": world.street_a.pk, "note": "可行"},
    )
    office_city.post(
        reverse("livelihood:decline", args=[from_public.pk]), {"version": from_public.version, "reason": "已有同类项目"}
    )
    assert ProjectProposal.objects.get(pk=from_public.pk).state == ProposalState.DECLINED

    vote_page = office_city.get(reverse("livelihood:vote")).content.decode()
    assert "社区口袋公园" in vote_page
    answer = office_city.post(
        reverse("livelihood:vote"),
        {
            "name": "市人大常委会第十次会议",
            "held_on": timezone.localdate().isoformat(),
            "voters": "30",
            f"p{from_unit.pk}_for": "20",
            f"p{from_unit.pk}_against": "6",
            f"p{from_unit.pk}_abstain": "4",
        },
    )
    assert answer.status_code == 302
    assert ProjectProposal.objects.get(pk=from_unit.pk).state == ProposalState.ADOPTED
    project = LivelihoodProject.objects.get()
    assert (project.title, project.lead_unit) == ("社区口袋公园", world.street_a)
    detail = office_city.get(reverse("livelihood:proposal_detail", args=[from_unit.pk])).content.decode()
    assert "赞成 20 票" in detail


def test_a_vote_with_half_filled_counts_is_a_form_error(world: World) -> None:
    item = helpers.shortlisted(world)
    office = signed_in(world.office_city)
    answer = office.post(
        reverse("livelihood:vote"),
        {"name": "票决", "held_on": timezone.localdate().isoformat(), "voters": "10", f"p{item.pk}_for": "6"},
    )
    assert answer.status_code == 200
    assert "都填上" in answer.content.decode()
    assert ProjectProposal.objects.get().state == ProposalState.SHORTLISTED
    assert signed_in(world.office_a).get(reverse("livelihood:vote")).status_code == 403


def test_the_office_reveals_a_citizens_contact_on_a_page(world: World) -> None:
    helpers.make_public(world)
    item = helpers.public_proposal(world)
    office = signed_in(world.office_city)
    page = office.get(reverse("livelihood:proposal_detail", args=[item.pk])).content.decode()
    assert helpers.PHONE not in page
    revealed = office.post(reverse("livelihood:reveal_contact", args=[item.pk]))
    assert helpers.PHONE in revealed.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).count() == 1
    assert signed_in(world.office_a).post(reverse("livelihood:reveal_contact", args=[item.pk])).status_code == 404


def test_the_campaigns_office_marks_its_projects_public(world: World) -> None:
    office = signed_in(world.office_city)
    assert office.get(reverse("livelihood:settings")).status_code == 200
    office.post(reverse("livelihood:settings"), {"public": "on", "collecting": "on", "version": "1"})
    assert services.set_options(world.office_city, world.campaign, public=True, collecting=True).version == 2
    assert signed_in(world.office_a).get(reverse("livelihood:settings")).status_code == 403


def test_an_outside_campaign_id_is_a_404_and_no_id_a_400(world: World) -> None:
    office = signed_in(world.office_b)
    assert office.get(reverse("livelihood:new"), {"campaign": "987654"}).status_code == 404
    assert office.get(reverse("livelihood:new"), {"campaign": "abc"}).status_code == 400
    assert office.get(reverse("livelihood:new")).status_code == 200


def test_the_edit_page_saves_with_the_version_seen(world: World) -> None:
    project = helpers.new_project(world)
    office = signed_in(world.office_a)
    form = office.get(reverse("livelihood:edit", args=[project.pk])).content.decode()
    assert project.title in form
    data = {
        "version": project.version,
        "title": "社区养老服务中心（扩建）",
        "category": "care",
        "lead_unit": world.street_a.pk,
        "assisting_units": [world.district_a.pk],
        "leader_name": "东城街道主任",
        "budget": "",
        "deadline": project.deadline.isoformat(),
    }
    assert office.post(reverse("livelihood:edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.lead_unit, project.org_path) == (
        "社区养老服务中心（扩建）",
        world.street_a,
        world.street_a.path,
    )
    again = office.post(reverse("livelihood:edit", args=[project.pk]), {**data, "title": "旧表单"})
    assert "已被他人修改" in again.content.decode()


def test_the_detail_timeline_holds_the_tasks_events(world: World) -> None:
    task = helpers.started(world, name="铺设管网")
    page = signed_in(world.office_a).get(reverse("livelihood:detail", args=[task.project_id])).content.decode()
    assert "开始实施" in page
    assert "铺设管网" in page
