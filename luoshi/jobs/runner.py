"""Running work as a Job row that users can follow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from luoshi.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


PROGRESS_SECONDS = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"luoshi:job-progress:{job_id}"


def live_progress(job: Job) -> Job:
    """``job`` with the progress and log its body last reported, which the cache holds while it runs."""
    found = cache.get(progress_key(job.pk))
    if found is not None and job.status == JobStatus.RUNNING:
        job.progress, job.log = found
    return job


class JobContext:
    """Handed to a job body: report progress and append to the log.

    Progress goes to the cache, which every process shares, so it shows while the body runs even
    inside a transaction; the Job row gets it too when no transaction is open (inside one, the row
    would change only at the commit, and ``run_job`` writes the final state anyway).
    """

    def __init__(self, job: Job):
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        self.job.progress = max(0, min(100, percent))
        fields = ["progress"]
        if message:
            self.job.log += message + "\n"
            fields.append("log")
        cache.set(progress_key(self.job.pk), (self.job.progress, self.job.log), PROGRESS_SECONDS)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**{f: getattr(self.job, f) for f in fields})

    def log(self, message: str) -> None:
        self.progress(self.job.progress, message)


JobBody = Callable[[JobContext], Any]


class JobFailed(Exception):
    """Raised by a job body to fail with a message for the log and a result for the user (e.g. row errors)."""

    def __init__(self, message: str, result: Any = None):
        super().__init__(message)
        self.result = result


def create_job(name: str, kind: str, owner: Any = None, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(name=name, kind=kind, owner=owner if owner and owner.pk else None, params=params or {})


def run_job(job: Job, body: JobBody, *, atomic: bool = True) -> Job:
    """Run ``body`` now, recording status, progress, result and errors on ``job``.

    With ``atomic`` the body runs in one transaction, so its progress shows only at the end; a body
    that keeps its writes in its own transaction passes ``atomic=False`` so progress shows as it goes.
    """
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    ctx = JobContext(job)
    try:
        with transaction.atomic() if atomic else nullcontext():
            result = body(ctx)
    except JobFailed as exc:
        job.status, job.result, job.log = JobStatus.FAILED, exc.result, job.log + f"失败：{exc}\n"
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        job.status, job.log = JobStatus.FAILED, job.log + f"失败：{exc}\n"
    else:
        job.status, job.progress, job.result = JobStatus.SUCCEEDED, 100, result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "result", "log", "finished_at"])
    cache.delete(progress_key(job.pk))
    return job
