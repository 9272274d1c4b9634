"""Exporting a filtered problem list to Excel: columns, scope, filters and audit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.jobs import exports as job_exports
from luoshi.jobs.models import Job, JobStatus
from luoshi.problems import services
from luoshi.problems.exports import HEADERS
from luoshi.problems.models import Problem
from luoshi.testing.problems import closed, new_problem, rectifying
from luoshi.testing.twofactor import verified_login


def download(client: Any, user: Any, **params: Any) -> Any:
    verified_login(client, user)
    return client.get(reverse("ledger:export"), params)


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["问题清单"].iter_rows(values_only=True))


def titles(response: Any) -> set[str]:
    return {r[1] for r in sheet_rows(response)[1:]}


def test_export_columns_round_trip(world, client):
    open_problem = rectifying(world, title="窗口办事排长队", severity="grave", kind="immediate")
    today = dt.date.today()
    services.add_measure(world.leader_a, open_problem, text="增设窗口", owner_unit=world.district_a, deadline=today)
    measure = services.add_measure(
        world.leader_a, open_problem, text="错峰预约", owner_unit=world.district_a, deadline=today
    )
    services.complete_measure(world.leader_a, measure)
    done = closed(world, title="办事指南未更新", unit=world.street_a)

    response = download(client, world.office_city)
    assert response["Content-Disposition"].startswith("attachment")
    rows = sheet_rows(response)
    assert rows[0] == HEADERS
    by_number = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert set(by_number) == {open_problem.number, done.number}

    first = by_number[open_problem.number]
    assert (first["问题标题"], first["问题来源"], first["问题方面"]) == (
        "窗口办事排长队",
        world.channels[1].name,
        world.aspects[2].name,
    )
    assert (first["责任单位"], first["责任领导"]) == ("东城区", "东城领导")
    assert (first["严重程度"], first["整改类型"], first["状态"], first["预警"]) == (
        "严重",
        "立行立改",
        "整改中",
        "绿灯",
    )
    assert (first["措施数"], first["已完成措施"]) == (2, 1)
    assert first["发现日期"].date() == open_problem.found_on
    assert first["整改时限"].date() == open_problem.deadline
    assert first["销号时间"] is None

    second = by_number[done.number]
    assert (second["责任单位"], second["状态"], second["措施数"]) == ("东城街道", "已销号", 0)
    done.refresh_from_db()
    expected = timezone.localtime(done.closed_at).replace(tzinfo=None, microsecond=0)
    assert second["销号时间"] == expected


def test_export_sheet_is_styled_with_frozen_header(world, client):
    new_problem(world)
    response = download(client, world.office_city)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["问题清单"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 40
    assert sheet.auto_filter.ref == "A1:P2"


def test_export_respects_scope(world, client):
    new_problem(world, title="东城的问题")
    new_problem(world, title="东城街道的问题", unit=world.street_a)
    new_problem(world, title="西城的问题", unit=world.district_b, actor=world.liaison_b)
    assert titles(download(client, world.office_b)) == {"西城的问题"}
    assert titles(download(client, world.liaison_b)) == {"西城的问题"}
    assert titles(download(client, world.leader_a)) == {"东城的问题", "东城街道的问题"}
    assert titles(download(client, world.office_city)) == {"东城的问题", "东城街道的问题", "西城的问题"}


def test_export_applies_the_list_filters(world, client):
    closed(world, title="已销号的问题")
    new_problem(world, title="街道待认领问题", unit=world.street_a)
    new_problem(world, title="西城待认领问题", unit=world.district_b, actor=world.liaison_b)
    office = world.office_city
    assert titles(download(client, office, state="closed")) == {"已销号的问题"}
    assert titles(download(client, office, unit=world.district_a.pk)) == {"已销号的问题", "街道待认领问题"}
    assert titles(download(client, office, q="西城 认领")) == {"西城待认领问题"}
    assert titles(download(client, office, state=["pending_claim"], unit=world.district_b.pk)) == {"西城待认领问题"}


def test_export_is_audited_with_filters_and_row_count(world, client):
    closed(world)
    new_problem(world, title="另一个问题")
    sheet_rows(download(client, world.office_a, state="closed", q=""))
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == world.office_a
    assert event.object_type == "problems.problem"
    assert event.after == {"filters": {"state": ["closed"]}, "rows": 1}
    assert "1 条" in event.detail


def test_invalid_filter_is_refused_and_not_audited(world, client):
    response = download(client, world.office_city, state="nonsense")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_user_without_export_permission_gets_403(world, client):
    new_problem(world)
    assert download(client, world.secadmin).status_code == 403
    assert download(client, world.nobody).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_command_writes_every_problem_and_is_audited(world, tmp_path):
    new_problem(world, title="东城的问题")
    new_problem(world, title="西城的问题", unit=world.district_b, actor=world.liaison_b)
    target = tmp_path / "全部问题.xlsx"
    call_command("export_problems", str(target), campaign=world.campaign.pk)
    rows = list(load_workbook(target)["问题清单"].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert {r[1] for r in rows[1:]} == {"东城的问题", "西城的问题"}
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor is None
    assert event.actor_name.startswith("系统命令")
    assert event.after == {"filters": {"campaign": [str(world.campaign.pk)]}, "rows": 2}
    assert Problem.objects.count() == 2


def test_long_list_is_exported_by_a_job_with_the_same_filters(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.LUOSHI_EXPORT_INLINE_ROWS = 1
    new_problem(world, title="东城的问题")
    new_problem(world, title="东城街道的问题", unit=world.street_a)
    new_problem(world, title="西城的问题", unit=world.district_b, actor=world.liaison_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = download(client, world.office_city, unit=str(world.district_a.pk))
    job = Job.objects.get(kind="problems.export")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.result is not None
    assert (job.status, job.result["rows"]) == (JobStatus.SUCCEEDED, 2)
    assert titles(client.get(reverse("jobs:download", args=[job.pk]))) == {"东城的问题", "东城街道的问题"}
    assert (AuditEvent.objects.get(action=Action.EXPORT, object_type="problems.problem").after or {})["rows"] == 2


def test_more_rows_than_a_sheet_holds_are_refused(world, client, monkeypatch):
    monkeypatch.setattr(job_exports, "SHEET_ROWS", 1)
    new_problem(world, title="东城的问题")
    new_problem(world, title="西城的问题", unit=world.district_b, actor=world.liaison_b)
    response = download(client, world.office_city)
    assert response.status_code == 400
    assert "分批导出" in response.content.decode()
    assert not Job.objects.exists()
