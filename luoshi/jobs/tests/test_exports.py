"""Exports run as jobs: progress while rows are written, a sheet's row limit, the download and its expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from luoshi.core.errors import RuleViolation
from luoshi.jobs import exports
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import JobContext, create_job
from luoshi.jobs.tasks import expire_exports_daily
from luoshi.testing.twofactor import verified_login


def test_rows_pass_through_with_progress_every_few_thousand() -> None:
    seen: list[int] = []
    rows = list(exports.counted(range(12_000), "工单", seen.append))
    assert rows == list(range(12_000))
    assert seen == [5_000, 10_000]


def test_more_rows_than_a_sheet_holds_stop_the_export(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)
    with pytest.raises(RuleViolation, match="超过 Excel 一个工作表 3 行的上限"):
        list(exports.counted(range(10), "工单"))


def finished_export(owner: Any, days_ago: int) -> Job:
    job = create_job("导出工单（2 条）", "demands.export", owner=owner)
    stored = default_storage.save(f"exports/test-{job.pk}.xlsx", ContentFile(b"PK\x03\x04"))
    job.status, job.finished_at = JobStatus.SUCCEEDED, timezone.now() - dt.timedelta(days=days_ago)
    job.result = {"file": stored, "name": "诉求工单.xlsx", "rows": 2, "message": "已导出 2 行"}
    job.save()
    return job


@pytest.mark.django_db
def test_download_gives_the_owner_the_file_under_its_name(client: Any, world: Any) -> None:
    job = finished_export(world.office_a, days_ago=0)
    verified_login(client, world.office_a)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04"
    assert "attachment" in response["Content-Disposition"]
    assert "spreadsheetml" in response["Content-Type"]


@pytest.mark.django_db
def test_workbooks_are_deleted_after_a_week(client: Any, world: Any) -> None:
    old, recent = finished_export(world.office_a, days_ago=8), finished_export(world.office_a, days_ago=6)
    assert old.result is not None
    assert recent.result is not None
    old_file = old.result["file"]
    assert exports.expire_exports() == 1
    old.refresh_from_db()
    assert old.result is not None
    assert not default_storage.exists(old_file)
    assert old.result["file"] is None
    assert "已删除" in old.result["message"]
    assert default_storage.exists(recent.result["file"])
    verified_login(client, world.office_a)
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 404
    assert "已删除" in client.get(reverse("jobs:detail", args=[old.pk])).content.decode()
    assert (
        reverse("jobs:download", args=[recent.pk])
        in client.get(reverse("jobs:detail", args=[recent.pk])).content.decode()
    )


@pytest.mark.django_db
def test_daily_task_expires_exports(world: Any) -> None:
    job = finished_export(world.office_a, days_ago=30)
    expire_exports_daily.call_local()
    job.refresh_from_db()
    assert job.result is not None
    assert job.result["file"] is None


@pytest.mark.django_db
def test_export_job_reports_progress_and_stores_the_workbook(world: Any) -> None:
    job = create_job("导出工单（12,000 条）", "demands.export", owner=world.office_a, params={"rows": 12_000})
    job.params["query"] = {"state": ["signed"]}
    seen: list[int] = []
    ctx = JobContext(job)
    ctx.progress = lambda percent, message="": seen.append(percent)  # type: ignore[method-assign]

    def write(user: Any, query: Any, target: Any, progress: Any) -> int:
        assert (user, query.getlist("state")) == (world.office_a, ["signed"])
        rows = sum(1 for _row in exports.counted(range(12_000), "工单", progress))
        target.write(b"PK\x03\x04")
        return rows

    result = exports.run_export(ctx, write, "诉求工单.xlsx")
    assert seen == [5, 42, 80]
    assert (result["rows"], result["name"]) == (12_000, "诉求工单.xlsx")
    with default_storage.open(result["file"], "rb") as stored:
        assert stored.read() == b"PK\x03\x04"
