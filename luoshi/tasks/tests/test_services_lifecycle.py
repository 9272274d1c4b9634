"""The assignment lifecycle beyond the shared contract: what each transition records and its extra rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.tasks import services
from luoshi.tasks.choices import EventKind, State
from luoshi.tasks.models import FinishRequest, TaskAssignment, TaskEvent, TaskExtension, TaskProgress
from luoshi.tasks.tests.factory import assigned, fresh, in_state, make_task, streets
from luoshi.testing.problems import png
from luoshi.testing.world import World, make_user
from luoshi.tracking.choices import Light, RequestState

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_signing_starts_the_rounds_and_makes_the_signer_the_owner(world: World) -> None:
    item = services.sign(world.leader_a, assigned(world))
    assert (item.state, item.signed_on, item.owner) == (State.IN_PROGRESS, dt.date.today(), world.leader_a)
    event = TaskEvent.objects.get(assignment=item, kind=EventKind.SIGNED)
    assert (event.from_state, event.to_state, event.actor) == (State.PENDING_SIGN, State.IN_PROGRESS, world.leader_a)


def test_a_named_owner_stays_the_owner_when_someone_else_signs(world: World) -> None:
    item = services.sign(world.liaison_a, assigned(world, owner=world.leader_a))
    assert item.owner == world.leader_a


def test_finish_request_send_back_and_accept(world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    finish = services.request_finish(world.liaison_a, item, summary="改造已完成")
    assert (finish.state, fresh(item).state) == (RequestState.PENDING, State.FINISH_REQUESTED)
    with pytest.raises(RuleViolation, match="请填写理由"):
        services.send_back(world.office_a, fresh(item), reason=" ")
    services.send_back(world.office_a, fresh(item), reason="缺少验收照片")
    finish.refresh_from_db()
    assert (finish.state, finish.decision_note, finish.decided_by) == (
        RequestState.REJECTED,
        "缺少验收照片",
        world.office_a,
    )
    assert fresh(item).state == State.IN_PROGRESS
    again = services.request_finish(world.liaison_a, fresh(item), summary="已补充照片")
    done = services.accept(world.office_a, fresh(item), note="同意")
    again.refresh_from_db()
    assert (done.state, again.state, done.light) == (State.DONE, RequestState.APPROVED, Light.GREEN)
    assert done.closed_at is not None
    kinds = list(TaskEvent.objects.filter(assignment=item).order_by("id").values_list("kind", flat=True))
    assert kinds == ["assigned", "signed", "finish_requested", "sent_back", "finish_requested", "accepted"]


def test_nobody_accepts_their_own_finish_request(world: World) -> None:
    both = make_user("dual_a", Role.OFFICE, world.district_a, "东城双岗")
    RoleAssignment.objects.create(user=both, role=Role.LIAISON, unit=world.district_a)
    item = in_state(world, State.IN_PROGRESS)
    services.request_finish(both, item, summary="已完成")
    assert "accept" not in services.available_actions(both, fresh(item))
    assert "accept" in services.available_actions(world.office_a, fresh(item))
    with pytest.raises(RuleViolation, match="不能验收或退回自己"):
        services.accept(both, fresh(item))
    assert fresh(item).state == State.FINISH_REQUESTED


def test_only_the_issuing_office_accepts(world: World) -> None:
    """District A's office holds MANAGE_TASKS over the street too, but the city's task is not its to accept."""
    source = services.sources_for(world.campaign)[0]
    city_task = services.create_task(
        world.office_city, campaign=world.campaign, title="全市任务", source=source, due_on=dt.date.today()
    )
    item = in_state(world, State.FINISH_REQUESTED, task=city_task, actor=world.office_city)
    assert "accept" not in services.available_actions(world.office_a, item)
    with pytest.raises(RuleViolation, match="只有下达该任务的单位"):
        services.accept(world.office_a, item)
    assert services.accept(world.office_city, item).state == State.DONE


def test_revoking_withdraws_what_was_passed_down_and_closes_pending_requests(world: World) -> None:
    more = streets(world, 1)
    district = services.sign(world.liaison_a, assigned(world, unit=world.district_a))
    services.pass_down(world.liaison_a, district, units=[world.street_a, *more], due_on=district.due_on)
    child = TaskAssignment.objects.get(parent=district, unit=world.street_a)
    signed_child = services.sign(world.liaison_a, child)
    services.request_extension(
        world.liaison_a, signed_child, new_due=child.due_on + dt.timedelta(days=5), reason="雨季"
    )
    audits = AuditEvent.objects.count()
    revoked = services.revoke(world.office_a, fresh(district), reason="任务调整")
    assert revoked.state == State.REVOKED
    assert set(TaskAssignment.objects.filter(parent=district).values_list("state", flat=True)) == {State.REVOKED}
    assert TaskExtension.objects.get().state == RequestState.REJECTED
    assert TaskEvent.objects.filter(assignment__parent=district, kind=EventKind.REVOKED).count() == 2
    assert AuditEvent.objects.count() == audits + 2
    assert services.available_actions(world.office_a, fresh(child)) == []


def test_a_revoked_unit_can_be_assigned_again(world: World) -> None:
    item = in_state(world, State.REVOKED)
    again = assigned(world, task=item.task)
    assert again.unit == item.unit
    assert again.state == State.PENDING_SIGN


def test_reopening_a_done_assignment_clears_its_end(world: World) -> None:
    done = in_state(world, State.DONE)
    with pytest.raises(RuleViolation, match="重启时请填写理由"):
        services.reopen(world.office_a, done, reason="")
    reopened = services.reopen(world.office_a, done, reason="回头看发现反弹")
    assert (reopened.state, reopened.closed_at) == (State.IN_PROGRESS, None)


def test_a_progress_report_updates_the_assignment_in_the_same_transaction(world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    report = services.report_progress(
        world.liaison_a,
        item,
        text="完成 3 个小区",
        percent=40,
        difficulties="资金未到位",
        next_steps="协调资金",
        files=[png("现场.png")],
    )
    item = fresh(item)
    assert (item.percent, item.last_report_on, item.version) == (40, dt.date.today(), 3)
    assert report.evidence.get().original_name == "现场.png"
    assert TaskEvent.objects.filter(assignment=item, kind=EventKind.PROGRESS, note__startswith="40%").exists()
    assert AuditEvent.objects.filter(object_type="tasks.taskprogress", object_id=str(report.pk)).exists()


@pytest.mark.parametrize("percent", [-1, 101, True, 4.5])
def test_a_percent_outside_0_to_100_is_refused(world: World, percent: object) -> None:
    item = in_state(world, State.IN_PROGRESS)
    with pytest.raises(RuleViolation, match="0 到 100"):
        services.report_progress(world.liaison_a, item, text="进展", percent=percent)  # type: ignore[arg-type]
    assert not TaskProgress.objects.exists()


def test_a_bad_evidence_file_stores_nothing(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = in_state(world, State.IN_PROGRESS)
    fake = SimpleUploadedFile("伪装.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(RuleViolation):
        services.report_progress(world.liaison_a, item, text="进展", percent=10, files=[png(), fake])
    assert not TaskProgress.objects.exists()
    assert fresh(item).percent == 0


def test_reports_need_the_handling_role_and_work_in_progress(world: World) -> None:
    waiting = assigned(world)
    with pytest.raises(RuleViolation, match="不能执行"):
        services.report_progress(world.liaison_a, waiting, text="进展", percent=10)
    item = services.sign(world.liaison_a, waiting)
    for outsider in (world.office_a, world.liaison_b):
        with pytest.raises(NotAllowed):
            services.report_progress(outsider, item, text="进展", percent=10)


def test_an_extension_moves_the_deadline_and_the_light(world: World) -> None:
    due = dt.date(2026, 7, 10)
    with time_machine.travel(dt.datetime(2026, 7, 8, 9, tzinfo=SHANGHAI), tick=False):
        task = make_task(world, due_on=dt.date(2026, 9, 30))
        item = services.sign(world.liaison_a, assigned(world, task=task, due_on=due))
        assert item.light == Light.YELLOW
        ext = services.request_extension(world.liaison_a, item, new_due=dt.date(2026, 8, 31), reason="雨季施工")
        assert ext.old_due == due
        with pytest.raises(RuleViolation, match="已有待审批"):
            services.request_extension(world.liaison_a, fresh(item), new_due=dt.date(2026, 9, 1), reason="再延")
        decided = services.approve_extension(world.office_a, ext, note="同意")
        item = fresh(item)
    assert decided.state == RequestState.APPROVED
    assert (item.due_on, item.light) == (dt.date(2026, 8, 31), Light.GREEN)
    assert TaskEvent.objects.filter(assignment=item, kind=EventKind.EXTENSION_APPROVED).exists()


def test_an_extension_asked_after_the_deadline_is_refused(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI), tick=False):
        task = make_task(world, due_on=dt.date(2026, 9, 30))
        item = services.sign(world.liaison_a, assigned(world, task=task, due_on=dt.date(2026, 7, 10)))
    with time_machine.travel(dt.datetime(2026, 7, 11, 9, tzinfo=SHANGHAI), tick=False):
        assert "request_extension" not in services.available_actions(world.liaison_a, item)
        with pytest.raises(RuleViolation, match="办理时限已过"):
            services.request_extension(world.liaison_a, item, new_due=dt.date(2026, 8, 1), reason="来不及")
    assert not TaskExtension.objects.exists()


def test_extension_decisions_belong_to_the_issuing_office_and_a_refusal_needs_a_reason(world: World) -> None:
    item = in_state(world, State.IN_PROGRESS)
    ext = services.request_extension(world.liaison_a, item, new_due=item.due_on + dt.timedelta(days=9), reason="雨季")
    for refused in (world.liaison_a, world.office_b):
        with pytest.raises(NotAllowed):
            services.approve_extension(refused, ext)
    with pytest.raises(RuleViolation, match="请填写理由"):
        services.reject_extension(world.office_a, ext, note="")
    decided = services.reject_extension(world.office_a, ext, note="工期可压缩")
    assert (decided.state, decided.decision_note) == (RequestState.REJECTED, "工期可压缩")
    assert fresh(item).due_on == item.due_on
    with pytest.raises(RuleViolation):
        services.approve_extension(world.office_a, decided)


def test_the_finish_request_is_kept(world: World) -> None:
    item = in_state(world, State.FINISH_REQUESTED)
    assert FinishRequest.objects.get(assignment=item).summary == "已按要求完成"
