"""Filing (登记) and editing (修改) problems, including moving one to another unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from luoshi.access.models import RoleAssignment
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.orgs.services import create_unit
from luoshi.problems import services
from luoshi.problems.choices import EventKind, Light, State
from luoshi.problems.models import (
    ClosureRequest,
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemEvent,
    ProgressEntry,
)
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import closed, new_problem, pending_review, png, rectifying
from luoshi.testing.world import World

TODAY = dt.date.today()


def test_filing_sets_the_light_from_the_deadline(world: World) -> None:
    assert new_problem(world, deadline=TODAY + dt.timedelta(days=2)).light == Light.YELLOW
    assert new_problem(world, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=1)).light == (
        Light.RED
    )


def test_filing_into_an_ended_campaign_is_refused(world: World) -> None:
    Campaign.objects.filter(pk=world.campaign.pk).update(is_active=False)
    world.campaign.refresh_from_db()
    with pytest.raises(RuleViolation, match="已结束，不能再登记问题"):
        new_problem(world)
    assert not Problem.objects.exists()


def test_unit_outside_the_campaign_is_refused(world: World) -> None:
    other = create_unit(None, name="邻市", code="N000", kind=world.city.kind, parent=None)
    RoleAssignment.objects.create(user=world.liaison_a, role="liaison", unit=other)
    with pytest.raises(RuleViolation, match="单位「邻市」不在活动「测试主题教育」的范围内"):
        new_problem(world, unit=other)
    assert not Problem.objects.exists()


def test_channel_and_aspect_of_another_campaign_are_refused(world: World) -> None:
    other = Campaign.objects.create(
        name="另一活动", unit=world.city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    with pytest.raises(RuleViolation, match="问题来源「外来」不属于活动「测试主题教育」"):
        new_problem(world, channel=Channel.objects.create(campaign=other, name="外来"))
    with pytest.raises(RuleViolation, match="问题方面「外来方面」不属于活动"):
        new_problem(world, aspect=Aspect.objects.create(campaign=other, name="外来方面"))
    assert not Problem.objects.exists()


def test_deadline_before_found_on_is_refused(world: World) -> None:
    with pytest.raises(RuleViolation, match="整改时限不能早于发现日期"):
        new_problem(world, found_on=TODAY, deadline=TODAY - dt.timedelta(days=1))
    assert not Problem.objects.exists()


@pytest.mark.parametrize("title", ["", "   "])
def test_title_is_required(world: World, title: str) -> None:
    with pytest.raises(RuleViolation, match="问题标题不能为空"):
        new_problem(world, title=title)
    assert not Problem.objects.exists()


def test_bad_choice_is_a_validation_error(world: World) -> None:
    with pytest.raises(ValidationError):
        new_problem(world, severity="catastrophic")
    assert not Problem.objects.exists()


def test_edit_writes_changed_fields_only(world: World) -> None:
    problem = new_problem(world)
    edited = services.edit_problem(world.liaison_a, problem, 1, title="窗口服务态度差", description="群众多次反映")
    assert (edited.title, edited.description, edited.version) == ("窗口服务态度差", "群众多次反映", 2)
    assert edited.events.get(kind=EventKind.EDITED).note == "修改了问题、具体表现"


def test_edit_without_real_change_writes_nothing(world: World) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    same = services.edit_problem(world.liaison_a, problem, 1, title=problem.title, unit=world.district_a)
    assert same.version == 1
    assert footprint(problem) == before


def test_unknown_field_is_refused(world: World) -> None:
    problem = new_problem(world)
    with pytest.raises(RuleViolation, match="字段 state 不可修改"):
        services.edit_problem(world.office_city, problem, 1, state=State.CLOSED)
    assert Problem.objects.get(pk=problem.pk).state == State.PENDING_CLAIM


def test_closed_problem_is_not_edited(world: World) -> None:
    problem = closed(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="已销号的问题不能修改"):
        services.edit_problem(world.office_city, problem, problem.version, title="改")
    assert footprint(problem) == before


def test_deadline_before_claim_is_editable_by_the_liaison(world: World) -> None:
    problem = new_problem(world)
    edited = services.edit_problem(world.liaison_a, problem, 1, deadline=TODAY + dt.timedelta(days=1))
    assert (edited.deadline, edited.light) == (TODAY + dt.timedelta(days=1), Light.YELLOW)


def test_after_claim_the_deadline_moves_only_by_extension(world: World) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    with pytest.raises(NotAllowed, match="整改时限只能通过延期申请调整"):
        services.edit_problem(world.liaison_a, problem, problem.version, deadline=problem.deadline + dt.timedelta(1))
    assert footprint(problem) == before
    edited = services.edit_problem(world.office_a, problem, problem.version, deadline=TODAY + dt.timedelta(days=90))
    assert edited.deadline == TODAY + dt.timedelta(days=90)


def test_moving_to_another_unit_moves_every_child(world: World) -> None:
    problem = pending_review(world)
    services.send_back(world.office_city, problem, reason="补充")
    problem.refresh_from_db()
    services.add_measure(world.leader_a, problem, text="措施", owner_unit=world.district_a, deadline=problem.deadline)
    services.request_extension(
        world.liaison_a, problem, new_deadline=problem.deadline + dt.timedelta(days=9), reason="理由"
    )
    problem.refresh_from_db()
    moved = services.edit_problem(
        world.office_city, problem, problem.version, unit=world.district_b, responsible_leader=world.leader_b
    )
    path = world.district_b.path
    assert moved.org_path == path
    for model in (Measure, ProgressEntry, ClosureRequest, ExtensionRequest, ProblemEvent):
        paths = set(model.objects.filter(problem=problem).values_list("org_path", flat=True))
        assert paths == {path}, model.__name__
    assert set(Evidence.objects.filter(progress__problem=problem).values_list("org_path", flat=True)) == {path}


def test_moved_problem_leaves_the_old_scope(world: World) -> None:
    problem = new_problem(world)
    services.edit_problem(world.office_city, problem, 1, unit=world.district_b)
    assert not Problem.objects.visible_to(world.liaison_a).filter(pk=problem.pk).exists()
    assert not Measure.objects.visible_to(world.liaison_a).exists()
    assert Problem.objects.visible_to(world.liaison_b).filter(pk=problem.pk).exists()
    assert ProblemEvent.objects.visible_to(world.liaison_b).filter(problem=problem).count() == 2


def test_moving_needs_scope_over_the_new_unit(world: World) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    with pytest.raises(NotAllowed, match="您无权把问题移交给该单位"):
        services.edit_problem(world.liaison_a, problem, 1, unit=world.district_b)
    assert footprint(problem) == before


def test_moving_down_the_subtree_is_within_scope(world: World) -> None:
    problem = services.edit_problem(world.liaison_a, new_problem(world), 1, unit=world.street_a)
    assert problem.org_path == world.street_a.path


def test_moving_keeps_a_named_leader_only_if_they_lead_there(world: World) -> None:
    problem = new_problem(world, responsible_leader=world.leader_a)
    with pytest.raises(RuleViolation, match="「东城领导」不是单位「西城区」的责任领导"):
        services.edit_problem(world.office_city, problem, 1, unit=world.district_b)
    moved = services.edit_problem(
        world.office_city, problem, 1, unit=world.district_b, responsible_leader=world.leader_b
    )
    assert (moved.unit, moved.responsible_leader) == (world.district_b, world.leader_b)


def test_problem_class_of_another_campaign_is_refused(world: World) -> None:
    other = Campaign.objects.create(
        name="另一活动", unit=world.city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    foreign = services.create_problem_class(world.office_city, campaign=other, unit=world.city, name="外类")
    problem = new_problem(world)
    with pytest.raises(RuleViolation, match="问题类别「外类」不属于活动「测试主题教育」"):
        services.edit_problem(world.office_city, problem, 1, problem_class=foreign)
    assert Problem.objects.get(pk=problem.pk).problem_class is None


def test_problem_class_groups_problems(world: World) -> None:
    group = services.create_problem_class(
        world.office_a, campaign=world.campaign, unit=world.district_a, name="窗口作风"
    )
    first = new_problem(world, problem_class=group)
    second = services.edit_problem(world.liaison_a, new_problem(world), 1, problem_class=group)
    assert set(group.problems.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert group.org_path == world.district_a.path


def test_problem_class_needs_edit_scope_and_a_name(world: World) -> None:
    with pytest.raises(NotAllowed, match="您无权在该单位新建问题类别"):
        services.create_problem_class(world.leader_a, campaign=world.campaign, unit=world.district_a, name="类")
    with pytest.raises(RuleViolation, match="类别名称不能为空"):
        services.create_problem_class(world.office_a, campaign=world.campaign, unit=world.district_a, name=" ")


def test_evidence_of_a_moved_problem_is_still_one_file(world: World) -> None:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="进展", files=[png()])
    services.edit_problem(
        world.office_city, problem, problem.version, unit=world.district_b, responsible_leader=world.leader_b
    )
    assert Evidence.objects.visible_to(world.liaison_b).count() == 1
    assert Evidence.objects.visible_to(world.liaison_a).count() == 0
