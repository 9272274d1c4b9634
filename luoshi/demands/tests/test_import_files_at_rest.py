"""The uploaded hotline file (names and phones in clear) does not stay on disk once its import is over."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from luoshi.demands.imports_store import sweep_leftover_uploads
from luoshi.demands.jobs import IMPORT_KIND
from luoshi.demands.models import Demand
from luoshi.demands.tasks import sweep_import_files_on_startup
from luoshi.demands.tests.import_helpers import csv_bytes, row
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import create_job
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db

PERSONAL = "张三,13812345678\n".encode()


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    def post(user, data):
        verified_login(client, user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("demands:import"), {"file": SimpleUploadedFile("热线.csv", data, "text/csv")})

    return post


@pytest.fixture
def imports_dir(settings) -> Iterator[Path]:
    """The imports folder, empty before the test and again after it (the media folder is shared by tests)."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.iterdir():
        leftover.unlink()
    yield folder
    for leftover in folder.iterdir():
        leftover.unlink()


def leftover(folder: Path, name: str, hours_old: float = 1) -> Path:
    path = folder / name
    path.write_bytes(PERSONAL)
    moment = time.time() - hours_old * 3600
    os.utime(path, (moment, moment))
    return path


def live_job(stored: str, status: str = JobStatus.PENDING, hours_old: float = 0) -> Job:
    job = create_job("导入诉求工单：热线.csv", IMPORT_KIND, params={"file": stored, "name": "热线.csv", "sha256": ""})
    created = job.created_at - dt.timedelta(hours=hours_old)
    Job.objects.filter(pk=job.pk).update(status=status, created_at=created)
    return job


def test_file_is_gone_after_a_successful_import(post_import, world, imports_dir) -> None:
    post_import(world.dispatcher_city, csv_bytes([row()]))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.SUCCEEDED
    assert job.params["file"].startswith("imports/")
    assert list(imports_dir.iterdir()) == []


def test_file_is_gone_after_an_import_with_bad_rows(post_import, world, imports_dir) -> None:
    post_import(world.office_a, csv_bytes([row(), row(工单编号="T2", 承办单位编码="D002")]))
    assert Job.objects.get(kind=IMPORT_KIND).status == JobStatus.FAILED
    assert not Demand.objects.exists()
    assert list(imports_dir.iterdir()) == []


def test_file_is_gone_after_the_job_raises(post_import, world, imports_dir, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("磁盘错误")

    monkeypatch.setattr("luoshi.demands.jobs.import_demands", broken)
    post_import(world.dispatcher_city, csv_bytes([row()]))
    job = Job.objects.get(kind=IMPORT_KIND)
    assert job.status == JobStatus.FAILED
    assert "磁盘错误" in job.log
    assert list(imports_dir.iterdir()) == []


def test_sweep_removes_what_no_live_job_needs(world, imports_dir) -> None:
    orphan = leftover(imports_dir, "demands-import-orphan.csv")
    finished = leftover(imports_dir, "demands-import-finished.csv")
    live_job("imports/demands-import-finished.csv", status=JobStatus.SUCCEEDED)
    killed = leftover(imports_dir, "demands-import-killed.csv", hours_old=30)
    live_job("imports/demands-import-killed.csv", status=JobStatus.RUNNING, hours_old=30)
    queued = leftover(imports_dir, "demands-import-queued.csv")
    live_job("imports/demands-import-queued.csv")
    just_saved = leftover(imports_dir, "demands-import-new.csv", hours_old=0)
    assert sweep_leftover_uploads() == 3
    assert [p.exists() for p in (orphan, finished, killed, queued, just_saved)] == [False, False, False, True, True]


@pytest.mark.django_db(transaction=True)  # the start-up hook closes the connection, as a new worker process should
def test_sweep_runs_when_a_worker_starts_and_by_command(world, imports_dir, settings) -> None:
    first = leftover(imports_dir, "orgs-import_units-a.xlsx")
    sweep_import_files_on_startup()
    assert not first.exists()
    second = leftover(imports_dir, "0f3c.xlsx")
    out = StringIO()
    call_command("sweep_import_files", stdout=out)
    assert not second.exists()
    assert "已删除遗留的导入文件 1 个" in out.getvalue()
    settings.LUOSHI_IMPORT_FILE_MAX_HOURS = 0.5
    kept = leftover(imports_dir, "demands-import-slow.csv")
    live_job("imports/demands-import-slow.csv", status=JobStatus.RUNNING)
    assert sweep_leftover_uploads() == 0
    assert kept.exists()


def test_sweep_without_the_folder_does_nothing(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    assert sweep_leftover_uploads() == 0
