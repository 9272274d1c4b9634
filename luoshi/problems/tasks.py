"""Scheduled work of the problems app: the daily overdue sweep (每日刷新红黄绿灯).

The huey consumer (``luoshi run_huey``, started by ``luoshi serve``) finds this module by
autodiscovery and enqueues the sweep at 01:00 in the project's time zone (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from huey.contrib.djhuey import db_periodic_task

from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, create_job, run_job
from luoshi.jobs.schedule import local_crontab
from luoshi.problems import services

JOB_KIND = "problems.refresh_lights"


def run_refresh_lights(on: dt.date | None = None, owner: Any = None) -> Job:
    """Recompute the lights of every open problem as a Job row that users can follow."""
    day = on or services.today()
    job = create_job("刷新超期预警（红黄绿灯）", JOB_KIND, owner=owner, params={"date": day.isoformat()})

    def body(ctx: JobContext) -> dict[str, Any]:
        counts = services.refresh_lights(day)
        ctx.log(f"{day:%Y-%m-%d}：转为红灯 {counts['red']} 个，黄灯 {counts['yellow']} 个，绿灯 {counts['green']} 个。")
        return {"date": day.isoformat(), **counts}

    return run_job(job, body)


@db_periodic_task(local_crontab(minute="0", hour="1"), name="problems.refresh_lights_daily")
def refresh_lights_daily() -> None:
    """Every day at 01:00 (Asia/Shanghai), so the day's lights are right before anyone logs in."""
    run_refresh_lights()
