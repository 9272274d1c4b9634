"""The menu import: all or nothing, errors by row and column; the template; the import page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed
from luoshi.lectures import imports
from luoshi.lectures.models import LectureCategory, LectureItem
from luoshi.lectures.tests.factory import campaign, item, member, speaker
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


HEADER = ["类别", "宣讲题目", "宣讲人编号", "时长（分钟）", "内容简介"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_menu_is_imported_with_new_categories(world: World) -> None:
    number = speaker(world).number
    source = sheet(
        ["党的创新理论", "深刻领悟“两个确立”", number, 90, "结合实际"],
        ["民生政策", "医保新政解读", number, "", ""],
        ["民生政策", "【示例】跳过", number, 60, ""],
    )
    ids = imports.import_menu(world.office_a, campaign(world), source, "菜单.xlsx")
    made = LectureItem.objects.filter(pk__in=ids).order_by("id")
    assert [(i.category.name, i.title, i.minutes) for i in made] == [
        ("党的创新理论", "深刻领悟“两个确立”", 90),
        ("民生政策", "医保新政解读", 60),
    ]
    assert AuditEvent.objects.filter(action=Action.IMPORT, detail__contains="菜单项 2 个").exists()


def test_any_error_imports_nothing_and_each_is_named_by_row_and_column(world: World) -> None:
    existing = item(world)
    outsider = member(world, unit=world.district_b)
    number = speaker(world).number
    source = sheet(
        ["", "无类别", number, 60, ""],
        ["基层治理", existing.title, number, 60, ""],
        ["基层治理", "网格治理", "NOBODY", 60, ""],
        ["基层治理", "网格治理二", outsider.number, 60, ""],
        ["基层治理", "网格治理三", number, "半小时", ""],
        ["基层治理", "网格治理四", number, 5, ""],
        ["基层治理", "重名", number, 60, ""],
        ["基层治理", "重名", number, 60, ""],
        ["基层治理", "", "", 60.5, ""],
    )
    categories, items = LectureCategory.objects.count(), LectureItem.objects.count()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_menu(world.office_a, campaign(world), source, "菜单.xlsx")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (2, "类别"),
        (3, "宣讲题目"),
        (4, "宣讲人编号"),
        (5, "宣讲人编号"),
        (6, "时长（分钟）"),
        (7, "时长（分钟）"),
        (9, "宣讲题目"),
        (10, "宣讲题目"),
        (10, "宣讲人编号"),
        (10, "时长（分钟）"),
    }
    assert "10 处错误" in str(rejected.value)
    assert (LectureCategory.objects.count(), LectureItem.objects.count()) == (categories, items)


def test_a_missing_column_and_a_stranger_are_refused(world: World) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["类别", "宣讲题目"])
    ws.append(["x", "y"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(imports.ImportRejected):
        imports.import_menu(world.office_a, campaign(world), buffer, "缺列.xlsx")
    with pytest.raises(NotAllowed):
        imports.import_menu(world.liaison_a, campaign(world), sheet(["a", "b", "c", 60, ""]), "x.xlsx")


def test_the_template_and_the_import_page(world: World) -> None:
    client = Client()
    verified_login(client, world.office_a)
    on = campaign(world)
    template = client.get(reverse("lectures:menu_template"), {"campaign": on.pk})
    book = load_workbook(io.BytesIO(content(template)))
    assert [c.value for c in book.worksheets[0][1]][:5] == HEADER
    url = reverse("lectures:menu_import") + f"?campaign={on.pk}"
    bad = SimpleUploadedFile("菜单.xlsx", sheet(["民生", "题", "NOBODY", 60, ""]).getvalue(), content_type=XLSX)
    page = client.post(url, {"file": bad})
    assert "import-errors" in page.content.decode()
    assert "宣讲人编号" in page.content.decode()
    good = sheet(["民生", "就业政策", speaker(world).number, 60, ""]).getvalue()
    answer = client.post(url, {"file": SimpleUploadedFile("菜单.xlsx", good, content_type=XLSX)})
    assert answer.status_code == 302
    assert LectureItem.objects.filter(title="就业政策").exists()
