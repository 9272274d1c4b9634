"""Jobs survive their worker: heartbeats, the sweep that ends or requeues jobs whose worker died, and a
queue that cannot take a job (the request fails cleanly and keeps nothing)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from luoshi.demands.models import Demand
from luoshi.demands.tests.import_helpers import csv_bytes, row
from luoshi.jobs import services
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import JobContext, beat_key, create_job, run_job, worker_id
from luoshi.jobs.tasks import QueueUnavailable, start_job
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db


def dead_worker() -> str:
    """``host:pid`` of a process of this host that has ended."""
    proc = subprocess.Popen(["true"])  # noqa: S607 - the coreutils no-op
    proc.wait()
    return f"{worker_id().rpartition(':')[0]}:{proc.pid}"


def running_job(owner: Any, kind: str, worker: str, **fields: Any) -> Job:
    job = create_job(f"测试任务 {kind}", kind, owner=owner)
    started = timezone.now() - dt.timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=started, heartbeat_at=started, worker=worker, attempts=1, **fields
    )
    return Job.objects.get(pk=job.pk)


def test_a_running_body_beats_in_the_cache_and_the_row_names_its_worker(settings: Any, world: Any) -> None:
    settings.LUOSHI_JOB_HEARTBEAT_SECONDS = 0.1
    job = create_job("慢任务", "test.slow", owner=world.office_a)
    beats: list[float] = []

    def body(ctx: JobContext) -> None:
        beats.append(cache.get(beat_key(ctx.job.pk)))
        time.sleep(0.5)
        beats.append(cache.get(beat_key(ctx.job.pk)))

    run_job(job, body)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.worker, job.attempts) == (worker_id(), 1)
    assert job.heartbeat_at is not None
    assert beats[0] is not None
    assert beats[1] > beats[0]
    assert cache.get(beat_key(job.pk)) is None


def test_a_job_that_is_not_pending_is_not_run_again(world: Any) -> None:
    job = running_job(world.office_a, "test.twice", worker_id())
    ran: list[int] = []
    run_job(job, lambda ctx: ran.append(1))
    assert ran == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_an_import_whose_worker_died_fails_with_the_reason_on_its_page(client: Any, world: Any) -> None:
    job = running_job(world.dispatcher_city, "demands.import", dead_worker(), atomic=False)
    verified_login(client, world.dispatcher_city)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert "后台任务进程意外中止" in html
    assert "未写入任何数据" in html
    assert "请重新发起（导入请重新上传文件）" in job.log


def test_the_sweep_ends_a_job_whose_worker_fell_silent_and_spares_a_beating_one(settings: Any, world: Any) -> None:
    settings.LUOSHI_JOB_STALE_SECONDS = 60
    silent = running_job(world.office_a, "orgs.import_units", "elsewhere:1")
    beating = running_job(world.office_a, "orgs.import_units", "elsewhere:2")
    old = timezone.now() - dt.timedelta(minutes=5)
    Job.objects.filter(pk__in=[silent.pk, beating.pk]).update(started_at=old, heartbeat_at=old)
    cache.set(beat_key(beating.pk), timezone.now().timestamp())
    assert services.recover_job(beating).status == JobStatus.RUNNING
    assert services.sweep_jobs() == {"requeued": 0, "failed": 1}
    assert Job.objects.get(pk=silent.pk).status == JobStatus.FAILED
    assert Job.objects.get(pk=beating.pk).status == JobStatus.RUNNING
    assert services.worker_alive(worker_id()) is True
    assert services.worker_alive("elsewhere:1") is None


def test_an_export_whose_worker_died_runs_again_once_then_fails(world: Any, settings: Any) -> None:
    settings.LUOSHI_EXPORT_INLINE_ROWS = 0
    body = "luoshi.demands.jobs.export_demands_job"
    job = running_job(world.office_city, "demands.export", dead_worker(), body=body, atomic=False, retry_safe=True)
    Job.objects.filter(pk=job.pk).update(params={"query": {}, "rows": 1})
    assert services.sweep_jobs() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert "已自动重新排队" in job.log
    assert job.result is not None
    assert job.result["file"]

    again = running_job(world.office_city, "demands.export", dead_worker(), body=body, retry_safe=True)
    Job.objects.filter(pk=again.pk).update(attempts=2)
    assert services.sweep_jobs() == {"requeued": 0, "failed": 1}
    again.refresh_from_db()
    assert again.status == JobStatus.FAILED
    assert again.result == {"message": "后台任务进程再次意外中止，任务未完成，未生成文件。请重新发起。"}


@pytest.fixture
def queue_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real SQLite queue (not inline) at a file of the test's own, with a short busy timeout."""
    path = tmp_path / "jobs.sqlite3"
    storage = SqliteStorage(name="luoshi", filename=str(path), timeout=0.2)
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    yield path
    storage.close()


def post_import(client: Any, user: Any) -> Any:
    verified_login(client, user)
    upload = SimpleUploadedFile("热线.csv", csv_bytes([row(), row(工单编号="T2")]), "text/csv")
    return client.post(reverse("demands:import"), {"file": upload})


def imports_left(settings: Any) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_an_upload_while_the_queue_is_locked_fails_cleanly(
    client: Any, world: Any, queue_file: Path, settings: Any
) -> None:
    HUEY.storage.conn  # noqa: B018 - create the queue's tables before another process locks it
    holder = sqlite3.connect(queue_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = post_import(client, world.dispatcher_city)
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert "后台任务队列暂时不可用，任务未能排队，未保存任何数据" in response.content.decode()
    assert not Job.objects.exists()
    assert Demand.objects.count() == 0
    assert imports_left(settings) == []


def test_an_upload_when_the_queue_database_is_gone_fails_cleanly(
    client: Any, world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    folder = tmp_path / "queue"
    folder.mkdir()
    gone = SqliteStorage(name="luoshi", filename=str(folder / "jobs.sqlite3"), timeout=0.2)
    gone.close()
    shutil.rmtree(folder)
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", gone)
    response = post_import(client, world.dispatcher_city)
    assert response.status_code == 503
    assert not Job.objects.exists()
    assert imports_left(settings) == []
    with pytest.raises(QueueUnavailable):
        start_job(create_job("导出", "demands.export", owner=world.office_city), "x.y")
    assert not Job.objects.exists()


def test_a_pending_job_no_queue_holds_is_failed_after_the_grace(world: Any, queue_file: Path, settings: Any) -> None:
    settings.LUOSHI_JOB_QUEUE_GRACE_SECONDS = 60
    queued = create_job("排队中", "orgs.import_units", owner=world.office_a)
    start_job(queued, "luoshi.orgs.jobs.import_units_job", atomic=False)
    lost = create_job("丢失", "orgs.import_units", owner=world.office_a)
    young = create_job("刚建", "orgs.import_units", owner=world.office_a)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk__in=[queued.pk, lost.pk]).update(created_at=an_hour_ago)
    assert services.queued_job_ids() == {queued.pk}
    assert services.sweep_jobs() == {"requeued": 0, "failed": 1}
    lost.refresh_from_db()
    assert lost.status == JobStatus.FAILED
    assert lost.result == {
        "message": "任务没有进入后台任务队列（队列不可用或已丢失），未运行，未写入任何数据。请重新发起。"
    }
    assert Job.objects.get(pk=queued.pk).status == JobStatus.PENDING
    assert Job.objects.get(pk=young.pk).status == JobStatus.PENDING
