"""Measures (整改措施) and what closure needs: every measure done and at least one evidence file."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import Conflict, RuleViolation
from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.problems import services
from luoshi.problems.choices import EventKind, MeasureState, State
from luoshi.problems.models import Measure, Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import new_problem, png, rectifying
from luoshi.testing.world import World


def _measure(world: World, problem: Problem, text: str = "建立首问负责制") -> Measure:
    return services.add_measure(
        world.leader_a, problem, text=text, owner_unit=world.district_a, deadline=problem.deadline
    )


def test_add_measure_while_rectifying(world: World) -> None:
    problem = rectifying(world)
    measure = services.add_measure(
        world.leader_a2,
        problem,
        text=" 开展窗口作风专项整治 ",
        owner_unit=world.street_a,
        deadline=problem.deadline - dt.timedelta(days=5),
        owner=world.leader_a2,
    )
    assert (measure.text, measure.state, measure.org_path) == (
        "开展窗口作风专项整治",
        MeasureState.IN_PROGRESS,
        problem.org_path,
    )
    assert measure.owner_name == "东城副职"
    assert problem.events.filter(kind=EventKind.MEASURE_ADDED).count() == 1


def test_no_measure_before_claim(world: World) -> None:
    problem = new_problem(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="「待认领」，只有整改中的问题才能新增整改措施"):
        _measure(world, problem)
    assert footprint(problem) == before


def test_measure_text_is_required(world: World) -> None:
    problem = rectifying(world)
    with pytest.raises(RuleViolation, match="措施内容不能为空"):
        _measure(world, problem, text="  ")
    assert not Measure.objects.exists()


def test_measure_owner_unit_within_the_campaign(world: World) -> None:
    outside = create_unit(None, name="外市", code="X001", kind=world.city.kind, parent=None)
    problem = rectifying(world)
    with pytest.raises(RuleViolation, match="不在活动「测试主题教育」的范围内"):
        services.add_measure(world.leader_a, problem, text="措施", owner_unit=outside, deadline=problem.deadline)
    assert not Measure.objects.exists()
    assert Unit.objects.filter(code="X001").exists()


def test_complete_measure(world: World) -> None:
    measure = _measure(world, rectifying(world))
    done = services.complete_measure(world.liaison_a, measure, version=measure.version)
    assert (done.state, done.version) == (MeasureState.DONE, 2)
    assert done.done_at is not None
    assert done.problem.events.filter(kind=EventKind.MEASURE_DONE).count() == 1


def test_complete_measure_twice_is_refused(world: World) -> None:
    measure = services.complete_measure(world.leader_a, _measure(world, rectifying(world)))
    before = footprint(measure.problem)
    with pytest.raises(RuleViolation, match="该措施已经完成"):
        services.complete_measure(world.leader_a, measure)
    assert footprint(measure.problem) == before


def test_complete_measure_with_stale_version_conflicts(world: World) -> None:
    measure = _measure(world, rectifying(world))
    before = footprint(measure.problem)
    with pytest.raises(Conflict, match="该措施已被他人修改"):
        services.complete_measure(world.leader_a, measure, version=measure.version + 1)
    assert footprint(measure.problem) == before


def test_reopened_problem_needs_its_new_measures_done(world: World) -> None:
    problem = rectifying(world)
    measure = _measure(world, problem)
    services.complete_measure(world.leader_a, measure)
    problem = services.reopen(
        world.office_city,
        services.approve_closure(world.office_city, _to_review(world, problem)),
        reason="反弹",
    )
    second = _measure(world, problem, text="回头看补充措施")
    with pytest.raises(RuleViolation, match="还有 1 项整改措施未完成"):
        services.request_closure(world.leader_a, problem, summary="再次完成")
    services.complete_measure(world.leader_a, second)
    assert services.request_closure(world.leader_a, problem, summary="再次完成").problem.state == State.PENDING_REVIEW


def _to_review(world: World, problem: Problem) -> Problem:
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    services.request_closure(world.leader_a, problem, summary="整改完成")
    return Problem.objects.get(pk=problem.pk)


def test_closure_needs_every_measure_done(world: World) -> None:
    problem = rectifying(world)
    first, _second = _measure(world, problem, "措施一"), _measure(world, problem, "措施二")
    services.report_progress(world.liaison_a, problem, text="进展", measure=first, files=[png()])
    services.complete_measure(world.leader_a, first)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="还有 1 项整改措施未完成，不能申请销号"):
        services.request_closure(world.leader_a, problem, summary="整改完成")
    assert footprint(problem) == before


def test_closure_needs_evidence(world: World) -> None:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="只有文字，没有附件")
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="申请销号前请先上传佐证材料"):
        services.request_closure(world.leader_a, problem, summary="整改完成")
    assert footprint(problem) == before


def test_closure_needs_a_summary(world: World) -> None:
    problem = rectifying(world)
    services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
    with pytest.raises(RuleViolation, match="请填写整改情况说明"):
        services.request_closure(world.leader_a, problem, summary=" ")
    assert Problem.objects.get(pk=problem.pk).state == State.RECTIFYING


def test_measure_cannot_be_completed_while_under_review(world: World) -> None:
    problem = rectifying(world)
    measure = _measure(world, problem)
    services.complete_measure(world.leader_a, measure)
    problem = _to_review(world, problem)
    Measure.objects.filter(pk=measure.pk).update(state=MeasureState.IN_PROGRESS)
    with pytest.raises(RuleViolation, match="「待审核」，不能更新措施"):
        services.complete_measure(world.leader_a, measure)
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.IN_PROGRESS


def test_progress_about_a_measure_of_another_problem_is_refused(world: World) -> None:
    problem, other = rectifying(world), rectifying(world)
    measure = _measure(world, other)
    with pytest.raises(RuleViolation, match="所选措施不属于该问题"):
        services.report_progress(world.liaison_a, problem, text="进展", measure=measure)
    assert not problem.progress.exists()
