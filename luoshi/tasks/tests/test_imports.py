"""Importing a task list with its assignments: every error by row and column, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import RuleViolation
from luoshi.core.imports import OPTIONS_SHEET
from luoshi.tasks import imports, services
from luoshi.tasks.choices import AssignRole, Cycle
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tasks.tests.factory import streets
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
DUE = dt.date.today() + dt.timedelta(days=90)


def workbook(rows: list[dict[str, Any]], headers: tuple[str, ...] = imports.HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = imports.SHEET
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(**values: Any) -> dict[str, Any]:
    base = {"任务名称": "推进老旧小区改造", "任务来源": "会议部署", "主办单位代码": "D001", "完成时限": DUE}
    return {**base, **values}


def run(world: World, rows: list[dict[str, Any]]) -> imports.ImportReport:
    return imports.import_tasks(world.office_a, world.campaign, workbook(rows), "任务清单.xlsx")


def errors_of(world: World, rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    with pytest.raises(imports.ImportRejected) as rejected:
        run(world, rows)
    return [(e.row, e.column, e.message) for e in rejected.value.errors]


def test_a_three_level_list_with_leads_and_assists_is_imported(world: World) -> None:
    more = streets(world, 2)
    rows = [
        row(
            任务编号="1",
            任务名称="优化营商环境",
            权重=2,
            报送周期="每周",
            牵头单位代码="S001",
            配合单位代码="D001-S00001",
        ),
        row(
            任务编号="1.1",
            上级任务编号="1",
            任务名称="压减审批时限",
            牵头单位代码=f"S001、{more[1].code}",
            交办时限=DUE - dt.timedelta(days=10),
        ),
        row(任务编号="1.1.1", 上级任务编号="1.1", 任务名称="梳理审批事项", 完成时限=f"{DUE:%Y年%m月%d日}"),
        row(任务名称="【示例】不会导入"),
    ]
    report = run(world, rows)
    assert (report.tasks, report.assignments) == (3, 4)
    one, two, three = (Task.objects.get(title=t) for t in ("优化营商环境", "压减审批时限", "梳理审批事项"))
    assert (one.weight, one.cycle, one.unit) == (2, Cycle.WEEKLY, world.district_a)
    assert (two.parent, three.parent, three.level) == (one, two, 3)
    roles = dict(TaskAssignment.objects.filter(task=one).values_list("unit__code", "role"))
    assert roles == {"S001": AssignRole.LEAD, "D001-S00001": AssignRole.ASSIST}
    assert set(TaskAssignment.objects.filter(task=two).values_list("due_on", flat=True)) == {
        DUE - dt.timedelta(days=10)
    }
    assert AuditEvent.objects.filter(action=Action.IMPORT, object_type="campaigns.campaign").count() == 1
    assert "已导入 3 项任务" in report.summary()


def test_every_error_is_named_by_row_and_column_and_nothing_is_imported(world: World) -> None:
    rows = [
        row(任务编号="1"),
        row(任务名称="", 任务来源="小道消息"),
        row(完成时限="明年"),
        row(牵头单位代码="NOPE", 配合单位代码="D002"),
        row(上级任务编号="9"),
        row(任务编号="1", 权重="-1", 报送周期="每天"),
        row(主办单位代码="C000"),
        row(交办时限=DUE + dt.timedelta(days=1), 牵头单位代码="S001", 配合单位代码="S001"),
    ]
    found = errors_of(world, rows)
    columns = {(r, c) for r, c, _m in found}
    assert {
        (3, "任务名称"),
        (3, "任务来源"),
        (4, "完成时限"),
        (5, "牵头单位代码"),
        (5, "配合单位代码"),
        (6, "上级任务编号"),
        (7, "任务编号"),
        (7, "权重"),
        (7, "报送周期"),
        (8, "主办单位代码"),
        (9, "交办时限"),
        (9, "配合单位代码"),
    } <= columns
    assert any("西城区" in m for r, c, m in found if (r, c) == (5, "配合单位代码"))
    assert not Task.objects.exists()


def test_a_fourth_level_and_a_late_sub_task_are_refused_on_their_row(world: World) -> None:
    rows = [
        row(任务编号="1"),
        row(任务编号="2", 上级任务编号="1"),
        row(任务编号="3", 上级任务编号="2", 完成时限=DUE + dt.timedelta(days=5)),
        row(任务编号="4", 上级任务编号="3"),
    ]
    found = errors_of(world, rows)
    assert (4, "完成时限") in {(r, c) for r, c, _m in found}
    assert any(r == 5 and c == "上级任务编号" and "最多分解为 3 级" in m for r, c, m in found)


def test_a_failure_while_writing_rolls_everything_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = services.assign

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuleViolation("模拟的写入失败")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "assign", failing)
    rows = [row(任务名称="甲", 牵头单位代码="S001"), row(任务名称="乙", 牵头单位代码="S001")]
    assert errors_of(world, rows) == [(3, "", "模拟的写入失败")]
    assert not Task.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_file_level_errors(world: World) -> None:
    assert errors_of(world, []) == [(0, "", "文件中没有任务数据。")]
    missing = imports.import_tasks
    with pytest.raises(imports.ImportRejected) as rejected:
        missing(world.office_a, world.campaign, workbook([row()], headers=("任务名称",)), "x.xlsx")
    assert {e.column for e in rejected.value.errors} == {"任务来源", "完成时限"}
    with pytest.raises(imports.ImportRejected, match="未导入任何任务"):
        missing(world.office_a, world.campaign, io.BytesIO(b"not a workbook"), "x.xlsx")


def test_the_template_holds_the_headers_an_example_and_the_sources(world: World) -> None:
    buffer = io.BytesIO()
    imports.build_template(world.campaign, buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book[imports.SHEET]
    assert [c.value for c in sheet[1]] == list(imports.HEADERS)
    assert str(sheet["C2"].value).startswith(imports.EXAMPLE_MARK)
    options = [c.value for c in book[OPTIONS_SHEET]["A"][1:]]
    assert options[:4] == [s.name for s in services.sources_for(world.campaign)]
    buffer.seek(0)
    with pytest.raises(imports.ImportRejected, match="未导入任何任务"):
        imports.import_tasks(world.office_city, world.campaign, buffer, "模板.xlsx")


def test_the_import_page_lists_the_errors_and_offers_the_template(client: Client, world: World) -> None:
    verified_login(client, world.office_a)
    page = client.get(reverse("tasks:import"))
    assert reverse("tasks:import_template") in page.content.decode()
    template = client.get(reverse("tasks:import_template"), {"campaign": world.campaign.pk})
    assert template.status_code == 200
    upload = SimpleUploadedFile("清单.xlsx", workbook([row(任务来源="小道消息")]).getvalue())
    answer = client.post(reverse("tasks:import"), {"campaign": world.campaign.pk, "file": upload})
    body = answer.content.decode()
    assert "<td>2</td><td>任务来源</td>" in body
    assert "小道消息" in body
    assert "未导入任何任务" in body
    good = SimpleUploadedFile("清单.xlsx", workbook([row(牵头单位代码="S001")]).getvalue())
    done = client.post(reverse("tasks:import"), {"campaign": world.campaign.pk, "file": good})
    assert done.status_code == 302
    assert Task.objects.count() == 1
    liaison = Client()
    verified_login(liaison, world.liaison_a)
    assert liaison.get(reverse("tasks:import")).status_code == 403
