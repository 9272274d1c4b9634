"""The daily reminder sweep, at 07:30 Asia/Shanghai (after quiet hours)."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_periodic_task

from luoshi.jobs.schedule import local_crontab

logger = logging.getLogger(__name__)


@db_periodic_task(local_crontab(minute="30", hour="7"), name="reminders.sweep")
def reminders_daily() -> None:
    from luoshi.reminders.services import run_sweep

    counts = run_sweep()
    logger.info("reminders sent: %s", counts)
