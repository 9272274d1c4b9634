"""Jobs whose worker died: the sweep that ends them (or requeues those safe to run again).

A running job beats (``luoshi.jobs.runner.Heartbeat``); its worker is dead when the worker's process is
gone from this host, or when no beat came for ``LUOSHI_JOB_STALE_SECONDS``. A pending job is lost when,
``LUOSHI_JOB_QUEUE_GRACE_SECONDS`` after it was created, no queue holds it. An export (``retry_safe``)
is requeued once; any other job fails with the reason. The sweep runs every minute, when a worker
starts and when a job's page is viewed.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import beat_key, live_progress
from luoshi.jobs.tasks import QueueUnavailable, enqueue, run_job_task

MAX_ATTEMPTS = 2


def worker_alive(worker: str) -> bool | None:
    """Whether the process ``host:pid`` still runs; None when it ran on another host (or is unknown)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _last_beat(job: Job) -> dt.datetime | None:
    """The later of the row's heartbeat and the one in the shared cache."""
    beats = [job.heartbeat_at, job.started_at]
    found = cache.get(beat_key(job.pk))
    if isinstance(found, int | float):
        beats.append(dt.datetime.fromtimestamp(found, tz=dt.UTC))
    return max((beat for beat in beats if beat is not None), default=None)


def _worker_died(job: Job, now: dt.datetime | None = None) -> bool:
    """A running job whose worker process is gone or silent for longer than the bound."""
    if job.status != JobStatus.RUNNING:
        return False
    if worker_alive(job.worker) is False:
        return True
    beat = _last_beat(job) or job.created_at
    return ((now or timezone.now()) - beat).total_seconds() > float(settings.LUOSHI_JOB_STALE_SECONDS)


def queued_job_ids() -> set[int] | None:
    """The jobs huey's queue (and its schedule of retries) holds; None when the queue cannot be read."""
    try:
        tasks = [*HUEY.pending(), *HUEY.scheduled()]
    except Exception:
        return None
    return {int(task.args[0]) for task in tasks if isinstance(task, run_job_task.task_class) and task.args}


def _lost_in_queue(job: Job, queued: set[int] | None, now: dt.datetime | None = None) -> bool:
    """A pending job that no queue holds, past the grace period (a queue that cannot be read proves nothing)."""
    if job.status != JobStatus.PENDING or queued is None or job.pk in queued:
        return False
    age = ((now or timezone.now()) - job.created_at).total_seconds()
    return age > float(settings.LUOSHI_JOB_QUEUE_GRACE_SECONDS)


def _interrupted_reason(job: Job) -> str:
    """What the job page says about a job whose worker died and that is not run again."""
    if job.retry_safe:
        return _("后台任务进程再次意外中止，任务未完成，未生成文件。请重新发起。")
    if job.atomic or job.kind.endswith("import") or job.kind.endswith("import_units"):
        return _(
            "后台任务进程意外中止，任务未完成。它的写入在同一个事务中，已全部回滚，未写入任何数据；"
            "请重新发起（导入请重新上传文件）。"
        )
    return _("后台任务进程意外中止，任务未完成；未提交的写入已回滚。请检查结果后重新发起。")


def _discard_upload(job: Job) -> None:
    """The file a failed job was queued with (``tasks.queue_upload``) goes at once: it may hold personal data."""
    stored = (job.params or {}).get("file")
    if stored:
        default_storage.delete(stored)


def _requeue_or_fail(job: Job, reason: str) -> Job:
    """End ``job`` (as it was read) once: requeue an export that may run again, fail anything else with
    ``reason``. A job that changed meanwhile (it finished, another sweep took it) is left alone."""
    job = live_progress(job)
    same = Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts, worker=job.worker)
    now = timezone.now()
    if job.retry_safe and job.body and job.attempts < MAX_ATTEMPTS:
        note = _("后台任务进程意外中止，任务未完成；导出可以安全重做，已自动重新排队。")
        if same.update(status=JobStatus.PENDING, progress=0, log=job.log + note + "\n", heartbeat_at=None):
            try:
                enqueue(job)
            except QueueUnavailable as exc:
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.FAILED, finished_at=now, result={"message": str(exc)}, log=job.log + note + "\n"
                )
    elif same.update(status=JobStatus.FAILED, finished_at=now, result={"message": reason}, log=job.log + reason + "\n"):
        _discard_upload(job)
    cache.delete_many([beat_key(job.pk)])
    return Job.objects.get(pk=job.pk)


def recover_job(job: Job, queued: set[int] | None = None, now: dt.datetime | None = None) -> Job:
    """``job`` as the sweep leaves it: ended or requeued when its worker died or no queue holds it."""
    if _worker_died(job, now):
        return _requeue_or_fail(job, _interrupted_reason(job))
    if job.status == JobStatus.PENDING:
        if queued is None:
            queued = queued_job_ids()
        if _lost_in_queue(job, queued, now):
            lost = _("任务没有进入后台任务队列（队列不可用或已丢失），未运行，未写入任何数据。请重新发起。")
            return _requeue_or_fail(job, lost)
    return job


def sweep_jobs(now: dt.datetime | None = None) -> dict[str, Any]:
    """Recover every running or pending job (see ``recover_job``); how many were requeued and failed."""
    now = now or timezone.now()
    queued = queued_job_ids()
    counts = {"requeued": 0, "failed": 0}
    for job in Job.objects.filter(Q(status=JobStatus.RUNNING) | Q(status=JobStatus.PENDING)).order_by("pk"):
        after = recover_job(job, queued, now)
        if after is not job:
            counts["failed" if after.status == JobStatus.FAILED else "requeued"] += 1
    return counts
