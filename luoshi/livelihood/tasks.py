"""Scheduled work of livelihood projects: the daily sweep of the projects' and tasks' lights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from luoshi.jobs.models import Job
from luoshi.jobs.schedule import local_crontab
from luoshi.livelihood import services
from luoshi.tracking.sweep import run_light_sweep

JOB_KIND = "livelihood.refresh_lights"


def run_refresh_lights(on: dt.date | None = None, owner: Any = None) -> Job:
    """Recompute the lights of every project and task as a Job row that users can follow."""
    day = on or timezone.localdate()
    return run_light_sweep("刷新民生实事项目预警", JOB_KIND, services.refresh_lights, day, owner)


@db_periodic_task(local_crontab(minute="10", hour="1"), name="livelihood.refresh_lights_daily")
def refresh_lights_daily() -> None:
    """Every day at 01:10 (Asia/Shanghai), after the problems' sweep."""
    run_refresh_lights()
