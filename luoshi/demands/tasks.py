"""Scheduled work of citizen demands: the breach sweep (超时预警) every 10 minutes, as a Job row, and the sweep
of import files left behind (when a worker starts and daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from luoshi.demands import services
from luoshi.demands.imports_store import sweep_leftover_uploads
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, create_job, run_job
from luoshi.jobs.schedule import local_crontab

JOB_KIND = "demands.sweep_breaches"


def run_sweep(now: dt.datetime | None = None, owner: Any = None) -> Job:
    """Mark late tickets and escalate them, recorded as a Job that users can follow."""
    moment = now or timezone.now()
    job = create_job("诉求工单超时预警", JOB_KIND, owner=owner, params={"now": moment.isoformat()})

    def body(ctx: JobContext) -> dict[str, int]:
        counts = services.sweep_breaches(moment)
        ctx.log(
            f"签收超时 {counts['sign']} 件，联系群众超时 {counts['respond']} 件，"
            f"办结超时 {counts['resolve']} 件，自动督办 {counts['escalated']} 件。"
        )
        return counts

    return run_job(job, body)


@db_periodic_task(crontab(minute="*/10"), name="demands.sweep_breaches")
def sweep_breaches_periodically() -> None:
    """Every 10 minutes, so a 2-hour limit is marked within minutes of passing."""
    run_sweep()


@HUEY.on_startup("demands.sweep_import_files")
def sweep_import_files_on_startup() -> None:
    """When a worker starts: import files whose job was killed with the previous worker go."""
    close_old_connections()
    sweep_leftover_uploads()


@db_periodic_task(local_crontab(minute="40", hour="3"), name="demands.sweep_import_files")
def sweep_import_files_daily() -> None:
    """Every day at 03:40 (Asia/Shanghai): import files that no live job needs any more are deleted."""
    sweep_leftover_uploads()
