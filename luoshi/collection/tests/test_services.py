"""Templates and their versions, rounds, the submission lifecycle, files, urging and the read side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from luoshi.audit.models import Action, AuditEvent
from luoshi.collection import queries, services
from luoshi.collection.choices import Cycle, State
from luoshi.collection.fields import ValuesInvalid
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission, SubmissionEvent, SubmissionFile
from luoshi.collection.periods import Period, month_of, next_period, week_of
from luoshi.collection.tests.factory import FIELDS, GOOD, fresh, in_state, make_template, open_round, submission
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices.models import NoticeKind, Notification
from luoshi.orgs.models import UnitKind
from luoshi.tasks.tests.factory import streets
from luoshi.testing.problems import png
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


# --- templates ----------------------------------------------------------------------------------------------------


def test_a_template_is_created_by_the_office_of_its_unit_only(world: World) -> None:
    template = make_template(world)
    direct = services.create_template(
        world.office_a, campaign=world.campaign, unit=world.district_a, name="临时调度", fields=FIELDS[:1]
    )
    assert services.target_units(direct) == [(world.street_a.pk, world.street_a.path)]
    assert template.family_id == template.pk
    assert template.number == 1
    assert template.is_current
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(template.pk)).exists()
    with pytest.raises(NotAllowed):
        make_template(world, actor=world.office_b)
    with pytest.raises(NotAllowed):
        make_template(world, actor=world.liaison_a)
    with pytest.raises(RuleViolation, match="模板名称不能为空"):
        make_template(world, name=" ")


def test_a_version_without_rounds_is_changed_in_place(world: World) -> None:
    template = make_template(world)
    revised = services.revise_template(world.office_a, template, name="每周调度表")
    assert revised.pk == template.pk
    assert revised.number == 1
    assert revised.name == "每周调度表"


def test_a_version_a_round_was_opened_on_is_never_edited_a_change_makes_the_next_version(world: World) -> None:
    template = make_template(world)
    first = open_round(world, template)
    more = [*FIELDS, {"key": "extra", "label": "新增字段", "kind": "text"}]
    revised = services.revise_template(world.office_a, template, fields=more)
    old = CollectionTemplate.objects.get(pk=template.pk)
    assert revised.pk != old.pk
    assert revised.number == 2
    assert revised.family_id == template.pk
    assert not old.is_current
    assert len(old.fields) == len(FIELDS)
    assert CollectionRound.objects.get(pk=first.pk).template_id == old.pk
    with pytest.raises(RuleViolation, match="只能修改模板的当前版本"):
        services.revise_template(world.office_a, old, name="旧")
    with pytest.raises(RuleViolation, match="已有新版本"):
        open_round(world, old)
    later = open_round(world, revised)
    assert later.template_id == revised.pk
    assert [v.number for v in queries.versions_of(world.office_a, revised)] == [2, 1]


# --- rounds -------------------------------------------------------------------------------------------------------


def test_opening_a_round_makes_one_submission_per_target_unit_with_one_audit_record(world: World) -> None:
    more = streets(world, 3)
    template = make_template(world)
    audits = AuditEvent.objects.count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        round_ = open_round(world, template)
    rows = Submission.objects.filter(round=round_)
    assert {s.unit_id for s in rows} == {world.street_a.pk, *(u.pk for u in more)}
    assert all(s.state == State.PENDING and s.org_path == s.unit.path for s in rows)
    assert AuditEvent.objects.count() == audits + 1
    assert SubmissionEvent.objects.filter(submission__round=round_).count() == 4
    assert services.submission_url(rows[0]) == f"/collection/submissions/{rows[0].pk}/"


def test_opening_a_round_notifies_the_liaisons_of_the_target_units(world: World) -> None:
    template = make_template(
        world, unit=world.city, actor=world.office_city, target_kind=UnitKind.objects.get(code="district")
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        round_ = open_round(world, template, actor=world.office_city)
    notices = Notification.objects.filter(kind=NoticeKind.ROUND_OPENED)
    assert set(notices.values_list("recipient__username", flat=True)) == {"liaison_a", "liaison_b"}
    assert all(round_.period_label in title for title in notices.values_list("title", flat=True))


def test_a_round_is_refused_twice_for_one_period_and_outside_the_rules(world: World) -> None:
    template = make_template(world)
    dates: dict[str, Any] = {
        "period_label": "第1周",
        "period_start": dt.date(2026, 3, 2),
        "period_end": dt.date(2026, 3, 8),
    }
    services.open_round(world.office_a, template, deadline=dt.date(2026, 3, 9), **dates)
    with pytest.raises(RuleViolation, match="已开启过"):
        services.open_round(world.office_a, template, deadline=dt.date(2026, 3, 9), **dates)
    with pytest.raises(NotAllowed):
        open_round(world, template, actor=world.office_b)
    with pytest.raises(RuleViolation, match="不能早于"):
        services.open_round(
            world.office_a, template, period_label="x", period_start=dt.date(2026, 4, 2),
            period_end=dt.date(2026, 4, 1), deadline=dt.date(2026, 4, 3),
        )  # fmt: skip
    empty = make_template(world, unit=world.street_a)
    with pytest.raises(RuleViolation, match="没有需要报送的单位"):
        open_round(world, empty)


def label(period: Period | None) -> str:
    assert period is not None
    return period.label


def test_the_next_period_is_proposed_after_the_last_round() -> None:
    assert week_of(dt.date(2026, 12, 2)).label == "2026年第49周"
    assert week_of(dt.date(2026, 12, 2)).start == dt.date(2026, 11, 30)
    assert month_of(dt.date(2026, 11, 15)).label == "2026年11月"
    assert month_of(dt.date(2026, 11, 15)).end == dt.date(2026, 11, 30)
    assert label(next_period(Cycle.WEEKLY, dt.date(2026, 12, 6), dt.date(2026, 1, 1))) == "2026年第50周"
    assert label(next_period(Cycle.MONTHLY, dt.date(2026, 11, 30), dt.date(2026, 1, 1))) == "2026年12月"
    assert next_period(Cycle.ADHOC, None, dt.date(2026, 1, 1)) is None


def test_the_proposed_period_follows_the_family(world: World) -> None:
    template = make_template(world)
    first = queries.proposed_period(template, dt.date(2026, 12, 2))
    assert first is not None
    assert first.label == "2026年第49周"
    services.open_round(
        world.office_a, template, period_label="2026年第49周", period_start=dt.date(2026, 11, 30),
        period_end=dt.date(2026, 12, 6), deadline=dt.date(2026, 12, 7),
    )  # fmt: skip
    proposed = queries.proposed_period(template, dt.date(2026, 12, 2))
    assert proposed is not None
    assert proposed.label == "2026年第50周"


# --- the submission lifecycle --------------------------------------------------------------------------------------


def test_a_draft_keeps_partial_values_and_a_submission_checks_everything(world: World) -> None:
    item = submission(world)
    draft = services.save_draft(world.liaison_a, item, values={"found": "4"})
    assert draft.state == State.DRAFT
    assert draft.values == {"found": 4}
    with pytest.raises(ValuesInvalid) as refused:
        services.submit(world.liaison_a, fresh(draft))
    assert "「主要做法」为必填项" in str(refused.value)
    assert fresh(draft).state == State.DRAFT
    done = services.submit(world.liaison_a, fresh(draft), values={**GOOD, "found": 4})
    assert done.state == State.SUBMITTED
    assert done.submitted_by == world.liaison_a
    assert not done.late
    assert done.submitted_at is not None


def test_a_submission_after_the_deadline_is_late(world: World) -> None:
    round_ = open_round(world, deadline=dt.date.today() - dt.timedelta(days=1))
    item = submission(world, round_)
    assert item.overdue
    done = services.submit(world.liaison_a, item, values=GOOD)
    assert done.late
    assert done.overdue
    assert queries.round_counts(world.office_a, round_).late == 1


def test_returned_notifies_the_unit_and_goes_back_to_draft_then_is_accepted(world: World) -> None:
    item = in_state(world, State.SUBMITTED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        back = services.return_submission(world.office_a, item, reason="整改数与台账不符")
    assert back.state == State.RETURNED
    assert back.return_reason == "整改数与台账不符"
    sent = Notification.objects.get(kind=NoticeKind.SENT_BACK)
    assert sent.recipient == world.liaison_a
    assert "整改数与台账不符" in sent.body
    with pytest.raises(RuleViolation, match="退回时请填写理由"):
        services.return_submission(world.office_a, in_state(world, State.SUBMITTED), reason=" ")
    draft = services.save_draft(world.liaison_a, fresh(back), values={**GOOD, "fixed": 2})
    assert draft.state == State.DRAFT
    again = services.submit(world.liaison_a, fresh(draft))
    with TestCase.captureOnCommitCallbacks(execute=True):
        accepted = services.accept(world.office_a, fresh(again))
    assert accepted.state == State.ACCEPTED
    assert accepted.reviewed_at is not None
    assert Notification.objects.filter(kind=NoticeKind.DECIDED, recipient=world.liaison_a).exists()


def test_only_the_office_that_opened_the_round_reviews(world: World) -> None:
    template = make_template(world, unit=world.city, actor=world.office_city)
    item = in_state(world, State.SUBMITTED, round_=open_round(world, template, actor=world.office_city))
    assert "accept" not in services.available_actions(world.office_a, item)
    with pytest.raises(RuleViolation, match="只有开启该报送轮次的单位"):
        services.accept(world.office_a, item)
    assert "accept" in services.available_actions(world.office_city, item)


def test_file_fields_go_through_the_upload_checker(world: World) -> None:
    fields = [*FIELDS, {"key": "proof", "label": "佐证", "kind": "file", "required": True}]
    round_ = open_round(world, make_template(world, fields=fields))
    item = submission(world, round_)
    with pytest.raises(ValuesInvalid, match="「佐证」为必填项"):
        services.submit(world.liaison_a, item, values=GOOD)
    bad = SimpleUploadedFile("x.png", b"not a png", content_type="image/png")
    with pytest.raises(RuleViolation):
        services.submit(world.liaison_a, fresh(item), values=GOOD, files={"proof": [bad]})
    assert not SubmissionFile.objects.exists()
    done = services.submit(world.liaison_a, fresh(item), values=GOOD, files={"proof": [png("proof.png")]})
    stored = SubmissionFile.objects.get()
    assert done.values["proof"] == [stored.pk]
    assert stored.field_key == "proof"
    assert stored.org_path == item.org_path


# --- the read side ------------------------------------------------------------------------------------------------


def test_counts_rollup_and_my_submissions(world: World) -> None:
    extra = streets(world, 2)
    round_ = open_round(world)
    services.submit(world.liaison_a, submission(world, round_), values=GOOD)
    services.submit(world.liaison_a, submission(world, round_, extra[0]), values={**GOOD, "found": 7, "visits": 1})
    counts = queries.round_counts(world.office_a, round_)
    assert counts.by_state[State.SUBMITTED] == 2
    assert counts.by_state[State.PENDING] == 1
    assert counts.total == 3
    assert queries.round_counts(world.office_b, round_).total == 0
    children, total = queries.rollup(world.office_a, round_)
    assert total is not None
    assert total.sums["found"] == 12
    assert str(total.sums["visits"]) == "13.5"
    assert total.filed == 2
    assert total.targets == 3
    assert {row.unit.pk for row in children} == {world.street_a.pk, *(u.pk for u in extra)}
    city_children, city_total = queries.rollup(world.office_city, round_, world.city)
    assert city_total is not None
    assert [row.unit for row in city_children] == [world.district_a]
    assert city_total.sums["fixed"] == 6
    mine = list(queries.my_submissions(world.liaison_a))
    assert [s.unit_id for s in mine] == [extra[1].pk]
    assert list(queries.my_submissions(world.liaison_b)) == []


def test_month_completion_counts_each_round_due_in_the_month(world: World) -> None:
    today = dt.date.today()
    extra = streets(world, 3)
    first = open_round(world, deadline=today - dt.timedelta(days=2))
    second = open_round(world, deadline=today + dt.timedelta(days=1))
    open_round(world, deadline=today + dt.timedelta(days=90))
    services.submit(world.liaison_a, submission(world, first), values=GOOD)  # late
    accepted = services.submit(world.liaison_a, submission(world, first, extra[0]), values=GOOD)
    services.accept(world.office_a, fresh(accepted))
    returned = services.submit(world.liaison_a, submission(world, first, extra[1]), values=GOOD)
    services.return_submission(world.office_a, fresh(returned), reason="重报")
    services.save_draft(world.liaison_a, submission(world, first, extra[2]), values={})
    found = queries.month_completion(world.campaign, today - dt.timedelta(days=10), today + dt.timedelta(days=10))
    assert [r["round_id"] for r in found] == [first.pk, second.pk]
    assert found[0] == {
        "round_id": first.pk,
        "title": f"每周工作调度表 {first.period_label}",
        "deadline": first.deadline,
        "targets": 4,
        "submitted": 2,
        "accepted": 1,
        "late": 3,
        "returned": 1,
        "pending": 1,
    }
    narrowed = queries.month_completion(world.campaign, first.deadline, first.deadline, unit=extra[0])
    assert narrowed[0]["targets"] == 1
    assert narrowed[0]["accepted"] == 1
    assert narrowed[0]["late"] == 1


# --- urging -------------------------------------------------------------------------------------------------------


def test_the_office_urges_every_unfiled_unit_of_a_round_in_one_action(world: World) -> None:
    from luoshi.urging.models import Urge

    districts = UnitKind.objects.get(code="district")
    template = make_template(world, unit=world.city, actor=world.office_city, target_kind=districts)
    round_ = open_round(world, template, actor=world.office_city)
    with TestCase.captureOnCommitCallbacks(execute=True):
        urged = services.urge_unfiled(world.office_a, round_)
    assert [u.unit_id for u in urged] == [world.district_a.pk]
    assert urged[0].message == services.urge_message(round_)
    assert round_.period_label in urged[0].message
    assert Notification.objects.filter(kind=NoticeKind.URGED, recipient=world.liaison_a).exists()
    services.submit(world.liaison_b, submission(world, round_, world.district_b), values=GOOD)
    again = services.urge_unfiled(world.office_city, round_, message="请尽快报送")
    assert [u.unit_id for u in again] == [world.district_a.pk]
    assert again[0].message == "请尽快报送"
    assert Urge.objects.count() == 2
    with pytest.raises(NotAllowed):
        services.urge_unfiled(world.liaison_a, round_)
    services.submit(world.liaison_a, submission(world, round_, world.district_a), values=GOOD)
    with pytest.raises(RuleViolation, match="没有需要催办"):
        services.urge_unfiled(world.office_city, round_)
