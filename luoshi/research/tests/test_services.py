"""Research services: settings, directions and topics, review rounds, fieldwork visits, results and conversions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.problems.models import Problem
from luoshi.research import queries, services
from luoshi.research.choices import Decision, EventKind, PlanState
from luoshi.research.models import PlanConversion, PlanEvent, PlanFile, PlanReview, ResearchPlan, ResearchSettings
from luoshi.research.tests.factory import (
    VISIT_DAY,
    convert_problem,
    convert_task,
    draft,
    fresh,
    in_state,
    report,
    topic,
)
from luoshi.tasks.models import Task
from luoshi.testing.hostile_files import png_with_script
from luoshi.testing.world import World
from luoshi.visits.models import Visit
from luoshi.visits.services import VisitRefused

pytestmark = pytest.mark.django_db


def _round_trip(world: World, plan: ResearchPlan, times: int) -> ResearchPlan:
    for n in range(times):
        plan = services.submit_plan(world.liaison_a, fresh(plan))
        plan = services.return_plan(world.office_a, fresh(plan), comments=f"第{n + 1}轮意见")
    return plan


def test_settings_default_to_three_rounds_and_only_the_office_changes_them(world: World) -> None:
    assert services.settings_for(world.campaign).max_review_rounds == 3
    with pytest.raises(NotAllowed):
        services.update_settings(world.office_a, world.campaign, max_review_rounds=2)
    with pytest.raises(RuleViolation):
        services.update_settings(world.office_city, world.campaign, max_review_rounds=0)
    saved = services.update_settings(world.office_city, world.campaign, max_review_rounds=2)
    assert services.settings_for(world.campaign).max_review_rounds == saved.max_review_rounds == 2


def test_a_fourth_submission_is_refused_by_default(world: World) -> None:
    plan = _round_trip(world, draft(world), 3)
    plan = fresh(plan)
    assert plan.state == PlanState.RETURNED
    assert plan.submissions == 3
    assert "submit" not in services.available_actions(world.liaison_a, plan)
    assert "edit" in services.available_actions(world.liaison_a, plan)
    reason = services.engine.refusals(services.TRACKER, world.liaison_a, plan)["submit"]
    assert "3 次" in reason
    assert "（3 轮）" in reason
    with pytest.raises(RuleViolation, match="最多审核轮次"):
        services.submit_plan(world.liaison_a, plan)
    assert fresh(plan).submissions == 3


def test_with_two_rounds_configured_the_third_submission_is_refused(world: World) -> None:
    services.update_settings(world.office_city, world.campaign, max_review_rounds=2)
    plan = fresh(_round_trip(world, draft(world), 2))
    with pytest.raises(RuleViolation, match="（2 轮）"):
        services.submit_plan(world.liaison_a, plan)


def test_returned_twice_then_approved_keeps_a_review_per_round(world: World) -> None:
    plan = _round_trip(world, draft(world), 2)
    plan = services.submit_plan(world.liaison_a, fresh(plan))
    plan = services.approve_plan(world.office_a, fresh(plan), comments="同意开展")
    reviews = list(plan.reviews.order_by("round").values_list("round", "decision", "comments"))
    assert reviews == [
        (1, Decision.RETURNED, "第1轮意见"),
        (2, Decision.RETURNED, "第2轮意见"),
        (3, Decision.APPROVED, "同意开展"),
    ]
    assert plan.state == PlanState.APPROVED
    assert plan.submissions == 3
    kinds = list(PlanEvent.objects.filter(plan=plan).order_by("id").values_list("kind", flat=True))
    assert kinds.count(EventKind.SUBMITTED) == 3
    assert kinds.count(EventKind.RETURNED) == 2


def test_returning_needs_comments(world: World) -> None:
    plan = in_state(world, PlanState.SUBMITTED)
    with pytest.raises(RuleViolation, match="审核意见"):
        services.return_plan(world.office_a, plan, comments="  ")
    assert fresh(plan).state == PlanState.SUBMITTED


def test_nobody_reviews_their_own_plan(world: World) -> None:
    RoleAssignment.objects.create(user=world.office_a, role=Role.LIAISON, unit=world.district_a)
    plan = services.submit_plan(world.office_a, draft(world, by=world.office_a, leader=None))
    assert "approve" not in services.available_actions(world.office_a, plan)
    with pytest.raises(RuleViolation, match="自己"):
        services.approve_plan(world.office_a, fresh(plan))
    assert services.approve_plan(world.office_city, fresh(plan)).state == PlanState.APPROVED


def test_a_plan_needs_two_or_three_questions_to_be_submitted(world: World) -> None:
    plan = draft(world, questions=["只有一个问题", "  "])
    assert plan.questions == ["只有一个问题"]
    assert "submit" not in services.available_actions(world.liaison_a, plan)
    with pytest.raises(RuleViolation, match="2 至 3"):
        services.submit_plan(world.liaison_a, plan)
    with pytest.raises(RuleViolation, match="最多 3"):
        services.clean_questions("一\n二\n三\n四")
    plan = services.update_plan(
        world.liaison_a,
        fresh(plan),
        topic=plan.topic,
        title=plan.title,
        due_date=plan.due_date,
        questions="问题一\n\n问题二\n问题三",
        version=plan.version,
    )
    assert plan.questions == ["问题一", "问题二", "问题三"]
    assert services.submit_plan(world.liaison_a, fresh(plan)).state == PlanState.SUBMITTED
    with pytest.raises(RuleViolation):
        services.update_plan(
            world.liaison_a, fresh(plan), topic=plan.topic, title="改名", due_date=plan.due_date, questions=[]
        )


def test_creating_a_plan_checks_scope_topic_and_dates(world: World) -> None:
    with pytest.raises(NotAllowed):
        draft(world, by=world.liaison_b)
    with pytest.raises(NotAllowed):
        draft(world, by=world.office_a)
    with pytest.raises(RuleViolation, match="活动期间"):
        draft(world, due_date=dt.date(2027, 3, 1))
    with pytest.raises(RuleViolation, match="牵头"):
        draft(world, leader=world.leader_b)
    plan = draft(world, unit=world.street_a)
    assert plan.org_path == world.street_a.path
    assert plan.state == PlanState.DRAFT
    assert plan.events.get().kind == EventKind.DRAFTED


def test_directions_and_topics_are_kept_by_the_campaigns_office(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.create_direction(world.office_a, campaign=world.campaign, name="基层减负")
    direction = services.create_direction(world.office_city, campaign=world.campaign, name="基层减负")
    with pytest.raises(RuleViolation, match="已存在"):
        services.create_direction(world.office_city, campaign=world.campaign, name="基层减负")
    moved = services.update_direction(world.office_city, direction, name="为基层减负", order=5)
    assert (moved.name, moved.order) == ("为基层减负", 5)
    made = services.create_topic(
        world.office_city, campaign=world.campaign, direction=direction, title="迎检过多", is_counter_example=True
    )
    assert made.is_counter_example
    assert made.org_path == world.city.path
    changed = services.update_topic(world.office_city, made, title="迎检过多的成因", direction=None)
    assert changed.direction is None
    assert not changed.is_counter_example
    with pytest.raises(RuleViolation, match="已存在"):
        services.create_topic(world.office_city, campaign=world.campaign, title="迎检过多的成因")
    rows = queries.overview(world.office_city, world.campaign)
    assert [r.direction for r in rows] == [moved, None]
    assert AuditEvent.objects.filter(object_type="research.researchtopic").count() == 2


def test_the_overview_counts_the_plans_a_user_sees_per_state(world: World) -> None:
    chosen = topic(world, counter=True)
    in_state(world, PlanState.SUBMITTED, topic=chosen)
    in_state(world, PlanState.DRAFT, topic=chosen)
    [row] = [r for r in queries.overview(world.office_a, world.campaign) if r.direction == chosen.direction]
    assert row.topics[0].counts[PlanState.SUBMITTED] == 1
    assert row.total == 2
    [row_b] = [r for r in queries.overview(world.office_b, world.campaign) if r.direction == chosen.direction]
    assert row_b.total == 0


def test_fieldwork_visits_go_on_the_calendar_and_pass_its_warning_with_a_reason(world: World) -> None:
    plan = in_state(world, PlanState.APPROVED)
    assert "file_visit" in services.available_actions(world.liaison_a, plan)
    base: dict[str, Any] = {"unit": world.street_a, "headcount": 4, "kinds": ["looks", "talks"]}
    for day in (VISIT_DAY, VISIT_DAY + dt.timedelta(days=3)):
        services.file_plan_visit(world.liaison_a, fresh(plan), date=day, **base)
    later = VISIT_DAY + dt.timedelta(days=6)
    with pytest.raises(VisitRefused) as refused:
        services.file_plan_visit(world.liaison_a, fresh(plan), date=later, **base)
    assert refused.value.code == "needs_reason"
    assert refused.value.hits[0].kind == "unit_window"
    visit = services.file_plan_visit(world.liaison_a, fresh(plan), date=later, override_reason="群众反映集中", **base)
    assert visit.organiser_key == f"plan:{plan.pk}"
    assert visit.organiser == plan.title
    assert visit.override_reason == "群众反映集中"
    assert visit.team == plan.team
    assert next(v.pk for v in queries.plan_visits(plan)) == visit.pk
    assert PlanEvent.objects.filter(plan=plan, kind=EventKind.VISIT_FILED).count() == 3
    with pytest.raises(NotAllowed):
        services.file_plan_visit(world.liaison_b, fresh(plan), date=later, **base)
    done = in_state(world, PlanState.REPORTED)
    with pytest.raises(RuleViolation):
        services.file_plan_visit(world.liaison_a, done, date=later, **base)
    assert Visit.objects.count() == 3


def test_the_result_needs_a_summary_and_a_checked_report_file(world: World) -> None:
    plan = in_state(world, PlanState.FIELDWORK)
    with pytest.raises(RuleViolation, match="调研报告"):
        services.report_result(world.liaison_a, plan, summary="成果", files=[])
    with pytest.raises(RuleViolation):
        services.report_result(world.liaison_a, fresh(plan), summary="成果", files=[png_with_script()])
    assert PlanFile.objects.count() == 0
    assert fresh(plan).state == PlanState.FIELDWORK
    reported = report(world, plan)
    assert reported.result_summary == "迎检事项可压减三成。"
    assert reported.files.get().original_name == "调研报告.png"


def test_conversions_link_back_and_move_the_state_once(world: World) -> None:
    plan = in_state(world, PlanState.REPORTED)
    first = convert_task(world, fresh(plan))
    assert fresh(plan).state == PlanState.CONVERTED
    second = convert_problem(world, fresh(plan))
    task, problem = Task.objects.get(pk=first.task_id), Problem.objects.get(pk=second.problem_id)
    assert task.research_plan_link.plan == plan
    assert problem.research_plan_link.plan == plan
    assert task.unit == plan.unit
    assert problem.unit == plan.unit
    assert set(PlanConversion.objects.filter(plan=plan).values_list("pk", flat=True)) == {first.pk, second.pk}
    moved = PlanEvent.objects.filter(plan=plan, kind=EventKind.CONVERTED)
    assert moved.count() == 2
    assert moved.filter(from_state=PlanState.REPORTED, to_state=PlanState.CONVERTED).count() == 1
    with pytest.raises(NotAllowed):
        convert_task(world, fresh(plan), actor=world.liaison_a)
    with pytest.raises(RuleViolation):
        convert_problem(world, fresh(plan), actor=world.supervisor_a)


def test_a_plan_made_and_converted_by_direct_calls_links_back(world: World) -> None:
    made = services.create_plan(
        world.liaison_a,
        campaign=world.campaign,
        topic=topic(world),
        unit=world.street_a,
        title="关于村级报表的调研",
        questions="报表为何重复\n能否一表通",
        due_date=dt.date(2026, 9, 30),
    )
    assert services.plan_url(made) == f"/research/plans/{made.pk}/"
    plan = in_state(world, PlanState.REPORTED)
    task_link = services.convert_to_task(world.office_a, plan, "一表通改革", due_on=dt.date(2026, 11, 30))
    problem_link = services.convert_to_problem(
        world.liaison_a,
        fresh(plan),
        "报表重复",
        channel=world.channels[0],
        aspect=world.aspects[0],
        unit=world.street_a,
        found_on=dt.date(2026, 6, 1),
        deadline=dt.date(2026, 9, 1),
    )
    assert task_link.task is not None
    assert problem_link.problem is not None
    assert problem_link.problem.unit == world.street_a
    assert PlanReview.objects.filter(plan=plan).count() == 1
    assert not ResearchSettings.objects.filter(campaign=world.campaign).exists()


def test_an_open_plan_is_urged_and_a_reported_one_is_not(world, django_capture_on_commit_callbacks):
    from luoshi.notices.models import Notification
    from luoshi.urging import services as urging

    plan = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        [urge] = urging.urge(world.office_a, [plan], message="请尽快提交调研方案")
    assert urge.object_id == plan.pk
    assert Notification.objects.filter(recipient=world.liaison_a, kind="urged").exists()
    with pytest.raises(RuleViolation):
        urging.urge(world.office_a, [in_state(world, PlanState.REPORTED)], message="快")
