"""The Excel import of the org tree: every kind of error, placement of new units, updates, audit."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.imports import HEADERS, ImportFailed, RowError, import_units
from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.orgs.tests.sheets import xlsx_bytes, xlsx_file

CODE, NAME, KIND, PARENT, MEMBERS, LEADERS = HEADERS


def failed_import(actor, rows, headers=HEADERS) -> list[RowError]:
    units_before = list(Unit.objects.order_by("pk").values_list("pk", "path", "name", "child_seq", "version"))
    imports_before = AuditEvent.objects.filter(action=Action.IMPORT).count()
    with pytest.raises(ImportFailed) as caught:
        import_units(actor, xlsx_file(rows, headers))
    assert list(Unit.objects.order_by("pk").values_list("pk", "path", "name", "child_seq", "version")) == units_before
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == imports_before
    return caught.value.errors


def only_error(errors: list[RowError]) -> RowError:
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_unknown_parent_names_row_and_column(world):
    error = only_error(failed_import(world.office_a, [["V1", "新村", "村社区", "NOPE", 10, ""]]))
    assert (error.row, error.column) == (2, PARENT)
    assert "「NOPE」" in error.message
    assert "不存在" in error.message
    assert str(error).startswith("第 2 行「上级单位代码」：")


def test_duplicate_code_in_file_points_to_first_row(world):
    rows = [
        ["V1", "一村", "村社区", "S001", 1, ""],
        ["V2", "二村", "村社区", "S001", 1, ""],
        ["V1", "三村", "村社区", "S001", 1, ""],
    ]
    error = only_error(failed_import(world.office_a, rows))
    assert (error.row, error.column) == (4, CODE)
    assert "与第 2 行重复" in error.message


def test_cycle_among_new_rows_is_reported_on_each_row(world):
    rows = [
        ["A1", "甲", "村社区", "A3", 0, ""],
        ["A2", "乙", "村社区", "A1", 0, ""],
        ["A3", "丙", "村社区", "A2", 0, ""],
        ["OK", "丁", "村社区", "S001", 0, ""],
    ]
    errors = failed_import(world.office_a, rows)
    assert [(e.row, e.column) for e in errors] == [(2, PARENT), (3, PARENT), (4, PARENT)]
    assert all("循环" in e.message for e in errors)


def test_unit_cannot_be_its_own_parent(world):
    error = only_error(failed_import(world.office_a, [["A1", "甲", "村社区", "A1", 0, ""]]))
    assert (error.row, error.column) == (2, PARENT)
    assert "本单位" in error.message


def test_empty_name_and_empty_code(world):
    rows = [["A1", "", "村社区", "S001", 0, ""], ["", "乙", "村社区", "S001", 0, ""]]
    errors = failed_import(world.office_a, rows)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, NAME, "单位名称不能为空"),
        (3, CODE, "单位代码不能为空"),
    ]


def test_unknown_kind(world):
    error = only_error(failed_import(world.office_a, [["A1", "甲", "外星机构", "S001", 0, ""]]))
    assert (error.row, error.column) == (2, KIND)
    assert "「外星机构」不存在" in error.message


@pytest.mark.parametrize("value", ["很多", -3, 2.5, "12人", True])
def test_member_count_must_be_a_non_negative_integer(world, value):
    error = only_error(failed_import(world.office_a, [["A1", "甲", "村社区", "S001", value, ""]]))
    assert (error.row, error.column) == (2, MEMBERS)
    assert "不小于 0 的整数" in error.message


def test_missing_header_stops_before_rows(world):
    headers = [CODE, NAME, KIND, PARENT, LEADERS]
    errors = failed_import(world.office_a, [["A1", "甲", "村社区", "S001", ""]], headers=headers)
    assert [(e.row, e.column) for e in errors] == [(1, MEMBERS)]
    assert "缺少表头「成员数」" in errors[0].message


def test_parent_outside_importer_scope(world):
    error = only_error(failed_import(world.office_a, [["B1", "西城一社区", "村社区", "D002", 0, ""]]))
    assert (error.row, error.column) == (2, PARENT)
    assert "不在您的组织管理范围内" in error.message


def test_existing_code_outside_scope_is_refused(world):
    error = only_error(failed_import(world.office_a, [["D002", "西城区（改）", "县市区", "C000", 0, ""]]))
    assert (error.row, error.column) == (2, CODE)
    assert Unit.objects.get(code="D002").name == "西城区"


def test_new_top_level_unit_refused_when_tree_exists(world):
    error = only_error(failed_import(world.office_city, [["T1", "另一个市", "党委", "", 0, ""]]))
    assert (error.row, error.column) == (2, PARENT)
    assert "不能为空" in error.message


def test_reimport_cannot_change_parent(world):
    error = only_error(failed_import(world.office_city, [["S001", "东城街道", "乡镇街道", "D002", 0, ""]]))
    assert (error.row, error.column) == (2, PARENT)
    assert "移动" in error.message
    assert Unit.objects.get(code="S001").parent == world.district_a


def test_not_an_xlsx_workbook(world):
    with pytest.raises(ImportFailed) as caught:
        import_units(world.office_a, io.BytesIO(b"PK\x03\x04 not really a zip"))
    assert "无法读取" in str(caught.value.errors[0])


def test_all_errors_are_collected_in_row_order(world):
    rows = [
        ["A1", "", "外星机构", "NOPE", "x", ""],
        ["A2", "乙", "村社区", "S001", 1, ""],
        ["A2", "丙", "村社区", "D002", 1, ""],
    ]
    errors = failed_import(world.office_a, rows)
    assert [(e.row, e.column) for e in errors] == [
        (2, NAME),
        (2, KIND),
        (2, PARENT),
        (2, MEMBERS),
        (4, CODE),
    ]


def test_new_units_in_any_order_get_paths_after_existing_children(world):
    rows = [
        ["G1", "一组", "党支部", "V1", 3, ""],
        ["V1", "一村", "村社区", "S001", 5, "张三、李四"],
        ["V2", "二村", "村社区", "S001", 7, ""],
        ["S002", "东城二街道", "乡镇街道", "D001", 0, ""],
    ]
    summary = import_units(world.office_a, xlsx_file(rows))
    assert summary["created"] == 4
    v1, v2, g1 = (Unit.objects.get(code=c) for c in ("V1", "V2", "G1"))
    street = world.street_a
    assert (v1.parent, v1.path, v1.level, v1.leaders) == (street, street.path + "00001.", 4, "张三、李四")
    assert (v2.path, g1.parent, g1.path, g1.level) == (street.path + "00002.", v1, v1.path + "00001.", 5)
    assert Unit.objects.get(code="S002").path == world.district_a.path + "00002."
    assert Unit.objects.get(pk=street.pk).child_seq == 2
    assert v1.child_seq == 1
    later = create_unit(world.office_a, name="三村", code="V3", kind=v1.kind, parent=street)
    assert later.path == street.path + "00003."


def test_update_via_reimport_counts_and_versions(world):
    rows = [["S001", "东城街道（新）", "乡镇街道", "D001", 120, "王五"], ["D001", "东城区", "县市区", "C000", 0, ""]]
    summary = import_units(world.office_a, xlsx_file(rows))
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 1)
    street = Unit.objects.get(code="S001")
    assert (street.name, street.member_count, street.leaders, street.version) == ("东城街道（新）", 120, "王五", 2)
    assert Unit.objects.get(code="D001").version == 1


def test_one_audit_record_with_counts_hash_and_codes(world):
    data = xlsx_bytes([["V1", "一村", "村社区", "S001", 5, ""], ["S001", "东城街道", "乡镇街道", "D001", 9, ""]])
    digest = hashlib.sha256(data).hexdigest()
    before = AuditEvent.objects.count()
    import_units(world.office_a, io.BytesIO(data), file_name="units.xlsx", sha256=digest)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action=Action.IMPORT)
    after = event.after or {}
    assert event.actor == world.office_a
    assert after["sha256"] == digest
    assert (after["created"], after["updated"]) == (1, 1)
    assert (after["created_codes"], after["updated_codes"]) == (["V1"], ["S001"])


def test_system_import_builds_a_tree_from_nothing(db):
    rows = [
        ["X2", "东区", "县市区", "X1", 10, ""],
        ["X1", "某市", "党委", "", 0, ""],
        ["X3", "东区一街道", "乡镇街道", "X2", 20, ""],
    ]
    summary = import_units(None, xlsx_file(rows))
    assert summary["created"] == 3
    assert list(Unit.objects.order_by("path").values_list("code", "path", "level")) == [
        ("X1", "00001.", 1),
        ("X2", "00001.00001.", 2),
        ("X3", "00001.00001.00001.", 3),
    ]
    assert AuditEvent.objects.get(action=Action.IMPORT).actor_name == "系统"


def test_numeric_codes_and_blank_rows_are_read_as_written(world):
    rows: list[list[Any]] = [
        [1001, "一村", "村社区", "S001", 5.0, None],
        [None, None, None, None, None, None],
        ["1002", "二村", "村社区", "S001", "", ""],
    ]
    summary = import_units(world.office_a, xlsx_file(rows))
    assert summary["created"] == 2
    assert Unit.objects.get(code="1001").member_count == 5
    assert Unit.objects.get(code="1002").member_count == 0
