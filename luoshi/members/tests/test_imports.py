"""Importing the member register from Excel: all or nothing, errors by row and column, scope, one audit record."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed
from luoshi.members import imports, services
from luoshi.members.choices import MemberKind
from luoshi.members.imports import MembersRejected, import_members
from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.members.tests.xlsx import row, workbook
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def errors_of(rejected: pytest.ExceptionInfo[MembersRejected]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in rejected.value.errors}


def test_a_good_file_is_imported_with_phones_encrypted_and_one_audit_record(world: World) -> None:
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    mobile: dict[str, Any] = {
        "类别": "流动党员",
        "组织关系所在单位代码": "S001",
        "现所在单位代码": "D002",
        "现所在地": "西城某地",
    }
    mobile |= {"纬度": 31.5, "经度": 119.25}
    source = workbook(
        [
            row("A1", "王芳", "S001", 职务="党支部书记", 手机号="13812345678"),
            row("A2", "李强", "D001", 类别="干部"),
            [None] * 11,
            row("【示例】0001", "示例"),
            row(3, "张伟", "S001", **mobile),
        ]
    )
    result = import_members(world.liaison_a, source)
    assert (result.created, result.mobile, len(result.units), result.examples) == (3, 1, 2, 1)
    first = Member.objects.get(number="A1")
    assert first.phone_masked == "138****5678"
    assert services.phone_of(first) == "13812345678"
    assert services.phone_matches(first, "13812345678")
    third = Member.objects.get(number="3")
    assert third.kind == MemberKind.MOBILE
    assert third.current_unit == world.district_b
    assert third.home_unit == world.street_a
    assert third.latitude == Decimal("31.500000")
    assert Member.objects.get(number="A2").kind == MemberKind.CADRE
    (event,) = AuditEvent.objects.filter(seq__gt=before)
    assert event.action == Action.IMPORT
    assert (event.after or {})["created"] == 3
    assert "13812345678" not in str(event.after)
    assert "3 人" in result.summary()
    assert result.as_result()["created"] == 3


def test_errors_are_reported_by_row_and_column_and_nothing_is_stored(world: World) -> None:
    rows = [
        row("B1"),
        row("", "", "S001"),
        row("B3", "孙七", "D002"),
        row("B4", "周八", "NOPE"),
        row("B5", "吴九", "S001", 类别="群众"),
        row("B6", "郑十", "S001", 手机号="12345"),
        row("B1", "重复", "S001"),
        row("B8", "经度缺", "S001", 纬度=31),
        row("B9", "坐标错", "S001", 纬度="北纬", 经度=500),
        row("B10", "无单位", "S001", 现所在单位代码="X999"),
        row("B11", "名" * 61),
    ]
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, workbook(rows))
    assert errors_of(rejected) == {
        (3, "编号"),
        (3, "姓名"),
        (4, "所在单位代码"),
        (5, "所在单位代码"),
        (6, "类别"),
        (7, "手机号"),
        (8, "编号"),
        (9, "纬度"),
        (10, "纬度"),
        (10, "经度"),
        (11, "现所在单位代码"),
        (12, "姓名"),
    }
    by_row = {(e.row, e.column): e for e in rejected.value.errors}
    assert "不在您管理的范围内" in by_row[(4, "所在单位代码")].message
    assert "第 2 行重复" in by_row[(8, "编号")].message
    assert by_row[(7, "手机号")].value == ""
    assert "12345" not in by_row[(7, "手机号")].message
    assert not Member.objects.exists()
    assert "12 处错误" in str(rejected.value)


def test_a_number_already_on_the_register_is_refused_and_nothing_is_stored(world: World) -> None:
    make_member(world.district_b, number="OLD1")
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, workbook([row("NEW1"), row("OLD1")]))
    assert errors_of(rejected) == {(3, "编号")}
    assert "已在名册中" in rejected.value.errors[0].message
    assert list(Member.objects.values_list("number", flat=True)) == ["OLD1"]


def test_an_error_after_written_batches_rolls_everything_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    rows = [row(f"C{i}") for i in range(7)] + [row("C9", "", "S001")]
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, workbook(rows))
    assert errors_of(rejected) == {(9, "姓名")}
    assert not Member.objects.exists()
    assert import_members(world.liaison_a, workbook(rows[:7])).created == 7


def test_missing_headers_empty_files_and_unreadable_files(world: World) -> None:
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, workbook([["X1", "王芳"]], headers=["编号", "姓名"]))
    assert errors_of(rejected) == {(1, "所在单位代码")}
    with pytest.raises(MembersRejected, match="1 处错误"):
        import_members(world.liaison_a, workbook([]))
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, io.BytesIO(b"not a workbook"))
    assert errors_of(rejected) == {(0, "")}


def test_too_many_rows_and_many_errors_are_capped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "max_rows", lambda: 2)
    with pytest.raises(MembersRejected, match="1 处错误"):
        import_members(world.liaison_a, workbook([row("D1"), row("D2"), row("D3")]))
    monkeypatch.setattr(imports, "MAX_SHOWN", 3)
    monkeypatch.setattr(imports, "max_rows", lambda: 100)
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, workbook([row(f"E{i}", "", "S001") for i in range(5)]))
    assert len(rejected.value.errors) == 4
    assert "另有 2 处错误" in rejected.value.errors[-1].message


def test_only_those_who_manage_members_import(world: World) -> None:
    with pytest.raises(NotAllowed):
        import_members(world.leader_a, workbook([row("F1")]))
    with pytest.raises(NotAllowed):
        imports.require_importer(world.nobody)


def test_the_template_has_the_columns_an_example_and_imports_as_nothing(world: World) -> None:
    content = imports.template_bytes()
    book = load_workbook(io.BytesIO(content))
    sheet = book[imports.SHEET]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert [str(h).rstrip("*＊") for h in header] == list(imports.HEADERS)
    assert str(sheet.cell(2, 1).value).startswith("【示例】")
    with pytest.raises(MembersRejected) as rejected:
        import_members(world.liaison_a, io.BytesIO(content))
    assert "没有人员数据" in rejected.value.errors[0].message
