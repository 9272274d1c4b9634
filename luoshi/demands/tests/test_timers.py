"""Working days with the holiday calendar, per-category limits, and the deadlines tickets get."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.core.errors import RuleViolation
from luoshi.demands import services, timers
from luoshi.demands.choices import DemandKind
from luoshi.demands.models import Category, Holiday
from luoshi.demands.tests.lifecycle import category, dispatched, finished, received
from luoshi.testing.world import World

SH = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 3, 6, 10, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def test_the_calendar_dates_are_what_the_tests_assume() -> None:
    assert FRIDAY.weekday() == 4


def test_working_days_skip_the_weekend() -> None:
    assert timers.add_working_days(FRIDAY, 1) == at(9)
    assert timers.add_working_days(FRIDAY, 5) == at(13)


def test_a_holiday_on_a_weekday_is_skipped() -> None:
    Holiday.objects.create(date=dt.date(2026, 3, 9), name="调休")
    assert timers.add_working_days(FRIDAY, 1) == at(10)


def test_a_make_up_working_day_on_a_weekend_counts() -> None:
    Holiday.objects.create(date=dt.date(2026, 3, 7), is_workday=True, name="调休上班")
    assert timers.add_working_days(FRIDAY, 1) == at(7)


def test_a_moment_on_a_day_off_counts_from_the_next_working_day() -> None:
    saturday = at(7, 15)
    assert timers.add_working_days(saturday, 1) == at(10, 0)
    assert timers.add_working_days(saturday, 0) == at(9, 0)


def test_limits_inherit_up_the_category_tree_and_fall_back_to_the_defaults() -> None:
    parent = Category.objects.create(name="测试分类", resolve_days=3, contact_hours=12)
    child = Category.objects.create(name="测试子类", parent=parent, sign_hours=1)
    limits = timers.limits_for(child)
    assert (limits.sign_hours, limits.contact(False), limits.contact(True)) == (1, 12, 2)
    assert limits.resolve(DemandKind.COMPLAINT) == 3
    assert limits.callback_days == 1


@pytest.mark.parametrize(("kind", "days"), [(DemandKind.INQUIRY, 1), (DemandKind.COMPLAINT, 10), ("help", 5)])
def test_default_resolution_days_depend_on_the_kind(kind: str, days: int) -> None:
    assert timers.limits_for(category()).resolve(kind) == days


def test_dispatch_sets_the_sign_contact_and_resolution_deadlines(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        normal = dispatched(world)
        urgent = dispatched(world, urgent=True)
    assert normal.sign_due == FRIDAY + dt.timedelta(hours=2)
    assert normal.respond_due == FRIDAY + dt.timedelta(hours=24)
    assert urgent.respond_due == FRIDAY + dt.timedelta(hours=2)
    assert normal.resolve_due == at(13)


def test_inquiries_are_due_the_next_working_day(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        demand = dispatched(world, kind=DemandKind.INQUIRY)
    assert demand.resolve_due == at(9)


def test_finishing_starts_the_callback_clock_and_late_finishing_is_recorded(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        demand = dispatched(world, kind=DemandKind.INQUIRY)
        demand = services.sign(world.handler_a, demand)
    with time_machine.travel(at(9, 10, 1), tick=False):
        demand = services.finish(world.handler_a, demand, outcome="resolved", explanation="已答复")
    assert demand.finished_on_time is False
    assert demand.responded_on_time is False
    assert demand.callback_due == at(10, 10, 1)


def test_finishing_on_time_is_recorded(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        demand = finished(world)
    assert demand.finished_on_time is True
    assert demand.responded_on_time is True


def test_a_wrong_unit_return_is_allowed_within_two_working_days(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        first, second = dispatched(world), dispatched(world)
    with time_machine.travel(at(10, 10), tick=False):
        back = services.return_demand(world.handler_a, first, reason="不属于本单位职责")
    assert back.state == "received"
    assert back.org_path == world.city.path
    with time_machine.travel(at(10, 10, 1), tick=False), pytest.raises(RuleViolation, match="2 个工作日") as late:
        services.return_demand(world.handler_a, second, reason="不属于本单位职责")
    assert late.value.code == "return_too_late"
    second.refresh_from_db()
    assert second.state == "dispatched"


def test_received_time_from_an_import_is_kept(world: World) -> None:
    demand = received(world, received_at=at(1, 8))
    assert demand.received_at == at(1, 8)
    assert demand.number.startswith("20260301")
