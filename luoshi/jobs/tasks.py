"""Jobs on the queue (huey): the Job row is written first, then a worker runs its body."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO, Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from luoshi.core.errors import RuleViolation
from luoshi.core.uploads import CheckedUpload
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import create_job, run_job
from luoshi.jobs.schedule import local_crontab
from luoshi.jobs.signals import jobs_failed_by_sweep

logger = logging.getLogger(__name__)


class QueueUnavailable(RuleViolation):
    """The job queue (huey's storage) could not take a job: nothing was queued, nothing kept."""

    code = "queue_unavailable"


class JobNotCommitted(Exception):
    """A worker took a job whose row the queueing request has not committed yet: huey retries it."""


@db_task(retries=5, retry_delay=2)
def run_job_task(job_id: int, body: str, atomic: bool = True) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise JobNotCommitted(job_id)
    if job.status == JobStatus.PENDING:
        run_job(job, import_string(body), atomic=atomic)


def start_job(job: Job, body: str, *, atomic: bool = True, retry_safe: bool = False) -> None:
    """Queue ``job`` to run ``body`` (the dotted path of a job body); ``retry_safe`` when running it again
    after its worker died does no harm (an export), so the sweep requeues it once instead of failing it.

    The job goes on the queue at once, before the caller's transaction commits: when the queue cannot take
    it the Job row is deleted and ``QueueUnavailable`` raised, so no job is left pending and the caller's
    transaction rolls back (a worker that is faster than the commit retries). Inline (tests) the body
    runs once the transaction commits.
    """
    job.body, job.atomic, job.retry_safe = body, atomic, retry_safe
    Job.objects.filter(pk=job.pk).update(body=body, atomic=atomic, retry_safe=retry_safe)
    if HUEY.immediate:
        transaction.on_commit(lambda: run_job_task(job.pk, body, atomic))
        return
    try:
        enqueue(job)
    except QueueUnavailable:
        Job.objects.filter(pk=job.pk).delete()
        raise


def enqueue(job: Job) -> None:
    """Put ``job`` on the queue; ``QueueUnavailable`` with a message for the user when the queue is down."""
    try:
        run_job_task(job.pk, job.body, job.atomic)
    except Exception as exc:
        logger.warning("job %s: the queue did not take it (%s)", job.pk, type(exc).__name__)
        raise QueueUnavailable(
            _(
                "后台任务队列暂时不可用，任务未能排队，未保存任何数据。请稍后重试；如仍不行，请联系管理员检查后台任务进程。"
            )
        ) from exc


def queue_upload(actor: Any, upload: UploadedFile, checked: CheckedUpload, *, kind: str, title: str, body: str) -> Job:
    """Store a checked upload under MEDIA_ROOT/imports/ and queue ``body`` on it as a job owned by
    ``actor``; the job's params name the stored ``file``, the upload's ``name`` and its ``sha256``.
    The body reads the file through ``stored_upload``, which deletes it afterwards."""
    suffix = PurePath(checked.name).suffix.lower()
    stored = default_storage.save(f"imports/{kind.replace('.', '-')}-{checked.sha256[:16]}{suffix}", upload)
    params = {"file": stored, "name": checked.name, "sha256": checked.sha256}
    job = create_job(title[:100], kind, owner=actor, params=params)
    try:
        start_job(job, body, atomic=False)
    except QueueUnavailable:
        default_storage.delete(stored)
        raise
    return job


@contextmanager
def stored_upload(job: Job) -> Iterator[IO[bytes]]:
    """The upload a job was queued with, open for reading; deleted afterwards whatever happens."""
    try:
        with default_storage.open(job.params["file"], "rb") as fileobj:
            yield fileobj
    finally:
        default_storage.delete(job.params["file"])


@db_periodic_task(local_crontab(minute="30", hour="3"), name="jobs.expire_exports")
def expire_exports_daily() -> None:
    """Every day at 03:30 (Asia/Shanghai): workbooks of exports finished a week ago are deleted."""
    from luoshi.jobs.exports import expire_exports  # exports queue jobs through this module

    expire_exports()


@db_periodic_task(crontab(minute="*"), name="jobs.sweep")
def sweep_jobs_every_minute() -> None:
    """Every minute: end or requeue the jobs whose worker died, and the pending jobs no queue holds."""
    from luoshi.jobs.services import sweep_jobs  # the sweep requeues through this module

    if sweep_jobs()["failed"]:
        jobs_failed_by_sweep.send(sender=sweep_jobs_every_minute)


@HUEY.on_startup("jobs.sweep")
def sweep_at_startup() -> None:
    """When a worker starts: jobs left running by a worker that died are ended or requeued at once."""
    from luoshi.jobs.services import sweep_jobs

    close_old_connections()
    sweep_jobs()
