"""The daily overdue sweep: its huey schedule (01:00 Shanghai), its Job row, and the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from huey.contrib.djhuey import HUEY

from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.schedule import local_crontab
from luoshi.problems.choices import Light
from luoshi.problems.models import Problem
from luoshi.problems.tasks import JOB_KIND, refresh_lights_daily, run_refresh_lights
from luoshi.testing.problems import new_problem
from luoshi.testing.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _utc(hour: int, minute: int) -> dt.datetime:
    """What huey hands a periodic test: naive UTC."""
    return dt.datetime(2026, 6, 30, hour, minute)


def _late_problem(world: World) -> Problem:
    with time_machine.travel(dt.datetime(2026, 6, 20, 9, tzinfo=SHANGHAI), tick=False):
        return new_problem(world, found_on=dt.date(2026, 6, 20), deadline=dt.date(2026, 6, 30))


def test_huey_keeps_utc_so_the_schedule_converts() -> None:
    assert HUEY.utc is True


@pytest.mark.parametrize(
    ("moment", "due"),
    [(_utc(17, 0), True), (_utc(16, 59), False), (_utc(17, 1), False), (_utc(1, 0), False), (_utc(9, 0), False)],
)
def test_sweep_is_due_at_one_in_the_morning_shanghai(moment: dt.datetime, due: bool) -> None:
    """17:00 UTC is 01:00 the next day in Shanghai."""
    assert refresh_lights_daily.s().validate_datetime(moment) is due


def test_consumer_would_enqueue_it_at_that_minute() -> None:
    due = {task.name for task in HUEY.read_periodic(_utc(17, 0))}
    assert refresh_lights_daily.name in due
    assert refresh_lights_daily.name not in {task.name for task in HUEY.read_periodic(_utc(1, 0))}


def test_local_crontab_refuses_a_bad_field() -> None:
    with pytest.raises(ValueError, match="is not a valid input"):
        local_crontab(hour="25")


def test_periodic_task_runs_the_sweep_and_records_a_job(world: World) -> None:
    problem = _late_problem(world)
    with time_machine.travel(dt.datetime(2026, 7, 1, 1, 0, tzinfo=SHANGHAI), tick=False):
        refresh_lights_daily()  # huey runs it inline in the test settings
    assert Problem.objects.get(pk=problem.pk).light == Light.RED
    job = Job.objects.get(kind=JOB_KIND)
    assert (job.status, job.progress) == (JobStatus.SUCCEEDED, 100)
    assert job.result == {"date": "2026-07-01", "red": 1, "yellow": 0, "green": 0}
    assert "转为红灯 1 个" in job.log


def test_job_records_its_date_and_owner(world: World) -> None:
    job = run_refresh_lights(dt.date(2026, 3, 1), owner=world.office_city)
    assert (job.params, job.owner, job.name) == ({"date": "2026-03-01"}, world.office_city, "刷新超期预警（红黄绿灯）")


def test_command_with_a_date(world: World) -> None:
    problem = _late_problem(world)
    out = _call("--date", "2026-06-28")
    assert Problem.objects.get(pk=problem.pk).light == Light.YELLOW
    assert "已按 2026-06-28 刷新预警：转为红灯 0 个，黄灯 1 个，绿灯 0 个" in out
    assert Job.objects.get(kind=JOB_KIND).result == {"date": "2026-06-28", "red": 0, "yellow": 1, "green": 0}


def test_command_defaults_to_today_in_shanghai(world: World) -> None:
    problem = _late_problem(world)
    with time_machine.travel(dt.datetime(2026, 7, 1, 0, 5, tzinfo=SHANGHAI), tick=False):
        out = _call()
    assert "已按 2026-07-01 刷新预警" in out
    assert Problem.objects.get(pk=problem.pk).light == Light.RED


def test_command_refuses_a_bad_date(world: World) -> None:
    with pytest.raises(CommandError, match="格式不对，应为 YYYY-MM-DD"):
        _call("--date", "2026-7-1")
    assert not Job.objects.exists()


def _call(*args: str) -> str:
    out = StringIO()
    call_command("refresh_lights", *args, stdout=out)
    return out.getvalue()
