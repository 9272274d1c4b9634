"""The demand lifecycle through its services: timeline, audit, versions, and refused input."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.demands import services
from luoshi.demands.choices import DemandEventKind, DemandState, Outcome, Satisfaction
from luoshi.demands.models import Company, Demand, DemandEvent, DemandExtension, Project
from luoshi.demands.tests.lifecycle import called_back, category, dispatched, finished, hotline, received, signed
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def kinds(demand: Demand) -> list[str]:
    return list(DemandEvent.objects.filter(demand=demand).order_by("at", "id").values_list("kind", flat=True))


def test_a_ticket_runs_the_whole_loop_with_a_timeline_and_audit(world: World) -> None:
    demand = called_back(world, Satisfaction.SATISFIED)
    demand = services.archive(world.dispatcher_city, demand, version=demand.version)
    assert demand.state == DemandState.ARCHIVED
    assert kinds(demand) == ["received", "dispatched", "signed", "responded", "finished", "called_back", "archived"]
    assert all(getattr(demand, f) for f in ("dispatched_at", "signed_at", "responded_at", "finished_at"))
    assert demand.called_back_at
    assert demand.archived_at
    assert demand.satisfaction == Satisfaction.SATISFIED
    audits = AuditEvent.objects.filter(object_type="demands.demand", object_id=str(demand.pk))
    assert audits.filter(action=Action.TRANSITION).count() == 6
    assert audits.filter(action=Action.CREATE).count() == 1
    assert verify_chain() is None
    assert demand.version == 7


def test_receiving_numbers_the_ticket_and_gives_a_tracking_code(world: World) -> None:
    first, second = received(world), received(world, actor=None)
    assert first.number != second.number
    assert len(first.number) == 16
    assert first.tracking_code != second.tracking_code
    assert len(first.tracking_code) == 10
    assert second.dispatcher_unit == world.city
    assert second.org_path == world.city.path
    assert AuditEvent.objects.get(object_id=str(second.pk), object_type="demands.demand").actor_name == "群众"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "标题不能为空"),
        ({"content": ""}, "内容不能为空"),
        ({"title": "长" * 201}, "200"),
        ({"citizen_phone": "<script>"}, "电话"),
        ({"kind": "gossip"}, "类型"),
        ({"latitude": 95, "longitude": 10}, "范围"),
        ({"latitude": 30}, "同时"),
        ({"category": "物业管理"}, "分类"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world: World, change: dict, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        received(world, actor=None, **change)
    assert not Demand.objects.exists()
    assert not DemandEvent.objects.exists()


def test_receive_demand_keeps_the_ticket_facts(world: World) -> None:
    demand = services.receive_demand(
        None,
        channel=hotline(),
        category=category("噪声"),
        title="夜间施工扰民",
        content="工地每晚施工到凌晨两点。",
        kind="complaint",
        urgent=True,
        address="东城区幸福路 1 号",
        latitude="30.657000",
        longitude=104.066000,
        intake_unit=world.city,
    )
    assert demand.state == DemandState.RECEIVED
    assert (demand.kind, demand.urgent, demand.category.name) == ("complaint", True, "噪声")
    assert str(demand.latitude) == "30.657000"
    assert kinds(demand) == ["received"]


def test_company_follows_the_project_and_a_mismatch_is_refused(world: World) -> None:
    company = Company.objects.create(
        name="安居物业", credit_code="91510100MA0000001X", unit=world.city, org_path=world.city.path
    )
    other = Company.objects.create(
        name="乐居物业", credit_code="91510100MA0000002X", unit=world.city, org_path=world.city.path
    )
    project = Project.objects.create(
        name="幸福小区", company=company, unit=world.district_a, org_path=world.district_a.path
    )
    assert received(world, project=project).company == company
    with pytest.raises(RuleViolation, match="不属于企业"):
        received(world, project=project, company=other)


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    demand = dispatched(world)
    with pytest.raises(Conflict):
        services.sign(world.handler_a, demand, version=demand.version - 1)
    assert Demand.objects.get(pk=demand.pk).state == DemandState.DISPATCHED


def test_respond_needs_a_note_and_finish_an_outcome_and_explanation(world: World) -> None:
    demand = signed(world)
    with pytest.raises(RuleViolation):
        services.respond(world.handler_a, demand, note=" ")
    with pytest.raises(RuleViolation):
        services.finish(world.handler_a, demand, outcome="maybe", explanation="x")
    with pytest.raises(RuleViolation):
        services.finish(world.handler_a, demand, outcome=Outcome.UNRESOLVED, explanation="")
    done = services.finish(world.handler_a, demand, outcome=Outcome.UNRESOLVED, explanation="涉及历史遗留问题")
    assert done.outcome == Outcome.UNRESOLVED
    assert done.responded_at is not None


def test_a_second_respond_is_progress_and_keeps_the_first_contact_time(world: World) -> None:
    demand = services.respond(world.handler_a, signed(world), note="已联系")
    first = demand.responded_at
    again = services.respond(world.handler_a, demand, note="已约物业现场查看")
    assert again.responded_at == first
    assert kinds(again).count("responded") == 2


def test_return_hands_the_ticket_back_and_it_can_be_dispatched_again(world: World) -> None:
    demand = services.return_demand(world.handler_a, signed(world), reason="应由西城区办理")
    assert demand.handling_unit is None
    assert demand.state == DemandState.RECEIVED
    assert demand.resolve_due is None
    again = services.dispatch(world.dispatcher_city, demand, unit=world.district_b)
    assert again.org_path == world.district_b.path
    assert again.unit_hops == 2
    assert not again.escalated


def test_dispatch_refuses_a_unit_outside_the_intake_unit(world: World) -> None:
    demand = received(world, intake_unit=world.district_a, actor=None)
    with pytest.raises(RuleViolation, match="管辖范围"):
        services.dispatch(world.dispatcher_city, demand, unit=world.district_b)


def test_redo_only_after_an_unsatisfied_callback(world: World) -> None:
    happy = called_back(world, Satisfaction.SATISFIED)
    with pytest.raises(RuleViolation, match="不满意"):
        services.redo(world.dispatcher_city, happy, reason="复查")
    demand = services.redo(world.dispatcher_city, called_back(world, Satisfaction.UNSATISFIED), reason="群众不满意")
    assert demand.state == DemandState.SIGNED
    assert demand.redo_count == 1
    assert demand.satisfaction == ""
    assert demand.outcome == ""
    assert demand.finished_at is None


def test_redone_three_times_is_escalated_automatically(world: World) -> None:
    demand = called_back(world, Satisfaction.UNSATISFIED)
    for round_ in range(3):
        demand = services.redo(world.dispatcher_city, demand, reason=f"第{round_ + 1}次不满意")
        assert demand.escalated is (round_ == 2)
        if round_ < 2:
            demand = services.finish(world.handler_a, demand, outcome="resolved", explanation="再次办理")
            demand = services.call_back(None, demand, satisfaction=Satisfaction.UNSATISFIED)
    event = DemandEvent.objects.get(demand=demand, kind=DemandEventKind.ESCALATED)
    assert event.actor is None
    assert "重办 3 次" in event.note


def test_passed_through_three_units_is_escalated_automatically(world: World) -> None:
    demand = services.return_demand(world.handler_a, dispatched(world), reason="非本单位")
    demand = services.dispatch(world.dispatcher_city, demand, unit=world.district_b)
    demand = services.return_demand(world.handler_b, demand, reason="非本单位")
    assert not demand.escalated
    demand = services.dispatch(world.dispatcher_city, demand, unit=world.street_a)
    assert demand.unit_hops == 3
    assert demand.escalated
    assert kinds(demand)[-1] == DemandEventKind.ESCALATED


def test_manual_escalation_needs_a_reason_and_is_on_the_timeline(world: World) -> None:
    demand = signed(world)
    with pytest.raises(RuleViolation):
        services.escalate(world.dispatcher_city, demand, reason="")
    demand = services.escalate(world.dispatcher_city, demand, reason="群众多次来电")
    assert demand.escalated
    assert demand.state == DemandState.SIGNED
    assert DemandEvent.objects.get(demand=demand, kind="escalated").actor == world.dispatcher_city


def test_the_citizen_can_rate_without_an_account(world: World) -> None:
    demand = services.call_back(None, finished(world), satisfaction=Satisfaction.BASIC, note="还算及时")
    assert demand.satisfaction == Satisfaction.BASIC
    assert DemandEvent.objects.get(demand=demand, kind="called_back").note == "基本满意：还算及时"
    audit = AuditEvent.objects.filter(object_id=str(demand.pk), action=Action.TRANSITION).order_by("seq").last()
    assert audit is not None
    assert audit.actor_name == "群众"


def test_link_problem_shows_both_ways_and_only_once(world: World) -> None:
    from luoshi.testing.problems import new_problem

    problem = new_problem(world)
    demand = services.link_problem(world.office_city, dispatched(world), problem)
    assert demand.problem == problem
    assert list(Demand.objects.filter(problem=problem)) == [demand]
    with pytest.raises(RuleViolation, match="已关联"):
        services.link_problem(world.office_city, demand, problem)


def test_extension_moves_the_deadline_by_working_days_when_approved(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SH), tick=False):
        demand = signed(world)
        ext = services.request_extension(world.handler_a, demand, days=2, reason="需协调供电部门")
        with pytest.raises(RuleViolation, match="待审批"):
            services.request_extension(world.handler_a, demand, days=1, reason="再延")
        services.approve_extension(world.dispatcher_city, ext)
    demand.refresh_from_db()
    assert demand.resolve_due == dt.datetime(2026, 3, 17, 10, tzinfo=SH)
    assert DemandExtension.objects.get(pk=ext.pk).decided_by == world.dispatcher_city
    with pytest.raises(RuleViolation, match="已审批"):
        services.reject_extension(world.dispatcher_city, ext, note="不同意")


def test_extension_limits_and_rejection(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SH), tick=False):
        demand = signed(world)
        with pytest.raises(RuleViolation, match="1 至 10"):
            services.request_extension(world.handler_a, demand, days=11, reason="太忙")
        with pytest.raises(RuleViolation, match="1 至 10"):
            services.request_extension(world.handler_a, demand, days="三", reason="太忙")  # type: ignore[arg-type]
        ext = services.request_extension(world.handler_a, demand, days=10, reason="需协调")
        services.reject_extension(world.dispatcher_city, ext, note="应按期办结")
    demand.refresh_from_db()
    assert demand.resolve_due == dt.datetime(2026, 3, 13, 10, tzinfo=SH)
    assert DemandExtension.objects.get(pk=ext.pk).state == "rejected"
    too_late = time_machine.travel(dt.datetime(2026, 3, 13, 10, 0, 1, tzinfo=SH), tick=False)
    with too_late, pytest.raises(RuleViolation, match="已超过办结时限") as refused:
        services.request_extension(world.handler_a, demand, days=1, reason="来不及")
    assert refused.value.code == "extension_too_late"
