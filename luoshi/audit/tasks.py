"""Scheduled work of the audit app: the daily signed checkpoint of the chain head (每日审计检查点).

The huey consumer finds this module by autodiscovery and writes the checkpoint at 00:10 in the project's
time zone (Asia/Shanghai) into ``DATA_DIR/audit_checkpoints/``; copy that folder elsewhere (docs/audit.md).
"""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from luoshi.audit.services import write_checkpoint
from luoshi.jobs.schedule import local_crontab


@db_periodic_task(local_crontab(minute="10", hour="0"), name="audit.daily_checkpoint")
def daily_checkpoint() -> str:
    path, _checkpoint = write_checkpoint()
    return str(path)
