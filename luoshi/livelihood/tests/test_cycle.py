"""The whole cycle through the services: 征集 → 筛选 → 票决 → 实施 → 测评, with its figures, timeline and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.audit.models import Action, AuditEvent
from luoshi.core import crypto
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.livelihood import queries, services
from luoshi.livelihood.choices import ProjectState, ProposalState, TaskState
from luoshi.livelihood.models import (
    LivelihoodProject,
    LivelihoodSettings,
    ProjectEvent,
    ProjectMilestone,
    ProjectProposal,
    ProposalEvent,
    TaskEvent,
    VoteResult,
    VoteRound,
)
from luoshi.livelihood.tests import helpers
from luoshi.testing.problems import png
from luoshi.testing.world import World
from luoshi.tracking.choices import Light


def test_the_cycle_from_proposal_to_evaluation(world: World) -> None:
    helpers.make_public(world)
    from_unit = helpers.proposal(world)
    from_public = helpers.public_proposal(world)
    turned_down = helpers.proposal(world, title="新建城市地标雕塑")
    assert from_public.state == ProposalState.SUBMITTED
    assert from_public.org_path == world.city.path

    services.shortlist(world.office_a, from_unit, note="群众需求迫切")
    services.shortlist(world.office_city, from_public, lead_unit=world.street_a)
    services.decline(world.office_a, turned_down, reason="不属于民生实事范围")
    losing = helpers.shortlisted(world, title="建设区级体育馆")

    vote = services.hold_vote(
        world.office_city,
        world.campaign,
        name="市人大常委会票决",
        held_on=timezone.localdate(),
        voters=40,
        counts={from_unit.pk: (35, 3, 2), from_public.pk: (21, 15, 4), losing.pk: (20, 18, 2)},
    )
    assert vote.results.count() == 3
    states = dict(ProjectProposal.objects.values_list("pk", "state"))
    assert states[from_unit.pk] == ProposalState.ADOPTED
    assert states[from_public.pk] == ProposalState.ADOPTED
    assert states[losing.pk] == ProposalState.REJECTED
    assert states[turned_down.pk] == ProposalState.DECLINED
    assert not VoteResult.objects.get(proposal=losing).adopted

    project = LivelihoodProject.objects.get(proposal=from_unit)
    canteen = LivelihoodProject.objects.get(proposal=from_public)
    assert canteen.lead_unit == world.street_a
    assert project.state == ProjectState.IN_PROGRESS
    assert LivelihoodProject.objects.count() == 2

    services.edit_project(world.office_a, project, project.version, leader_name="东城区副区长", budget=Decimal("800"))
    project.refresh_from_db()
    site = services.add_milestone(world.office_a, project, name="完成选址", planned_on=timezone.localdate())
    services.add_milestone(world.office_a, project, name="投入使用", planned_on=project.deadline)
    design = helpers.new_task(world, project, name="改造设计", weight=1)
    build = helpers.new_task(world, project, name="施工建设", weight=3, owner_unit=world.street_a)
    project.refresh_from_db()
    assert project.progress == Decimal("0.0")

    services.start_task(world.liaison_a, design)
    services.report_task_progress(world.liaison_a, design, text="方案已评审", percent=60, files=[png("方案.png")])
    services.start_task(world.liaison_a, build)
    services.report_task_progress(world.liaison_a, build, text="主体完工", percent=40)
    project.refresh_from_db()
    assert project.progress == Decimal("45.0")  # (1 × 60 + 3 × 40) / 4

    services.finish_task(world.liaison_a, design)
    project.refresh_from_db()
    assert project.progress == Decimal("55.0")  # (1 × 100 + 3 × 40) / 4
    with pytest.raises(RuleViolation, match="还有 1 个子项未完成"):
        services.complete_project(world.office_a, project)

    services.close_task(world.office_a, build, note="现场核验")
    services.reach_milestone(world.office_a, site)
    project = services.complete_project(world.office_a, project)
    assert project.progress == Decimal("100.0")
    assert project.light == Light.GREEN

    project = services.evaluate_project(
        world.office_a, project, satisfied=180, basically_satisfied=12, dissatisfied=8, note="入户走访 200 人"
    )
    assert project.state == ProjectState.EVALUATED
    assert project.satisfaction_rate == Decimal("96.0")  # 192 / 200

    figures = queries.campaign_figures(world.campaign)
    assert figures["projects_total"] == 2
    assert figures["projects_completed"] == 1
    assert figures["tasks_total"] == 2
    assert figures["tasks_done"] == 2
    assert figures["progress"] == Decimal("50.0")  # (100 + 0) / 2
    assert figures["satisfaction_rate"] == Decimal("96.0")
    assert queries.campaign_figures(world.campaign, world.district_b)["projects_total"] == 0

    kinds = list(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert {"created", "edited", "milestone_added", "milestone_reached", "task_added", "completed", "evaluated"} <= set(
        kinds
    )
    assert TaskEvent.objects.filter(task=build, kind="closed").exists()
    assert ProposalEvent.objects.filter(proposal=from_public, kind="adopted").exists()
    audited = AuditEvent.objects.filter(object_type="livelihood.livelihoodproject", object_id=str(project.pk))
    assert list(audited.order_by("seq").values_list("action", flat=True)) == [
        Action.CREATE,
        Action.UPDATE,
        Action.TRANSITION,
        Action.TRANSITION,
    ]


def test_stopped_projects_are_left_out_of_the_campaigns_progress(world: World) -> None:
    helpers.completed(world)
    helpers.stopped(world, title="已终止项目")
    figures = queries.campaign_figures(world.campaign)
    assert (figures["projects_total"], figures["projects_stopped"], figures["progress"]) == (1, 1, Decimal("100.0"))
    stopped = LivelihoodProject.objects.get(state=ProjectState.STOPPED)
    assert stopped.stop_reason == "选址调整，并入明年计划"


def test_a_project_without_tasks_reports_its_own_percent(world: World) -> None:
    project = helpers.new_project(world)
    report = services.report_project_progress(world.liaison_a, project, text="完成主体工程", percent=70)
    project.refresh_from_db()
    assert (report.percent, project.reported_percent, project.progress) == (70, 70, Decimal("70.0"))
    helpers.new_task(world, project)
    project.refresh_from_db()
    assert project.progress == Decimal("0.0")
    with pytest.raises(RuleViolation, match="已分解为子项"):
        services.report_project_progress(world.liaison_a, project, text="再报", percent=80)


def test_progress_refuses_a_percent_out_of_range_and_stores_nothing(world: World) -> None:
    task = helpers.started(world)
    before = task.progress_reports.count()
    for bad in (-1, 101, True):
        with pytest.raises(RuleViolation):
            services.report_task_progress(world.liaison_a, task, text="进展", percent=bad)
    assert task.progress_reports.count() == before


def test_public_phone_is_stored_encrypted_and_masked(world: World) -> None:
    helpers.make_public(world)
    item = helpers.public_proposal(world)
    assert helpers.PHONE not in item.citizen_phone_enc
    assert crypto.decrypt(item.citizen_phone_enc) == helpers.PHONE
    assert item.citizen_phone_masked == "138****5678"
    assert item.citizen_name_masked == "王**"
    assert item.citizen_phone_index == crypto.blind_index(helpers.PHONE)
    created = AuditEvent.objects.get(object_type="livelihood.projectproposal", action=Action.CREATE)
    assert helpers.PHONE not in str(created.after)
    assert "citizen_phone_enc" not in str(created.after)


def test_the_office_reveals_a_contact_and_that_view_is_audited(world: World) -> None:
    helpers.make_public(world)
    item = helpers.public_proposal(world)
    with pytest.raises(NotAllowed):
        services.reveal_contact(world.office_a, item)
    assert services.reveal_contact(world.office_city, item) == ("王秀英", helpers.PHONE)
    assert AuditEvent.objects.filter(action=Action.VIEW_PERSONAL, object_id=str(item.pk)).count() == 1
    silent = helpers.public_proposal(world, citizen_name="", citizen_phone="")
    with pytest.raises(RuleViolation, match="没有留下联系方式"):
        services.reveal_contact(world.office_city, silent)


def test_public_proposals_need_a_public_campaign_that_collects(world: World) -> None:
    with pytest.raises(RuleViolation, match="不征集"):
        helpers.public_proposal(world)
    helpers.make_public(world, collecting=False)
    with pytest.raises(RuleViolation, match="不征集"):
        helpers.public_proposal(world)
    helpers.make_public(world)
    assert helpers.public_proposal(world).state == ProposalState.SUBMITTED


def test_settings_are_kept_per_campaign_by_its_own_office(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.set_options(world.office_a, world.campaign, public=True, collecting=True)
    first = services.set_options(world.office_city, world.campaign, public=True, collecting=False)
    assert (first.public, first.collecting, first.version) == (True, False, 1)
    with pytest.raises(Conflict):
        services.set_options(world.office_city, world.campaign, public=False, collecting=False, version=7)
    second = services.set_options(world.office_city, world.campaign, public=False, collecting=True, version=1)
    assert LivelihoodSettings.objects.get().version == second.version == 2
    assert not queries.settings_for(world.campaign).public


def test_a_unit_proposes_only_for_its_own_units(world: World) -> None:
    with pytest.raises(NotAllowed):
        helpers.proposal(world, unit=world.district_b)
    with pytest.raises(NotAllowed):
        helpers.proposal(world, actor=world.leader_a)
    with pytest.raises(RuleViolation, match="请填写"):
        helpers.proposal(world, title="  ")


def test_a_vote_is_all_or_nothing(world: World) -> None:
    good = helpers.shortlisted(world)
    not_ready = helpers.proposal(world, title="未入围的建议")
    with pytest.raises(RuleViolation):
        helpers.vote_round(world, good, not_ready)
    assert VoteRound.objects.count() == 0
    assert ProjectProposal.objects.get(pk=good.pk).state == ProposalState.SHORTLISTED
    with pytest.raises(RuleViolation, match="超过应参加票决人数"):
        helpers.vote_round(world, good, counts=(40, 10, 1))
    with pytest.raises(NotAllowed):
        services.hold_vote(
            world.office_a,
            world.campaign,
            name="区里票决",
            held_on=timezone.localdate(),
            voters=9,
            counts={good.pk: (5, 2, 2)},
        )
    assert LivelihoodProject.objects.count() == 0


def test_tasks_belong_to_the_lead_or_an_assisting_unit(world: World) -> None:
    project = helpers.new_project(world)
    with pytest.raises(RuleViolation, match="须是项目的牵头单位"):
        helpers.new_task(world, project, owner_unit=world.district_b)
    shared = helpers.new_project(
        world, title="跨区公交线路", assisting_units=[world.district_b], actor=world.office_city
    )
    task = services.add_task(
        world.office_city, shared, name="西城段站点", owner_unit=world.district_b, deadline=shared.deadline
    )
    assert task.org_path == world.district_b.path
    assert services.start_task(world.liaison_b, task).state == TaskState.IN_PROGRESS


def test_editing_moves_a_project_and_its_children_to_the_new_lead_unit(world: World) -> None:
    project = helpers.new_project(world)
    milestone = services.add_milestone(world.office_a, project, name="开工", planned_on=timezone.localdate())
    moved = services.edit_project(
        world.office_a, project, project.version, lead_unit=world.street_a, assisting_units=[world.district_a]
    )
    milestone.refresh_from_db()
    assert moved.org_path == milestone.org_path == world.street_a.path
    assert list(moved.assisting_units.all()) == [world.district_a]
    with pytest.raises(Conflict):
        services.edit_project(world.office_a, project, project.version, title="旧版本")
    with pytest.raises(NotAllowed):
        services.edit_project(world.office_a, moved, moved.version, lead_unit=world.district_b)
    with pytest.raises(RuleViolation, match="不可修改"):
        services.edit_project(world.office_a, moved, moved.version, state="completed")


def test_a_milestone_is_reached_once_and_never_in_the_future(world: World) -> None:
    project = helpers.new_project(world)
    milestone = services.add_milestone(world.office_a, project, name="开工", planned_on=timezone.localdate())
    with pytest.raises(RuleViolation, match="晚于今天"):
        services.reach_milestone(world.office_a, milestone, reached_on=timezone.localdate() + dt.timedelta(days=1))
    services.reach_milestone(world.office_a, milestone, reached_on=timezone.localdate())
    with pytest.raises(RuleViolation):
        services.reach_milestone(world.office_a, milestone)
    assert ProjectMilestone.objects.get().reached_on == timezone.localdate()


def test_evaluation_needs_someone_asked(world: World) -> None:
    project = helpers.completed(world)
    with pytest.raises(RuleViolation, match="不能为 0"):
        services.evaluate_project(world.office_a, project, satisfied=0, basically_satisfied=0, dissatisfied=0)
    with pytest.raises(RuleViolation):
        services.evaluate_project(world.office_a, project, satisfied=-1, basically_satisfied=0, dissatisfied=3)
    assert LivelihoodProject.objects.get().state == ProjectState.COMPLETED


def test_tasks_of_a_finished_project_stay_as_they_are(world: World) -> None:
    task = helpers.finished(world)
    project = services.complete_project(world.office_a, task.project)
    with pytest.raises(RuleViolation, match="子项不能再变更"):
        services.reopen_task(world.office_a, task, reason="复查")
    assert project.state == ProjectState.COMPLETED


def test_lights_follow_the_deadlines(world: World) -> None:
    today = timezone.localdate()
    late = helpers.new_project(world, deadline=today - dt.timedelta(days=1))
    assert late.light == Light.RED
    soon = helpers.new_project(world, title="临期项目", deadline=today + dt.timedelta(days=2))
    assert soon.light == Light.YELLOW
    task = helpers.new_task(world, soon, deadline=today + dt.timedelta(days=30))
    assert task.light == Light.GREEN
    later = today + dt.timedelta(days=29)
    counts = services.refresh_lights(later)
    soon.refresh_from_db()
    task.refresh_from_db()
    assert (soon.light, task.light) == (Light.RED, Light.YELLOW)
    assert counts["yellow"] == 1
    assert counts["red"] >= 1


def test_creating_records_the_project_and_its_assisting_units(world: World) -> None:
    project = services.create_project(
        world.office_city,
        campaign=world.campaign,
        title="  全市公交适老化改造 ",
        lead_unit=world.city,
        assisting_units=[world.district_a, world.district_b, world.district_a],
        deadline=timezone.localdate() + dt.timedelta(days=200),
        leader=world.leader_a,
    )
    assert project.title == "全市公交适老化改造"
    assert project.leader_name == str(world.leader_a)
    created = AuditEvent.objects.get(object_type="livelihood.livelihoodproject", action=Action.CREATE)
    assert (created.after or {})["assisting_units"] == sorted([world.district_a.pk, world.district_b.pk])
    with pytest.raises(RuleViolation, match="投资金额"):
        services.create_project(
            world.office_city,
            campaign=world.campaign,
            title="负数投资",
            lead_unit=world.city,
            deadline=project.deadline,
            budget=Decimal("-1"),
        )
    with pytest.raises(NotAllowed):
        services.create_project(
            world.office_a, campaign=world.campaign, title="越权", lead_unit=world.district_b, deadline=project.deadline
        )


def test_proposals_carry_their_source(world: World) -> None:
    helpers.make_public(world)
    from_unit = services.submit_proposal(
        world.office_a,
        campaign=world.campaign,
        unit=world.district_a,
        title="建设口袋公园",
        description="建议建设口袋公园",
    )
    from_public = services.submit_public_proposal(
        None, campaign=world.campaign, title="增加路灯", description="背街小巷夜间太暗", citizen_phone="0571-8888888"
    )
    assert (from_unit.source, from_unit.lead_unit, from_unit.org_path) == (
        "unit",
        world.district_a,
        world.district_a.path,
    )
    assert (from_public.source, from_public.unit, from_public.citizen_phone_masked) == ("public", None, "057****8888")
    assert from_public.number.startswith("JY")
    created = AuditEvent.objects.get(object_type="livelihood.projectproposal", object_id=str(from_public.pk))
    assert created.actor_name == services.PUBLIC_ACTOR
