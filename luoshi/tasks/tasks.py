"""Scheduled work of key tasks: the daily light sweep of assignments (每日刷新红黄绿灯).

The huey consumer finds this module by autodiscovery and enqueues the sweep at 01:05 in the project's
time zone, just after the problems' sweep.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from huey.contrib.djhuey import db_periodic_task

from luoshi.jobs.models import Job
from luoshi.jobs.schedule import local_crontab
from luoshi.tasks import services
from luoshi.tracking.sweep import run_light_sweep

JOB_KIND = "tasks.refresh_lights"


def run_refresh_lights(on: dt.date | None = None, owner: Any = None) -> Job:
    """Recompute the lights of every assignment as a Job row that users can follow."""
    day = on or services.today()
    return run_light_sweep("刷新重点任务预警（红黄绿灯）", JOB_KIND, services.refresh_lights, day, owner, unit="项")


@db_periodic_task(local_crontab(minute="5", hour="1"), name="tasks.refresh_lights_daily")
def refresh_lights_daily() -> None:
    """Every day at 01:05 (Asia/Shanghai), so the day's lights are right before anyone logs in."""
    run_refresh_lights()
