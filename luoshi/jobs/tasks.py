"""Jobs on the queue (huey): the Job row is written first, then a worker runs its body."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO, Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.core.uploads import CheckedUpload
from luoshi.jobs.models import Job
from luoshi.jobs.runner import create_job, run_job
from luoshi.jobs.schedule import local_crontab


@db_task()
def run_job_task(job_id: int, body: str, atomic: bool = True) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is not None:
        run_job(job, import_string(body), atomic=atomic)


def start_job(job: Job, body: str, *, atomic: bool = True) -> None:
    """Queue ``job`` to run ``body`` (the dotted path of a job body) once the current transaction commits."""
    transaction.on_commit(lambda: run_job_task(job.pk, body, atomic))


def queue_upload(actor: Any, upload: UploadedFile, checked: CheckedUpload, *, kind: str, title: str, body: str) -> Job:
    """Store a checked upload under MEDIA_ROOT/imports/ and queue ``body`` on it as a job owned by
    ``actor``; the job's params name the stored ``file``, the upload's ``name`` and its ``sha256``.
    The body reads the file through ``stored_upload``, which deletes it afterwards."""
    suffix = PurePath(checked.name).suffix.lower()
    stored = default_storage.save(f"imports/{kind.replace('.', '-')}-{checked.sha256[:16]}{suffix}", upload)
    params = {"file": stored, "name": checked.name, "sha256": checked.sha256}
    job = create_job(title[:100], kind, owner=actor, params=params)
    start_job(job, body, atomic=False)
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
