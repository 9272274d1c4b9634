"""Running work as a Job row that users can follow."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from luoshi.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


PROGRESS_SECONDS = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"luoshi:job-progress:{job_id}"


def beat_key(job_id: int) -> str:
    return f"luoshi:job-beat:{job_id}"


def worker_id() -> str:
    """Who runs a job: ``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def heartbeat_seconds() -> float:
    return float(settings.LUOSHI_JOB_HEARTBEAT_SECONDS)


class Heartbeat:
    """Beats for a running job in a background thread every ``LUOSHI_JOB_HEARTBEAT_SECONDS``.

    A body may sit in one long query, so the beat cannot come from its progress calls. Each beat goes to
    the shared cache (never blocked by the body's transaction) and to ``Job.heartbeat_at`` on the
    thread's own connection, giving up at once when the row or the SQLite database is locked.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        cache.set(beat_key(self.job_id), timezone.now().timestamp(), PROGRESS_SECONDS)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        cache.delete(beat_key(self.job_id))

    def _run(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                self.beat()
        finally:
            connections.close_all()

    def beat(self) -> None:
        now = timezone.now()
        cache.set(beat_key(self.job_id), now.timestamp(), PROGRESS_SECONDS)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                else:
                    cursor.execute("PRAGMA busy_timeout = 200")
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=now)
        except DatabaseError:
            logger.debug("job %s: heartbeat kept in the cache only (database busy)", self.job_id)


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
        if connection.in_atomic_block:
            return
        try:
            Job.objects.filter(pk=self.job.pk).update(**{f: getattr(self.job, f) for f in fields})
        except DatabaseError:  # SQLite: a body reading rows holds a snapshot another writer has passed
            logger.debug("job %s: progress kept in the cache only (database busy)", self.job.pk)

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


def claim(job: Job) -> bool:
    """Mark a pending ``job`` running in this process; False when it is not pending any more (it ran, or
    a sweep ended it)."""
    now, worker = timezone.now(), worker_id()
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=worker, attempts=F("attempts") + 1
    )
    if claimed:
        job.status, job.started_at, job.heartbeat_at, job.worker = JobStatus.RUNNING, now, now, worker
        job.attempts += 1
    return bool(claimed)


def run_job(job: Job, body: JobBody, *, atomic: bool = True) -> Job:
    """Run ``body`` now, recording status, progress, result and errors on ``job``; a job that is not
    pending any more is left as it is.

    With ``atomic`` the body runs in one transaction, so its progress shows only at the end; a body
    that keeps its writes in its own transaction passes ``atomic=False`` so progress shows as it goes.
    While the body runs, a ``Heartbeat`` tells the sweep (``luoshi.jobs.services``) that its worker lives.
    """
    if not claim(job):
        logger.warning("job %s is %s, not run again", job.pk, job.status)
        return job
    ctx = JobContext(job)
    try:
        with Heartbeat(job.pk), transaction.atomic() if atomic else nullcontext():
            result = body(ctx)
    except JobFailed as exc:
        job.status, job.result, job.log = JobStatus.FAILED, exc.result, job.log + f"失败：{exc}\n"
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        job.status, job.log = JobStatus.FAILED, job.log + f"失败：{exc}\n"
    else:
        job.status, job.progress, job.result = JobStatus.SUCCEEDED, 100, result
    job.finished_at = timezone.now()
    _save_final(job)
    cache.delete(progress_key(job.pk))
    return job


def _save_final(job: Job) -> None:
    """Write the job's end; a snapshot the body left open (SQLite keeps it while a read is unfinished) cannot
    write, so on a database error the connection starts afresh once."""
    fields = ["status", "progress", "result", "log", "finished_at"]
    try:
        job.save(update_fields=fields)
    except DatabaseError:
        connection.close()
        job.save(update_fields=fields)
