"""Lights from the deadline and reporting rounds, with a frozen clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from luoshi.jobs.models import Job, JobStatus
from luoshi.tasks import queries, rounds, services
from luoshi.tasks.choices import Cycle, State
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.tasks import JOB_KIND, refresh_lights_daily, run_refresh_lights
from luoshi.tasks.tests.factory import assigned, fresh, make_task
from luoshi.testing.world import World
from luoshi.tracking.choices import Light

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- rounds: pure ----------------------------------------------------------------------------------------------


def test_weekly_rounds_follow_the_calendar_from_the_signing_day() -> None:
    found = rounds.rounds(Cycle.WEEKLY, d("2026-06-03"), d("2026-06-16"), d("2026-12-31"))
    assert [(r.start, r.end) for r in found] == [
        (d("2026-06-03"), d("2026-06-07")),
        (d("2026-06-08"), d("2026-06-14")),
        (d("2026-06-15"), d("2026-06-21")),
    ]


def test_half_month_and_month_rounds() -> None:
    half = rounds.rounds(Cycle.SEMIMONTHLY, d("2026-02-10"), d("2026-03-01"), d("2026-12-31"))
    assert [(r.start, r.end) for r in half] == [
        (d("2026-02-10"), d("2026-02-15")),
        (d("2026-02-16"), d("2026-02-28")),
        (d("2026-03-01"), d("2026-03-15")),
    ]
    months = rounds.rounds(Cycle.MONTHLY, d("2026-01-31"), d("2026-03-01"), d("2026-12-31"))
    assert [(r.number, r.start, r.end) for r in months] == [
        (1, d("2026-01-31"), d("2026-01-31")),
        (2, d("2026-02-01"), d("2026-02-28")),
        (3, d("2026-03-01"), d("2026-03-31")),
    ]


def test_a_once_task_has_one_round_up_to_its_deadline() -> None:
    (only,) = rounds.rounds(Cycle.ONCE, d("2026-05-01"), d("2026-09-01"), d("2026-06-30"))
    assert (only.start, only.end) == (d("2026-05-01"), d("2026-06-30"))
    assert rounds.rounds(Cycle.MONTHLY, d("2026-05-02"), d("2026-05-01"), d("2026-06-30")) == []


def test_missed_rounds_are_the_ended_ones_without_a_report() -> None:
    reports = [d("2026-06-05"), d("2026-06-20")]
    found = rounds.round_status(Cycle.WEEKLY, d("2026-06-01"), d("2026-06-24"), d("2026-12-31"), reports)
    assert [(s.reported, s.missed, s.current) for s in found] == [
        (True, False, False),  # 6/1–6/7
        (False, True, False),  # 6/8–6/14
        (True, False, False),  # 6/15–6/21
        (False, False, True),  # 6/22–6/28, the current one
    ]
    assert rounds.missed_count(Cycle.WEEKLY, d("2026-06-01"), d("2026-06-24"), d("2026-12-31"), reports, None) == 1
    assert rounds.round_status(Cycle.WEEKLY, None, d("2026-06-24"), d("2026-12-31"), []) == []


def test_no_round_is_missed_after_the_work_ended() -> None:
    stopped = rounds.missed_count(Cycle.WEEKLY, d("2026-06-01"), d("2026-07-31"), d("2026-12-31"), [], d("2026-06-10"))
    assert stopped == 1  # only 6/1–6/7 ended before the stop
    once = rounds.missed_count(Cycle.ONCE, d("2026-06-01"), d("2026-07-31"), d("2026-06-30"), [], None)
    assert once == 1


def test_current_round_start() -> None:
    assert rounds.current_round_start(Cycle.WEEKLY, d("2026-06-24")) == d("2026-06-22")
    assert rounds.current_round_start(Cycle.SEMIMONTHLY, d("2026-06-24")) == d("2026-06-16")
    assert rounds.current_round_start(Cycle.MONTHLY, d("2026-06-24")) == d("2026-06-01")
    assert rounds.current_round_start(Cycle.ONCE, d("2026-06-24")) is None


# --- lights and rounds on real rows ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lights_turn_yellow_then_red_and_a_done_one_is_green(world: World) -> None:
    with at(d("2026-06-01")):
        task = make_task(world, due_on=d("2026-09-30"))
        late = assigned(world, task=task, due_on=d("2026-06-30"))
        done = services.sign(world.liaison_a, assigned(world, task=task, unit=world.district_a, due_on=d("2026-06-30")))
        services.request_finish(world.liaison_a, done, summary="已完成")
        services.accept(world.office_a, fresh(done))
        assert fresh(late).light == Light.GREEN
    assert services.refresh_lights(d("2026-06-28"))["yellow"] == 1
    assert fresh(late).light == Light.YELLOW
    assert services.refresh_lights(d("2026-07-01"))["red"] == 1
    assert (fresh(late).light, fresh(done).light) == (Light.RED, Light.GREEN)
    overdue = TaskAssignment.objects.filter(queries.overdue_q(d("2026-07-01")))
    assert list(overdue) == [late]


@pytest.mark.django_db
def test_the_board_counts_missed_rounds_and_this_rounds_reports(world: World) -> None:
    with at(d("2026-06-03")):
        task = make_task(world, due_on=d("2026-09-30"), cycle=Cycle.WEEKLY)
        quiet = services.sign(world.liaison_a, assigned(world, task=task))
        busy = services.sign(world.liaison_a, assigned(world, task=task, unit=world.district_a))
        services.report_progress(world.liaison_a, busy, text="第一周", percent=10)
    with at(d("2026-06-24")):
        services.report_progress(world.liaison_a, fresh(busy), text="第四周", percent=30)
        rows = queries.with_rounds(list(TaskAssignment.objects.select_related("task").order_by("id")))
        figures = queries.counts(TaskAssignment.objects.filter(task=task))
        table = queries.round_table(fresh(quiet))
    assert [(r.unit, getattr(r, "missed", None)) for r in rows] == [(world.street_a, 3), (world.district_a, 2)]
    assert figures.to_report == 1
    assert figures.by_state[State.IN_PROGRESS] == 2
    assert [s.missed for s in table] == [True, True, True, False]


@pytest.mark.django_db
def test_the_daily_job_runs_the_sweep_and_records_a_job(world: World) -> None:
    with at(d("2026-06-01")):
        late = assigned(world, task=make_task(world, due_on=d("2026-09-30")), due_on=d("2026-06-30"))
    job = run_refresh_lights(d("2026-07-02"))
    assert job.result is not None
    assert (job.kind, job.status, job.result["red"]) == (JOB_KIND, JobStatus.SUCCEEDED, 1)
    assert fresh(late).light == Light.RED
    with at(d("2026-07-05")):
        refresh_lights_daily.call_local()
    assert Job.objects.filter(kind=JOB_KIND).count() == 2


def test_the_sweep_is_scheduled_after_the_problems_one() -> None:
    due = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 6, 30, 17, 5))}
    assert refresh_lights_daily.name in due


def test_today_is_the_date_in_shanghai() -> None:
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC), tick=False):
        assert services.today() == d("2026-07-01")
