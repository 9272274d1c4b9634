"""Importing a project list from Excel: every error by row and column, all or nothing, through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed
from luoshi.livelihood import imports
from luoshi.livelihood.models import LivelihoodProject
from luoshi.livelihood.tests import helpers
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
HEADER = ["项目名称", "项目内容", "类别", "牵头单位代码", "配合单位代码", "责任领导", "投资（万元）", "计划完成时间"]


def workbook(rows: list[list[Any]], header: list[str] = HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = imports.SHEET
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def good_rows() -> list[list[Any]]:
    return [
        [
            "新建社区食堂 10 个",
            "覆盖全部街道",
            "养老托育",
            "D001",
            "S001",
            "张三（副区长）",
            1200,
            dt.date(2026, 12, 31),
        ],
        ["改造老旧小区 5 个", "", "住房保障", "S001", "", "李四", "86.5", "2026年11月30日"],
        ["【示例】新建城市公园", "", "", "D001", "", "王五", "", "2026-12-31"],
    ]


def test_a_good_list_creates_every_project_through_the_services(world: World) -> None:
    ids = imports.import_projects(world.office_a, world.campaign, workbook(good_rows()), "东城区项目清单.xlsx")
    projects = {p.title: p for p in LivelihoodProject.objects.filter(pk__in=ids)}
    assert set(projects) == {"新建社区食堂 10 个", "改造老旧小区 5 个"}
    canteen = projects["新建社区食堂 10 个"]
    assert canteen.category == "care"
    assert canteen.budget == Decimal("1200.00")
    assert list(canteen.assisting_units.all()) == [world.street_a]
    assert projects["改造老旧小区 5 个"].deadline == dt.date(2026, 11, 30)
    assert projects["改造老旧小区 5 个"].org_path == world.street_a.path
    assert canteen.events.filter(kind="created").exists()
    audit = AuditEvent.objects.get(action=Action.IMPORT)
    assert (audit.after or {})["created"] == 2


def test_every_error_is_reported_by_row_and_column_and_nothing_is_imported(world: World) -> None:
    helpers.new_project(world, title="已有项目")
    rows = [
        ["", "", "", "D001", "", "张三", "", "2026-12-31"],
        ["已有项目", "", "", "D001", "", "张三", "", "2026-12-31"],
        ["新项目甲", "", "航天", "D002", "NOPE", "", "-5", "明年"],
        ["新项目乙", "", "", "XXXX", "", "李四", "1.234", "2026-02-30"],
        ["新项目乙", "", "", "D001", "", "李四", "abc", "2026-12-31"],
    ]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_projects(world.office_a, world.campaign, workbook(rows), "错误清单.xlsx")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (2, "项目名称"),
        (3, "项目名称"),
        (4, "类别"),
        (4, "牵头单位代码"),
        (4, "配合单位代码"),
        (4, "责任领导"),
        (4, "投资（万元）"),
        (4, "计划完成时间"),
        (5, "牵头单位代码"),
        (5, "投资（万元）"),
        (5, "计划完成时间"),
        (6, "项目名称"),
        (6, "投资（万元）"),
    }
    messages = {(e.row, e.column): str(e) for e in rejected.value.errors}
    assert "与第 5 行的项目重名" in messages[(6, "项目名称")]
    assert "不在您可管理民生实事的范围内" in messages[(4, "牵头单位代码")]
    assert "第 4 行「类别」" in messages[(4, "类别")]
    assert LivelihoodProject.objects.count() == 1


def test_a_file_that_is_not_the_template_is_refused_whole(world: World) -> None:
    with pytest.raises(imports.ImportRejected) as missing:
        imports.import_projects(world.office_a, world.campaign, workbook([["x"]], header=["名称"]), "a.xlsx")
    assert {e.column for e in missing.value.errors} == {"项目名称", "牵头单位代码", "责任领导", "计划完成时间"}
    with pytest.raises(imports.ImportRejected) as broken:
        imports.import_projects(world.office_a, world.campaign, io.BytesIO(b"not a workbook"), "b.xlsx")
    assert broken.value.errors[0].row == 0
    with pytest.raises(imports.ImportRejected, match="1 处错误"):
        imports.import_projects(world.office_a, world.campaign, workbook([]), "c.xlsx")


def test_only_those_who_manage_projects_import(world: World) -> None:
    with pytest.raises(NotAllowed):
        imports.import_projects(world.liaison_a, world.campaign, workbook(good_rows()), "x.xlsx")
    assert LivelihoodProject.objects.count() == 0


def test_the_import_page_shows_the_errors_and_the_template_downloads(world: World) -> None:
    client = Client()
    verified_login(client, world.office_a)
    bad = workbook([["项目", "", "", "D002", "", "张三", "", "2026-12-31"]]).getvalue()
    upload = SimpleUploadedFile("清单.xlsx", bad, content_type="application/octet-stream")
    page = client.post(reverse("livelihood:import"), {"campaign": world.campaign.pk, "file": upload})
    assert page.status_code == 200
    assert "不在您可管理民生实事的范围内" in page.content.decode()
    good = SimpleUploadedFile("清单.xlsx", workbook(good_rows()).getvalue())
    answer = client.post(reverse("livelihood:import"), {"campaign": world.campaign.pk, "file": good})
    assert answer.status_code == 302
    assert LivelihoodProject.objects.count() == 2
    fake = SimpleUploadedFile("清单.xlsx", b"<html>not excel</html>")
    refused = client.post(reverse("livelihood:import"), {"campaign": world.campaign.pk, "file": fake})
    assert "不符" in refused.content.decode()

    template = client.get(reverse("livelihood:import_template"), {"campaign": world.campaign.pk})
    book = load_workbook(io.BytesIO(template.getvalue()))
    header = [c.value for c in book[imports.SHEET][1]]
    assert header == HEADER
    assert str(book[imports.SHEET]["A2"].value).startswith(imports.EXAMPLE_MARK)
    assert book[imports.SHEET]["D2"].value == "D001"
