"""Importing the rectification ledger (整改台账): every error named by row and column, nothing written on error."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed
from luoshi.core.imports import parse_date
from luoshi.jobs.models import Job, JobStatus
from luoshi.problems import imports
from luoshi.problems.choices import EventKind, Kind, Severity, State
from luoshi.problems.imports import HEADERS, LedgerRejected, RowError, import_ledger
from luoshi.problems.models import Problem, ProblemClass, ProblemEvent
from luoshi.testing.hostile_files import zip_bomb
from luoshi.testing.problems import new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(world: World, **values: Any) -> dict[str, Any]:
    base = {
        "问题标题": "政务窗口办事排长队",
        "具体表现": "高峰期排队超过一小时",
        "问题来源": world.channels[1].name,
        "问题方面": world.aspects[2].name,
        "责任单位代码": world.district_a.code,
        "责任领导账号": "",
        "严重程度": "较重",
        "整改类型": "限期整改",
        "发现日期": dt.date(2026, 3, 1),
        "整改时限": "2026年4月30日",
        "所属类别": "",
    }
    base.update(values)
    return base


def ledger_bytes(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS, name: str = "台账.xlsx") -> Any:
    return SimpleUploadedFile(name, ledger_bytes(rows, headers), content_type=XLSX)


def rejected(world: World, rows: list[dict[str, Any]], user: Any = None, **kw: Any) -> list[RowError]:
    with pytest.raises(LedgerRejected) as info:
        import_ledger(user or world.liaison_a, world.campaign, ledger(rows, **kw), "台账.xlsx")
    assert Problem.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()
    return info.value.errors


def test_import_files_every_row_with_timeline_and_audit(world, client):
    rows = [
        row(world, 责任领导账号="leader_a", 所属类别="窗口服务类"),
        row(
            world,
            问题标题="社区办事指南未更新",
            责任单位代码="S001",
            严重程度="",
            整改类型="立行立改",
            所属类别="窗口服务类",
        ),
    ]
    verified_login(client, world.liaison_a)
    response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger(rows)})
    assert response.status_code == 302
    assert response.url == reverse("problems:list") + f"?campaign={world.campaign.pk}"
    first, second = Problem.objects.order_by("pk")
    assert (first.title, first.unit, first.responsible_leader) == (
        "政务窗口办事排长队",
        world.district_a,
        world.leader_a,
    )
    assert (first.severity, first.kind, first.state) == (Severity.SERIOUS, Kind.DEADLINE, State.PENDING_CLAIM)
    assert (first.found_on, first.deadline) == (dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert (second.unit, second.severity, second.kind) == (world.street_a, Severity.NORMAL, Kind.IMMEDIATE)
    assert first.filed_by == world.liaison_a
    problem_class = ProblemClass.objects.get(name="窗口服务类")
    assert first.problem_class == second.problem_class == problem_class
    assert problem_class.unit == world.district_a
    assert list(ProblemEvent.objects.values_list("kind", flat=True)) == [EventKind.FILED, EventKind.FILED]
    created = AuditEvent.objects.filter(action=Action.CREATE, object_type="problems.problem")
    assert created.count() == 2
    audit = AuditEvent.objects.get(action=Action.IMPORT)
    assert audit.actor == world.liaison_a
    assert "台账.xlsx" in audit.detail
    assert "2 条" in audit.detail
    after = audit.after or {}
    assert after["created"] == 2
    assert len(after["sha256"]) == 64
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("values", "column", "fragment"),
    [
        ({"问题标题": "  "}, "问题标题", "问题标题不能为空"),
        ({"问题标题": "长" * 201}, "问题标题", "不能超过 200 字"),
        ({"问题来源": "道听途说"}, "问题来源", "「道听途说」不是本活动的问题来源"),
        ({"问题方面": "不存在的方面"}, "问题方面", "不是本活动的问题方面"),
        ({"责任单位代码": "X999"}, "责任单位代码", "找不到代码为「X999」的单位"),
        ({"责任单位代码": "D002"}, "责任单位代码", "不在您可登记问题的范围内"),
        ({"责任领导账号": "ghost"}, "责任领导账号", "找不到账号「ghost」"),
        ({"责任领导账号": "leader_b"}, "责任领导账号", "没有认领问题的权限"),
        ({"严重程度": "很严重"}, "严重程度", "「很严重」不是有效的严重程度"),
        ({"整改类型": "马上改"}, "整改类型", "「马上改」不是有效的整改类型"),
        ({"发现日期": "三月初"}, "发现日期", "「三月初」不是有效日期"),
        ({"发现日期": "2026-02-30"}, "发现日期", "不是有效日期"),
        ({"整改时限": None}, "整改时限", "整改时限不能为空"),
        ({"整改时限": "2026/2/1"}, "整改时限", "早于发现日期"),
    ],
)
def test_each_row_error_names_row_and_column_and_writes_nothing(world, values, column, fragment):
    errors = rejected(world, [row(world, 问题标题="第一行没有问题"), row(world, **values)])
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert fragment in errors[0].message


@pytest.mark.parametrize(
    ("values", "column", "shown"),
    [
        ({"整改时限": "2026/2/1"}, "整改时限", "2026/2/1"),
        ({"问题标题": "长" * 201}, "问题标题", "长" * 40 + "…"),
        ({"问题来源": "道听途说"}, "问题来源", ""),  # quoted by the message already
    ],
)
def test_a_row_error_shows_what_the_cell_held(world, client, values, column, shown):
    errors = rejected(world, [row(world, **values)])
    assert [(e.column, e.value) for e in errors] == [(column, shown)]
    verified_login(client, world.liaison_a)
    response = client.post(
        reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger([row(world, **values)])}
    )
    assert (f"所填内容：「{shown}」" in response.content.decode()) is bool(shown)


def test_all_errors_of_all_rows_are_collected(world):
    errors = rejected(world, [row(world, 问题来源="无", 发现日期="x"), row(world, 问题标题="", 责任单位代码="X1")])
    assert [(e.row, e.column) for e in errors] == [
        (2, "问题来源"),
        (2, "发现日期"),
        (3, "问题标题"),
        (3, "责任单位代码"),
    ]


def test_unit_outside_the_campaign_is_refused(world):
    other = Campaign.objects.create(
        name="东城专项整治", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    other.channels.create(name="自查自纠")
    other.aspects.create(name="作风建设")
    rows = [row(world, 问题来源="自查自纠", 问题方面="作风建设", 责任单位代码="C000")]
    with pytest.raises(LedgerRejected) as info:
        import_ledger(world.office_city, other, ledger(rows), "台账.xlsx")
    assert info.value.errors[0].column == "责任单位代码"
    assert "不在活动「东城专项整治」的范围内" in info.value.errors[0].message


def test_missing_headers_are_reported_on_row_one(world):
    headers = tuple(h for h in HEADERS if h not in ("问题来源", "整改时限"))
    errors = rejected(world, [row(world)], headers=headers)
    assert [(e.row, e.column) for e in errors] == [(1, "问题来源"), (1, "整改时限")]
    assert "缺少表头「问题来源」" in errors[0].message


def test_duplicates_within_the_file_and_against_existing_problems_are_refused(world):
    existing = new_problem(world, title="已登记的问题")
    errors = rejected_after(world, existing, [row(world, 问题标题="已登记的问题"), row(world), row(world)])
    assert [(e.row, e.column) for e in errors] == [(2, "问题标题"), (4, "问题标题")]
    assert existing.number in errors[0].message
    assert "与第 3 行重复" in errors[1].message


def rejected_after(world: World, existing: Problem, rows: list[dict[str, Any]]) -> list[RowError]:
    with pytest.raises(LedgerRejected) as info:
        import_ledger(world.liaison_a, world.campaign, ledger(rows), "台账.xlsx")
    assert list(Problem.objects.all()) == [existing]
    return info.value.errors


def test_example_rows_and_measures_column_are_skipped_with_a_note(world):
    headers = (*HEADERS, "整改措施")
    rows = [row(world, 问题标题="【示例】示例问题"), row(world, 整改措施="1. 增设窗口\n2. 错峰预约")]
    report = import_ledger(world.liaison_a, world.campaign, ledger(rows, headers=headers), "台账.xlsx")
    assert report.created == 1
    assert Problem.objects.get().title == "政务窗口办事排长队"
    assert any("示例" in note for note in report.notes)
    assert any("整改措施" in note for note in report.notes)
    assert not Problem.objects.get().measures.exists()


def test_empty_ledger_is_refused(world):
    errors = rejected(world, [row(world, 问题标题="【示例】只有示例")])
    assert "没有问题数据" in errors[0].message


def test_user_without_import_permission_cannot_import(world, client):
    with pytest.raises(NotAllowed):
        import_ledger(world.leader_a, world.campaign, ledger([row(world)]), "台账.xlsx")
    verified_login(client, world.leader_a)
    assert client.get(reverse("ledger:index")).status_code == 403
    response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger([row(world)])})
    assert response.status_code == 403
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("2026/3/1", dt.date(2026, 3, 1)),
        ("2026年3月1日", dt.date(2026, 3, 1)),
        ("2026.03.01", dt.date(2026, 3, 1)),
        ("20260301", dt.date(2026, 3, 1)),
        (dt.datetime(2026, 3, 1, 9, 30), dt.date(2026, 3, 1)),
        (46082, dt.date(2026, 3, 1)),
        ("2026-13-01", None),
        ("下周", None),
    ],
)
def test_dates_are_read_from_excel_dates_and_chinese_text(value, expected):
    assert parse_date(value) == expected


# --- the page ----------------------------------------------------------------------------------


def test_page_shows_the_error_table_and_writes_nothing(world, client):
    verified_login(client, world.liaison_a)
    rows = [row(world), row(world, 问题标题="第二个问题", 问题方面="不存在的方面")]
    response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger(rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "台账中有 1 处错误，未导入任何问题" in html
    assert "<td>3</td>" in html
    assert "问题方面" in html
    assert "不是本活动的问题方面" in html
    assert not Problem.objects.exists()


def test_page_refuses_a_file_that_is_not_xlsx(world, client):
    verified_login(client, world.liaison_a)
    fake = SimpleUploadedFile("台账.xlsx", b"%PDF-1.4 not a spreadsheet", content_type=XLSX)
    csv = SimpleUploadedFile("台账.csv", "问题标题\n排队".encode(), content_type="text/csv")
    for upload, message in ((fake, "内容与扩展名 .xlsx 不符"), (csv, "只接受：xlsx")):
        response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": upload})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Problem.objects.exists()


def test_page_refuses_a_file_over_the_size_limit(world, client, settings):
    settings.LUOSHI_LEDGER_MAX_BYTES = 1024
    verified_login(client, world.liaison_a)
    response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger([row(world)])})
    assert "超过上限" in response.content.decode()
    assert not Problem.objects.exists()


def test_campaign_chooser_offers_only_visible_campaigns(world, client):
    hidden = Campaign.objects.create(
        name="西城专项整治", unit=world.district_b, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    verified_login(client, world.liaison_a)
    page = client.get(reverse("ledger:index")).content.decode()
    assert "测试主题教育" in page
    assert "西城专项整治" not in page
    response = client.post(reverse("ledger:index"), {"campaign": hidden.pk, "file": ledger([row(world)])})
    assert response.status_code == 200
    assert response.context["form"].errors["campaign"]
    assert not Problem.objects.exists()


def test_large_ledger_runs_as_a_job_and_reports_success(world, client, settings, django_capture_on_commit_callbacks):
    settings.LUOSHI_LEDGER_INLINE_BYTES = 0
    verified_login(client, world.liaison_a)
    rows = [row(world, 问题标题=f"问题{i}") for i in range(30)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger(rows)})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.status, job.progress) == (world.liaison_a, JobStatus.SUCCEEDED, 100)
    result = job.result or {}
    assert result["created"] == 30
    assert "已导入 30 条问题" in result["message"]
    assert Problem.objects.count() == 30
    assert not default_storage.exists(job.params["path"])
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


def test_large_ledger_with_errors_fails_the_job_with_row_errors(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.LUOSHI_LEDGER_INLINE_BYTES = 0
    verified_login(client, world.liaison_a)
    rows = [row(world, 问题标题="好问题"), row(world, 问题标题="坏问题", 责任单位代码="D002")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": ledger(rows)})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    errors = job.result or []
    assert [(e["row"], e["column"]) for e in errors] == [(3, "责任单位代码")]
    assert set(errors[0]) == {"row", "column", "message", "value"}
    assert "不在您可登记问题的范围内" in errors[0]["message"]
    assert not Problem.objects.exists()
    assert not default_storage.exists(job.params["path"])


# --- the template ------------------------------------------------------------------------------


def test_template_has_headers_dropdowns_and_help_and_imports_once_filled(
    world, client, django_capture_on_commit_callbacks
):
    verified_login(client, world.liaison_a)
    response = client.get(reverse("ledger:template"), {"campaign": world.campaign.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["整改台账", "填写说明", "下拉选项"]
    assert workbook["下拉选项"].sheet_state == "hidden"
    sheet = workbook["整改台账"]
    assert sheet.column_dimensions["E"].number_format == "@"
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet["A2"].value.startswith("【示例】")
    assert sheet["E2"].value == "D001"
    validated = {str(v.sqref).split(":")[0][0] for v in sheet.data_validations.dataValidation}
    assert validated == {"C", "D", "G", "H"}
    options = workbook["下拉选项"]
    assert [c.value for c in options["A"]][1:] == [c.name for c in world.channels]
    help_rows = [r[0].value for r in workbook["填写说明"].iter_rows(min_row=2, max_row=len(HEADERS) + 1)]
    assert help_rows == list(HEADERS)

    for col, value in enumerate(HEADERS, start=1):
        sheet.cell(row=3, column=col, value=row(world).get(value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("模板.xlsx", buffer.getvalue(), content_type=XLSX)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": upload})
    assert list(Problem.objects.values_list("title", flat=True)) == ["政务窗口办事排长队"]


def test_template_of_an_invisible_campaign_is_404(world, client):
    hidden = Campaign.objects.create(
        name="西城专项整治", unit=world.district_b, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    verified_login(client, world.liaison_a)
    assert client.get(reverse("ledger:template"), {"campaign": hidden.pk}).status_code == 404
    assert client.get(reverse("ledger:template"), {"campaign": "x"}).status_code == 404


def test_existing_problem_class_is_reused(world):
    existing = imports.services.create_problem_class(
        world.office_a, campaign=world.campaign, unit=world.district_a, name="窗口服务类"
    )
    import_ledger(world.liaison_a, world.campaign, ledger([row(world, 所属类别="窗口服务类")]), "台账.xlsx")
    assert Problem.objects.get().problem_class == existing
    assert ProblemClass.objects.count() == 1


def test_rows_over_the_limit_are_refused(world, settings):
    settings.LUOSHI_LEDGER_MAX_ROWS = 2
    errors = rejected(world, [row(world, 问题标题=f"问题{i}") for i in range(3)])
    assert [(e.row, e.column) for e in errors] == [(4, "")]
    assert "最多导入 2 行" in errors[0].message


def test_error_list_is_capped_but_counts_every_error(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_REPORTED_ERRORS", 3)
    rows = [row(world, 问题标题=f"问题{i}", 问题来源="无") for i in range(5)]
    with pytest.raises(LedgerRejected) as info:
        import_ledger(world.liaison_a, world.campaign, ledger(rows), "台账.xlsx")
    assert "有 5 处错误" in str(info.value)
    assert [e.row for e in info.value.errors] == [2, 3, 4, 0]
    assert "另有 2 处错误未列出" in info.value.errors[-1].message


def test_page_refuses_a_zip_bomb_xlsx(world, client):
    verified_login(client, world.liaison_a)
    response = client.post(reverse("ledger:index"), {"campaign": world.campaign.pk, "file": zip_bomb("台账.xlsx")})
    assert response.status_code == 200
    assert "文件「台账.xlsx」解压后过大" in response.content.decode()
    assert not Problem.objects.exists()
    assert not Job.objects.exists()
