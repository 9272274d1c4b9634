"""Correcting a figure: one service, scoped, audited, the extractor's values kept beside the correction."""

from __future__ import annotations

import pytest

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.reports import services
from luoshi.reports.models import Figure
from luoshi.reports.tests.helpers import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure(world) -> Figure:
    return upload(world, "主城区完成改造1.2万余户。").figures.get()


def audit_of(figure: Figure) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="reports.figure", object_id=str(figure.pk)))


def test_correction_keeps_the_original_and_is_audited(world, figure) -> None:
    fixed = services.correct_figure(
        world.liaison_a, figure, figure.version, value=12500, approx="exact", subject="老旧小区改造户数"
    )
    assert (fixed.value, fixed.approx, fixed.subject, fixed.version) == (12500, "exact", "老旧小区改造户数", 2)
    assert (fixed.original_value, fixed.original_approx) == (12000, "more_than")
    assert (fixed.corrected, fixed.corrected_by) == (True, world.liaison_a)
    (event,) = audit_of(figure)
    assert (event.actor, event.action) == (world.liaison_a, "update")
    assert (event.before or {})["value"] == 12000
    assert (event.after or {})["value"] == 12500
    assert "1.2万余户" in event.detail


def test_marking_not_a_figure(world, figure) -> None:
    fixed = services.correct_figure(world.office_city, figure, None, excluded=True)
    assert fixed.excluded
    assert fixed.original_value == 12000


def test_unchanged_correction_writes_nothing(world, figure) -> None:
    same = services.correct_figure(world.liaison_a, figure, figure.version, value=12000)
    assert same.version == 1
    assert not same.corrected
    assert not audit_of(figure)


def test_stale_version_is_a_conflict(world, figure) -> None:
    services.correct_figure(world.liaison_a, figure, 1, value=12001)
    with pytest.raises(Conflict):
        services.correct_figure(world.office_a, figure, 1, value=12002)
    assert Figure.objects.get(pk=figure.pk).value == 12001


@pytest.mark.parametrize("username", ["leader_a", "supervisor_a", "liaison_b", "office_b", "secadmin", "auditor"])
def test_others_may_not_correct(world, figure, username) -> None:
    with pytest.raises(NotAllowed):
        services.correct_figure(world.users[username], figure, figure.version, value=1)
    assert Figure.objects.get(pk=figure.pk).value == 12000
    assert not audit_of(figure)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"value": "很多"}, "数值「很多」不是数字"),
        ({"value": -1}, "必须是非负数"),
        ({"value": None}, "数值不能为空"),
        ({"value_max": 100}, "上限 100.0 必须大于数值 12000.0"),
        ({"unit": "一二三四五六七八九十一"}, "过长"),
        ({"approx": "roughly"}, "约数「roughly」无效"),
        ({"change": "sideways"}, "变化「sideways」无效"),
        ({"change": "up"}, "该数字的单位是「户」"),
    ],
)
def test_bad_correction_says_which_field(world, figure, changes, words) -> None:
    with pytest.raises(RuleViolation) as caught:
        services.correct_figure(world.liaison_a, figure, figure.version, **changes)
    assert words in str(caught.value)
    assert Figure.objects.get(pk=figure.pk).version == 1


def test_change_on_a_percentage(world) -> None:
    figure = upload(world, "满意度提升5.2%。").figures.get()
    fixed = services.correct_figure(world.liaison_a, figure, figure.version, change="down", value=5.5)
    assert (fixed.change, fixed.value, fixed.original_change, fixed.original_value) == ("down", 5.5, "up", 5.2)
