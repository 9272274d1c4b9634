"""Jobs on the queue (huey): the Job row is written first, then a worker runs its body."""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_task

from luoshi.jobs.models import Job
from luoshi.jobs.runner import run_job


@db_task()
def run_job_task(job_id: int, body: str, atomic: bool = True) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is not None:
        run_job(job, import_string(body), atomic=atomic)


def start_job(job: Job, body: str, *, atomic: bool = True) -> None:
    """Queue ``job`` to run ``body`` (the dotted path of a job body) once the current transaction commits."""
    transaction.on_commit(lambda: run_job_task(job.pk, body, atomic))
