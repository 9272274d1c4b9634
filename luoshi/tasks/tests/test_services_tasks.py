"""Creating, decomposing and assigning key tasks through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.orgs.models import UnitKind
from luoshi.tasks import services
from luoshi.tasks.choices import DEFAULT_SOURCES, AssignRole, EventKind, State
from luoshi.tasks.models import Milestone, Task, TaskAssignment, TaskEvent, TaskSource
from luoshi.tasks.tests.factory import assigned, bulk_streets, make_task, streets
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
IN_60 = dt.date.today() + dt.timedelta(days=60)


def test_default_sources_are_made_once_on_first_use(world: World) -> None:
    first = services.sources_for(world.campaign)
    again = services.sources_for(world.campaign)
    assert [s.name for s in first] == list(DEFAULT_SOURCES)
    assert [s.pk for s in again] == [s.pk for s in first]
    assert TaskSource.objects.filter(campaign=world.campaign).count() == len(DEFAULT_SOURCES)
    assert AuditEvent.objects.filter(object_type="tasks.tasksource", detail="默认任务来源").count() == 1


def test_office_adds_a_source_of_its_campaign(world: World) -> None:
    source = services.add_source(world.office_city, world.campaign, name="群众点题")
    assert source.name in [s.name for s in services.sources_for(world.campaign)]
    with pytest.raises(RuleViolation, match="已存在"):
        services.add_source(world.office_city, world.campaign, name="群众点题")
    with pytest.raises(NotAllowed):
        services.add_source(world.office_a, world.campaign, name="东城自定")


def test_office_creates_a_task_issued_by_its_unit(world: World) -> None:
    task = make_task(world, title="  优化营商环境  ", leader=world.leader_a)
    assert task.title == "优化营商环境"
    assert task.org_path == world.district_a.path
    assert (task.level, task.leader_name) == (1, "东城领导")
    assert task.number == f"RW{task.pk:06d}"
    assert AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk), action=Action.CREATE).exists()


def test_a_task_is_issued_by_the_campaign_unit_unless_a_lower_office_issues_it(world: World) -> None:
    source = services.sources_for(world.campaign)[0]
    task = services.create_task(
        world.office_city, campaign=world.campaign, title="全市任务", source=source, due_on=IN_60
    )
    assert task.unit == world.city
    with pytest.raises(NotAllowed):
        services.create_task(world.office_a, campaign=world.campaign, title="越级任务", source=source, due_on=IN_60)


@pytest.mark.parametrize("who", ["office_b", "liaison_a", "leader_a", "supervisor_a"])
def test_only_the_office_of_the_unit_creates_tasks(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        make_task(world, actor=getattr(world, who))
    assert not Task.objects.exists()


def test_tasks_decompose_to_three_levels_and_a_fourth_is_refused(world: World) -> None:
    root = make_task(world, title="一级")
    child = make_task(world, title="二级", parent=root, due_on=root.due_on)
    grandchild = make_task(world, title="三级", parent=child, due_on=root.due_on)
    assert [t.level for t in (root, child, grandchild)] == [1, 2, 3]
    assert grandchild.unit == world.district_a
    with pytest.raises(RuleViolation, match="最多分解为 3 级") as refused:
        make_task(world, title="四级", parent=grandchild, due_on=root.due_on)
    assert refused.value.code == "too_deep"
    assert not Task.objects.filter(title="四级").exists()


def test_a_sub_task_ends_no_later_than_its_parent(world: World) -> None:
    root = make_task(world)
    with pytest.raises(RuleViolation, match="不能晚于上级任务"):
        make_task(world, title="拖后", parent=root, due_on=root.due_on + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "任务名称不能为空"),
        ({"weight": Decimal(0)}, "权重须为正数"),
        ({"cycle": "daily"}, "报送周期无效"),
    ],
)
def test_bad_task_input_is_refused(world: World, change: dict, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        make_task(world, **change)


def test_a_source_of_another_campaign_or_a_finished_campaign_is_refused(world: World) -> None:
    from luoshi.campaigns.models import Campaign

    other = Campaign.objects.create(name="另一活动", unit=world.city, starts_on=dt.date(2026, 1, 1), ends_on=IN_60)
    with pytest.raises(RuleViolation, match="不属于活动"):
        make_task(world, source=services.sources_for(other)[0])
    Campaign.objects.filter(pk=world.campaign.pk).update(is_active=False)
    world.campaign.refresh_from_db()
    with pytest.raises(RuleViolation, match="已结束"):
        make_task(world)


def test_milestones_are_added_and_reached_by_the_office(world: World) -> None:
    task = make_task(world)
    milestone = services.add_milestone(world.office_a, task, name="完成方案", due_on=IN_60)
    with pytest.raises(NotAllowed):
        services.reach_milestone(world.liaison_a, milestone)
    reached = services.reach_milestone(world.office_a, milestone, reached_on=dt.date(2026, 5, 1))
    assert (reached.reached, reached.reached_on) == (True, dt.date(2026, 5, 1))
    with pytest.raises(RuleViolation, match="已达成"):
        services.reach_milestone(world.office_a, reached)
    assert Milestone.objects.get(pk=milestone.pk).reached


def test_assigning_one_unit_makes_one_waiting_assignment(world: World) -> None:
    task = make_task(world)
    result = services.assign(
        world.office_a, task, units=[world.street_a], role=AssignRole.LEAD, due_on=task.due_on, owner=world.liaison_a
    )
    (item,) = result.created
    assert (item.state, item.unit, item.org_path, item.owner) == (
        State.PENDING_SIGN,
        world.street_a,
        world.street_a.path,
        world.liaison_a,
    )
    assert item.number == f"JB{item.pk:06d}"
    assert TaskEvent.objects.get(assignment=item).kind == EventKind.ASSIGNED
    with pytest.raises(RuleViolation, match="已承办该任务"):
        services.assign(world.office_a, task, units=[world.street_a], role=AssignRole.ASSIST, due_on=task.due_on)


def test_assignments_stay_inside_the_issuing_unit_and_its_deadline(world: World) -> None:
    task = make_task(world)
    with pytest.raises(RuleViolation, match="范围内的单位"):
        services.assign(world.office_a, task, units=[world.district_b], role=AssignRole.LEAD, due_on=task.due_on)
    late = task.due_on + dt.timedelta(days=1)
    with pytest.raises(RuleViolation, match="不能晚于"):
        services.assign(world.office_a, task, units=[world.street_a], role=AssignRole.LEAD, due_on=late)
    with pytest.raises(RuleViolation, match="不能指定为责任人"):
        services.assign(
            world.office_a,
            task,
            units=[world.street_a],
            role=AssignRole.LEAD,
            due_on=task.due_on,
            owner=world.liaison_b,
        )
    with pytest.raises(NotAllowed):
        services.assign(world.office_b, task, units=[world.street_a], role=AssignRole.LEAD, due_on=task.due_on)
    assert not TaskAssignment.objects.exists()


def test_one_action_assigns_every_street_of_a_district_and_is_audited_once(world: World) -> None:
    many = bulk_streets(world, 1000)
    task = make_task(world)
    assigned(world, task=task, unit=many[0])
    audits = AuditEvent.objects.count()
    street = UnitKind.objects.get(code="street")
    result = services.assign(
        world.office_a, task, kind=street, root=world.district_a, role=AssignRole.ASSIST, due_on=task.due_on
    )
    assert (result.count, result.skipped) == (1000, 1)
    assert task.assignments.count() == 1001
    assert TaskEvent.objects.filter(assignment__task=task, kind=EventKind.ASSIGNED).count() == 1001
    assert AuditEvent.objects.count() == audits + 1
    record = AuditEvent.objects.order_by("-seq").first()
    assert record is not None
    assert record.after is not None
    assert (record.after["count"], record.after["skipped"]) == (1000, 1)


def test_a_kind_with_no_unit_under_the_root_is_refused(world: World) -> None:
    task = make_task(world)
    dept = UnitKind.objects.get(code="dept")
    with pytest.raises(RuleViolation, match="没有类型为"):
        services.assign(world.office_a, task, kind=dept, root=world.district_a, role="lead", due_on=task.due_on)
    with pytest.raises(RuleViolation, match="职责须为"):
        services.assign(world.office_a, task, units=[world.street_a], role="boss", due_on=task.due_on)


def test_the_assigned_unit_passes_the_task_down_to_its_streets(world: World) -> None:
    more = streets(world, 2)
    district = services.sign(world.liaison_a, assigned(world, unit=world.district_a))
    kind = UnitKind.objects.get(code="street")
    result = services.pass_down(world.liaison_a, district, kind=kind, root=world.district_a, due_on=district.due_on)
    assert result.count == 3
    children = TaskAssignment.objects.filter(parent=district).order_by("org_path")
    assert [c.unit for c in children] == [world.street_a, *more]
    assert all(c.state == State.PENDING_SIGN and c.role == district.role for c in children)
    assert TaskEvent.objects.filter(assignment=district, kind=EventKind.PASSED_DOWN).exists()
    with pytest.raises(RuleViolation, match="下级单位"):
        services.pass_down(world.liaison_a, district, units=[world.district_a], due_on=district.due_on)


def test_passing_down_needs_the_handling_role_and_an_assignment_in_progress(world: World) -> None:
    waiting = assigned(world, unit=world.district_a)
    with pytest.raises(RuleViolation, match="不能执行"):
        services.pass_down(world.liaison_a, waiting, units=[world.street_a], due_on=waiting.due_on)
    signed = services.sign(world.liaison_a, waiting)
    with pytest.raises(NotAllowed):
        services.pass_down(world.office_a, signed, units=[world.street_a], due_on=signed.due_on)
    with pytest.raises(NotAllowed):
        services.pass_down(world.liaison_b, signed, units=[world.street_a], due_on=signed.due_on)
    street = services.sign(world.liaison_a, assigned(world, unit=world.street_a))
    assert "pass_down" not in services.available_actions(world.liaison_a, street)
    with pytest.raises(RuleViolation, match="没有下级单位"):
        services.pass_down(world.liaison_a, street, units=[world.street_a], due_on=street.due_on)
