"""Study plan services (学习计划): items, editing only while draft or returned, marking done, notifications,
urging, the export and the items fed to the study list."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices.models import Notification
from luoshi.study import plans
from luoshi.study.choices import ClassKind, PlanEventKind, PlanState
from luoshi.study.models import StudyPlan, StudyPlanEvent, StudyPlanItem
from luoshi.study.tests.plan_factory import ITEMS, draft, fresh, held_session, in_state
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_draft_keeps_its_items_in_order_and_is_audited(world: World) -> None:
    plan = draft(world)
    rows = list(StudyPlanItem.objects.filter(plan=plan))
    assert [(r.topic, r.half_days, r.form, r.order) for r in rows] == [
        ("学习党章党规", 2, ClassKind.READING, 1),
        ("专题研讨", 1, ClassKind.TOPIC, 2),
    ]
    assert all(r.org_path == world.district_a.path for r in rows)
    assert plan.state == PlanState.DRAFT
    assert plan.created_by == world.liaison_a
    assert StudyPlanEvent.objects.get(plan=plan).kind == PlanEventKind.DRAFTED
    assert AuditEvent.objects.filter(object_type="study.studyplan", object_id=str(plan.pk)).count() == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"topic": "  "}, "学习专题不能为空"),
        ({"topic": "x" * 201}, "学习专题不能为空"),
        ({"topic": "学习", "half_days": 0}, "半天数"),
        ({"topic": "学习", "half_days": "很多"}, "半天数"),
        ({"topic": "学习", "half_days": 61}, "半天数"),
        ({"topic": "学习", "form": "party"}, "学习形式"),
        ({"topic": "学习", "planned_date": dt.date(2027, 1, 5)}, "活动期间"),
    ],
)
def test_broken_items_are_refused_and_nothing_is_stored(world: World, item: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        plans.create_plan(
            world.liaison_a,
            campaign=world.campaign,
            unit=world.district_a,
            title="计划",
            due_date=dt.date(2026, 11, 30),
            items=[ITEMS[0], item],
        )
    assert not StudyPlan.objects.exists()
    assert not StudyPlanItem.objects.exists()


def test_too_many_items_a_blank_title_or_a_late_due_date_are_refused(world: World) -> None:
    base: dict[str, Any] = {
        "campaign": world.campaign,
        "unit": world.district_a,
        "title": "计划",
        "due_date": dt.date(2026, 11, 30),
    }
    with pytest.raises(RuleViolation, match="最多"):
        plans.create_plan(world.liaison_a, **{**base, "items": [{"topic": f"专题{n}"} for n in range(101)]})
    with pytest.raises(RuleViolation, match="计划名称"):
        plans.create_plan(world.liaison_a, **{**base, "title": " "})
    with pytest.raises(RuleViolation, match="完成时限"):
        plans.create_plan(world.liaison_a, **{**base, "due_date": dt.date(2027, 3, 1)})
    assert not StudyPlan.objects.exists()


def test_items_are_edited_only_while_draft_or_returned(world: World) -> None:
    new_items = [plans.ItemInput("学习新思想", dt.date(2026, 5, 8), 3, ClassKind.CENTRAL)]
    for state in (PlanState.DRAFT, PlanState.RETURNED):
        plan = in_state(world, state)
        assert "edit" in plans.available_actions(world.liaison_a, plan)
        changed = plans.update_plan(
            world.liaison_a, plan, title="修改后", due_date=dt.date(2026, 10, 31), items=new_items, version=plan.version
        )
        assert changed.title == "修改后"
        assert changed.version == plan.version + 1
        assert list(changed.items.values_list("topic", "half_days")) == [("学习新思想", 3)]
        assert StudyPlanEvent.objects.filter(plan=plan, kind=PlanEventKind.EDITED).exists()
        audit = AuditEvent.objects.filter(object_id=str(plan.pk), object_type="study.studyplan").order_by("-seq")
        assert any(e.after and "items" in e.after for e in audit)
    for state in (PlanState.SUBMITTED, PlanState.APPROVED, PlanState.DONE):
        plan = in_state(world, state)
        assert "edit" not in plans.available_actions(world.liaison_a, plan)
        with pytest.raises(RuleViolation):
            plans.update_plan(world.liaison_a, plan, title="改", due_date=plan.due_date, items=new_items)
        assert fresh(plan).items.count() == 2
    with pytest.raises(NotAllowed):
        plans.update_plan(
            world.liaison_b, in_state(world, PlanState.DRAFT), title="改", due_date=plan.due_date, items=[]
        )


def test_returning_needs_comments_and_tells_the_maker(world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = in_state(world, PlanState.SUBMITTED)
    with pytest.raises(RuleViolation, match="审核意见"):
        plans.return_plan(world.office_a, plan, comments="  ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = plans.return_plan(world.office_a, plan, comments="请补充研讨安排")
    assert returned.state == PlanState.RETURNED
    assert returned.review_note == "请补充研讨安排"
    notice = Notification.objects.get(recipient=world.liaison_a)
    assert notice.kind == "sent_back"
    assert "退回" in notice.title
    assert notice.url == plans.plan_url(plan)
    again = plans.submit_plan(world.liaison_a, returned)
    with django_capture_on_commit_callbacks(execute=True):
        approved = plans.approve_plan(world.office_a, again)
    assert approved.state == PlanState.APPROVED
    assert Notification.objects.filter(recipient=world.liaison_a, kind="decided").exists()
    assert not Notification.objects.filter(recipient=world.office_a).exists()


def test_marking_the_last_item_done_completes_the_plan(world: World) -> None:
    plan = in_state(world, PlanState.APPROVED)
    first, second = plan.items.order_by("order")
    session = held_session(world)
    after_first = plans.mark_item_done(world.liaison_a, first, session=session, version=plan.version)
    assert after_first.state == PlanState.APPROVED
    note = StudyPlanEvent.objects.filter(plan=plan, kind=PlanEventKind.EDITED).latest("id").note
    assert "学习党章党规" in note
    assert "读书班" not in note
    assert "第一讲" in note
    with pytest.raises(RuleViolation, match="已登记完成"):
        plans.mark_item_done(world.liaison_a, first)
    done = plans.mark_item_done(world.office_a, second)
    assert done.state == PlanState.DONE
    assert StudyPlanEvent.objects.filter(plan=plan, kind=PlanEventKind.DONE).exists()
    assert set(plan.items.values_list("done", flat=True)) == {True}


def test_marking_done_needs_an_approved_plan_the_right_and_a_held_session_of_the_campaign(world: World) -> None:
    draft_item = in_state(world, PlanState.DRAFT).items.get(order=1)
    with pytest.raises(RuleViolation):
        plans.mark_item_done(world.liaison_a, draft_item)
    plan = in_state(world, PlanState.APPROVED)
    item = plan.items.get(order=1)
    with pytest.raises(NotAllowed):
        plans.mark_item_done(world.leader_a, item)
    with pytest.raises(NotAllowed):
        plans.mark_item_done(world.liaison_b, item)
    with pytest.raises(RuleViolation, match="尚未举行"):
        plans.mark_item_done(world.liaison_a, item, session=held_session(world, date=dt.date(2026, 12, 30)))
    with pytest.raises(RuleViolation, match="不在您的范围内"):
        plans.mark_item_done(world.liaison_a, item, session=held_session(world, unit=world.district_b))
    assert not StudyPlanItem.objects.filter(plan=plan, done=True).exists()


def test_an_open_plan_is_urged_and_a_done_one_is_not(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from luoshi.urging import services as urging

    plan = in_state(world, PlanState.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        [urge] = urging.urge(world.office_a, [plan], message="请按计划开展学习")
    assert urge.object_id == plan.pk
    assert Notification.objects.filter(recipient=world.liaison_a, kind="urged").exists()
    with pytest.raises(RuleViolation):
        urging.urge(world.office_a, [in_state(world, PlanState.DONE)], message="快")


def test_the_study_list_is_fed_by_approved_and_done_plans_of_the_unit(world: World) -> None:
    for state in PlanState.values:
        in_state(world, state, title=f"计划{state}")
    in_state(world, PlanState.APPROVED, maker=world.office_b, unit=world.district_b)
    fed = plans.feed_items(world.office_city, world.campaign, world.district_a)
    assert {i.plan.title for i in fed} == {"计划approved", "计划done"}
    assert fed.count() == 4
    assert not plans.feed_items(world.liaison_b, world.campaign, world.district_a).exists()


def test_the_workbook_has_a_row_per_item_of_the_plans_seen(world: World) -> None:
    in_state(world, PlanState.APPROVED, title="=HYPERLINK(1)")
    plans.create_plan(
        world.liaison_a, campaign=world.campaign, unit=world.district_a, title="空计划", due_date=dt.date(2026, 9, 1)
    )
    in_state(world, PlanState.DRAFT, maker=world.office_b, unit=world.district_b, title="西城计划")
    content, count = plans.plans_workbook(world.liaison_a, world.campaign, plans.plans_for(world.liaison_a))
    assert count == 3
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位", "计划名称")
    assert {r[1] for r in rows[1:]} == {"'=HYPERLINK(1)", "空计划"}
    assert {r[5] for r in rows[1:]} == {"学习党章党规", "专题研讨", None}
    assert AuditEvent.objects.filter(action="export", object_id=str(world.campaign.pk)).exists()
    with pytest.raises(NotAllowed):
        plans.plans_workbook(world.handler_a, world.campaign, plans.plans_for(world.handler_a))
