"""Imported tickets carry the time limits, on-time judgements and rollups of tickets handled live."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from luoshi.demands import imports_store, rollups, services
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.imports import ErrorList, import_demands
from luoshi.demands.imports_rows import RowChecker
from luoshi.demands.imports_sample import write_sample_csv
from luoshi.demands.models import Demand, DemandMonthRollup, DemandRollup, Holiday
from luoshi.demands.tests.import_helpers import local, row, run
from luoshi.demands.tests.lifecycle import category, hotline
from luoshi.demands.timers import add_working_days

pytestmark = pytest.mark.django_db

COMPARED = (
    "state",
    "received_at",
    "dispatched_at",
    "signed_at",
    "responded_at",
    "finished_at",
    "called_back_at",
    "sign_due",
    "respond_due",
    "resolve_due",
    "callback_due",
    "responded_on_time",
    "finished_on_time",
    "outcome",
    "satisfaction",
    "unit_hops",
    "handling_unit_id",
    "dispatcher_unit_id",
    "org_path",
    "kind",
    "urgent",
)
# (received, dispatched, signed, contacted, finished, called back): on time, late contact, late finish.
SCHEDULES = [
    tuple(f"2026-03-{t}" for t in ("02 08:00", "02 09:00", "02 09:30", "02 10:00", "05 16:00", "06 10:00")),
    tuple(f"2026-03-{t}" for t in ("06 17:00", "06 18:00", "06 19:00", "08 08:00", "09 16:00", "10 10:00")),
    (
        "2026-04-30 20:00",
        "2026-04-30 21:00",
        "2026-05-01 09:00",
        "2026-05-01 10:00",
        "2026-05-20 16:00",
        "2026-05-21 10:00",
    ),
]


def live(world, schedule: tuple[str, ...], urgent: bool) -> Demand:
    """The same ticket handled through the services at the same moments."""
    received, dispatched, signed, contacted, finished, called_back = (local(t) for t in schedule)
    demand = services.receive_demand(
        world.dispatcher_city, channel=hotline(), category=category(), title="电梯", content="电梯停运",
        kind="complaint", urgent=urgent, received_at=received, intake_unit=world.city,
    )  # fmt: skip
    steps = [
        (dispatched, lambda d: services.dispatch(world.dispatcher_city, d, unit=world.district_a)),
        (signed, lambda d: services.sign(world.handler_a, d)),
        (contacted, lambda d: services.respond(world.handler_a, d, note="已联系")),
        (finished, lambda d: services.finish(world.handler_a, d, outcome=Outcome.RESOLVED, explanation="已修复")),
        (called_back, lambda d: services.call_back(world.dispatcher_city, d, satisfaction=Satisfaction.BASIC)),
    ]
    for moment, step in steps:
        with time_machine.travel(moment, tick=False):
            demand = step(demand)
    return demand


@pytest.mark.parametrize("urgent", [False, True])
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_imported_ticket_equals_the_same_ticket_handled_live(world, schedule, urgent):
    Holiday.objects.create(date=dt.date(2026, 5, 1), name="劳动节")
    Holiday.objects.create(date=dt.date(2026, 5, 9), is_workday=True, name="调休")
    handled = live(world, schedule, urgent)
    names = ("受理时间", "派单时间", "签收时间", "首次联系时间", "办结时间", "回访时间")
    cells = row(工单编号="IMP1", 诉求类别="物业服务", 是否紧急="是" if urgent else "否", 满意度="基本满意", 归档时间="")
    cells.update(dict(zip(names, schedule, strict=True)))
    result = run(world.dispatcher_city, [cells])
    assert result.ok, result.errors
    imported = Demand.objects.get(number="IMP1")
    assert {f: getattr(imported, f) for f in COMPARED} == {f: getattr(handled, f) for f in COMPARED}


def test_cached_working_days_equal_the_timers(world):
    Holiday.objects.create(date=dt.date(2026, 10, 1), name="国庆节")
    Holiday.objects.create(date=dt.date(2026, 10, 10), is_workday=True, name="调休")
    checker = RowChecker(world.dispatcher_city, {}, ErrorList())
    start = local("2026-09-25 00:00")
    for hours in range(0, 24 * 20, 7):
        moment = start + dt.timedelta(hours=hours, minutes=hours % 60)
        for days in (1, 2, 5, 10):
            assert checker.add_working_days(moment, days) == add_working_days(moment, days), (moment, days)


def _daily() -> list[tuple]:
    fields = ("day", "unit_id", "category_id", "company_key", "project_key", "org_path", *rollups.COUNTS)
    return sorted(DemandRollup.objects.values_list(*fields))


def _monthly() -> list[tuple]:
    return sorted(DemandMonthRollup.objects.values_list("month", "unit_id", "org_path", *rollups.COUNTS))


@pytest.mark.parametrize("chunk", [imports_store.BUFFER_ROWS, 37])
def test_rollups_of_an_import_equal_a_rebuild_from_raw_tickets(world, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(imports_store, "BUFFER_ROWS", chunk)
    live(world, SCHEDULES[0], False)
    path = tmp_path / "hotline.csv"
    units = [world.district_a, world.street_a, world.district_b]
    write_sample_csv(path, 400, units, seed=7, end=dt.date(2026, 11, 1))
    with path.open("rb") as fh:
        result = import_demands(world.dispatcher_city, fh, "h.csv")
    assert result.ok, result.errors[:3]
    assert result.created == 400
    daily, monthly = _daily(), _monthly()
    assert sum(r[6] for r in daily) == 401
    rollups.rebuild()
    assert _daily() == daily
    assert _monthly() == monthly


def test_sample_file_is_the_same_for_the_same_seed(world, tmp_path):
    units = [world.district_a, world.street_a]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_sample_csv(first, 50, units, seed=3, end=dt.date(2026, 6, 1))
    write_sample_csv(second, 50, units, seed=3, end=dt.date(2026, 6, 1))
    assert first.read_bytes() == second.read_bytes()
