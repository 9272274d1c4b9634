"""Running work as a Job row that users can follow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from luoshi.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class JobContext:
    """Handed to a job body: report progress and append to the log."""

    def __init__(self, job: Job):
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        self.job.progress = max(0, min(100, percent))
        fields = ["progress"]
        if message:
            self.job.log += message + "\n"
            fields.append("log")
        Job.objects.filter(pk=self.job.pk).update(**{f: getattr(self.job, f) for f in fields})

    def log(self, message: str) -> None:
        self.progress(self.job.progress, message)


JobBody = Callable[[JobContext], Any]


def create_job(name: str, kind: str, owner: Any = None, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(name=name, kind=kind, owner=owner if owner and owner.pk else None, params=params or {})


def run_job(job: Job, body: JobBody) -> Job:
    """Run ``body`` now, recording status, progress, result and errors on ``job``."""
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    ctx = JobContext(job)
    try:
        with transaction.atomic():
            result = body(ctx)
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        job.refresh_from_db()
        job.status, job.log = JobStatus.FAILED, job.log + f"失败：{exc}\n"
    else:
        job.refresh_from_db()
        job.status, job.progress, job.result = JobStatus.SUCCEEDED, 100, result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "log", "finished_at"])
    return job
