"""Ticket import: every kind of row error names its row and column, and a rejected file writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from luoshi.demands import imports
from luoshi.demands.imports import RowError, import_demands
from luoshi.demands.models import Company, Demand, DemandImport, DemandMonthRollup, DemandRollup
from luoshi.demands.tests.import_helpers import BASE, csv_bytes, row, run, until
from luoshi.testing.scope_matrix import database_footprint

pytestmark = pytest.mark.django_db

CASES = [
    ({"工单编号": ""}, "工单编号", "不能为空"),
    ({"工单编号": "X" * 25}, "工单编号", "24 个字符"),
    ({"受理时间": "昨天下午"}, "受理时间", "不是有效时间"),
    ({"受理时间": "2026-03-01T08:00:00+99:00"}, "受理时间", "不是有效时间"),
    ({"受理时间": "2999-01-01 08:00"}, "受理时间", "晚于当前时间"),
    ({"渠道": "微博"}, "渠道", "微博"),
    ({"诉求类别": "外星人"}, "诉求类别", "外星人"),
    ({"诉求类型": "表扬"}, "诉求类型", "咨询、求助、投诉、举报、建议"),
    ({"是否紧急": "也许"}, "是否紧急", "也许"),
    ({"诉求内容": ""}, "诉求内容", "不能为空"),
    ({"诉求内容": "长" * 5001}, "诉求内容", "5000"),
    ({"经度": ""}, "经度", "同时填写"),
    ({"纬度": "123"}, "纬度", "-90 至 90"),
    ({"纬度": "NaN"}, "纬度", "NaN"),
    ({"经度": "inf"}, "经度", "inf"),
    ({"联系电话": "call me"}, "联系电话", "格式不对"),
    ({"联系人": "名" * 41}, "联系人", "40"),
    ({"承办单位编码": "NOPE"}, "承办单位编码", "NOPE"),
    ({"承办单位编码": ""}, "承办单位编码", "须填写承办单位编码"),
    ({"物业企业": "不存在物业"}, "物业企业", "不存在物业"),
    ({"项目（小区）": "无名小区"}, "项目（小区）", "无名小区"),
    ({"签收时间": "2026-03-02 08:59:00"}, "签收时间", "早于派单时间"),
    ({"办结时间": "2026-03-02 09:59:00"}, "办结时间", "早于首次联系时间"),
    ({"派单时间": "", "承办单位编码": ""}, "签收时间", "派单时间为空"),
    ({"办理结果": ""}, "办理结果", "不能为空"),
    ({"办理结果": "差不多"}, "办理结果", "已解决、未解决"),
    ({"办结说明": ""}, "办结说明", "不能为空"),
    ({"满意度": "很好"}, "满意度", "满意、基本满意、不满意"),
    ({"满意度": ""}, "满意度", "不能为空"),
]


def only_error(result: imports.ImportResult) -> RowError:
    assert not result.ok
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(("changes", "column", "fragment"), CASES)
def test_row_error_names_row_column_and_problem(world, changes, column, fragment):
    result = run(world.dispatcher_city, [row(工单编号="OK1"), row(**changes)])
    error = only_error(result)
    assert (error.row, error.column) == (3, column)
    assert fragment in error.message
    assert "13812341234" not in error.message


def test_result_given_without_finishing_is_an_error(world):
    error = only_error(run(world.dispatcher_city, [{**until("签收时间"), "办理结果": "已解决"}]))
    assert (error.column, error.row) == ("办理结果", 2)


def test_unit_given_without_dispatch_time_is_an_error(world):
    error = only_error(run(world.dispatcher_city, [{**until(None), "承办单位编码": "D001"}]))
    assert error.column == "派单时间"


def test_duplicate_number_in_the_file_points_to_the_first_row(world):
    result = run(world.dispatcher_city, [row(), row(工单编号="OTHER"), row()])
    error = only_error(result)
    assert (error.row, error.column) == (4, "工单编号")
    assert "第 2 行" in error.message


def test_number_already_stored_is_refused(world):
    assert run(world.dispatcher_city, [row()]).ok
    error = only_error(run(world.dispatcher_city, [row(工单编号="NEW"), row()]))
    assert (error.row, error.column) == (3, "工单编号")
    assert "已存在" in error.message
    assert Demand.objects.count() == 1


def test_errors_are_counted_all_but_listed_up_to_the_cap(world):
    rows = [row(工单编号=f"B{i}", 渠道="微博") for i in range(imports.MAX_REPORTED_ERRORS + 50)]
    result = run(world.dispatcher_city, rows)
    assert result.error_count == imports.MAX_REPORTED_ERRORS + 50
    assert len(result.errors) == imports.MAX_REPORTED_ERRORS
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)
    assert str(imports.MAX_REPORTED_ERRORS + 50) in result.summary()


def test_every_error_of_a_row_is_reported(world):
    result = run(world.dispatcher_city, [row(渠道="微博", 诉求类型="表扬", 联系电话="x")])
    assert {e.column for e in result.errors} == {"渠道", "诉求类型", "联系电话"}


def test_missing_required_header_rejects_the_file(world):
    headers = tuple(h for h in BASE if h != "受理时间")
    data = csv_bytes([row()], headers=headers)
    result = import_demands(world.dispatcher_city, io.BytesIO(data), "x.csv")
    assert [(e.row, e.column) for e in result.errors] == [(1, "受理时间")]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfe\x00\x00", "UTF-16"),
        (csv_bytes([]), "没有工单数据"),
        ("工单编号,受理时间\n".encode() + b"\x81\x30\x81", "无法"),
    ],
)
def test_unreadable_or_empty_file(world, data, fragment):
    result = import_demands(world.dispatcher_city, io.BytesIO(data), "x.csv")
    assert not result.ok
    assert fragment in result.errors[0].message or result.errors[0].column


def test_not_an_xlsx_workbook(world):
    result = import_demands(world.dispatcher_city, io.BytesIO(b"not a zip"), "x.xlsx")
    assert result.errors[0].row == 0
    assert "无法读取" in result.errors[0].message


def test_nothing_is_written_when_one_row_is_wrong(world):
    before = database_footprint()
    rows = [row(工单编号=f"G{i}") for i in range(50)] + [row(工单编号="BAD", 渠道="微博")]
    result = run(world.dispatcher_city, rows)
    assert result.error_count == 1
    assert database_footprint() == before
    assert not Demand.objects.exists()
    assert not DemandImport.objects.exists()
    assert not DemandRollup.objects.exists()
    assert not DemandMonthRollup.objects.exists()


def test_company_by_credit_code_and_project_by_name(world):
    from luoshi.demands.models import Project

    company = Company.objects.create(name="安居物业", credit_code="91110000MA0000001X", unit=world.city)
    company.org_path = world.city.path
    company.save()
    Project.objects.create(name="幸福小区", company=company, unit=world.district_a, org_path=world.district_a.path)
    result = run(world.dispatcher_city, [row(物业企业="91110000ma0000001x", **{"项目（小区）": "幸福小区"})])
    assert result.ok, result.errors
    demand = Demand.objects.get()
    assert demand.company == company
    assert demand.project is not None
    assert demand.project.name == "幸福小区"


# --- scope -------------------------------------------------------------------------------------------


def test_district_office_cannot_import_into_another_district(world):
    result = run(world.office_a, [row(工单编号="A1"), row(工单编号="B1", 承办单位编码="D002")])
    error = only_error(result)
    assert (error.row, error.column) == (3, "承办单位编码")
    assert "D002" in error.message
    assert not Demand.objects.exists()


def test_district_office_imports_into_its_own_district(world):
    result = run(world.office_a, [row(承办单位编码="S001"), until(None, 工单编号="R1")])
    assert result.ok, result.errors
    assert set(Demand.objects.values_list("dispatcher_unit", flat=True)) == {world.district_a.pk}


@pytest.mark.parametrize("username", ["liaison_a", "handler_a", "leader_a", "secadmin", "auditor", "nobody"])
def test_roles_other_than_dispatcher_and_office_may_not_import(world, username):
    with pytest.raises(PermissionDenied):
        run(world.users[username], [row()])
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    ("changes", "column", "shown"),
    [
        ({"受理时间": "2999-01-01 08:00"}, "受理时间", "2999-01-01 08:00"),
        ({"诉求类型": "表扬"}, "诉求类型", ""),  # the message quotes it already
        ({"签收时间": "2026-03-02 08:59:00"}, "签收时间", "2026-03-02 08:59:00"),
        ({"联系电话": "139 0000 1111 转 8"}, "联系电话", ""),  # personal data: the message says why without it
        ({"联系人": "名" * 41}, "联系人", ""),
        ({"诉求内容": "长" * 5001}, "诉求内容", ""),
    ],
)
def test_a_row_error_shows_what_the_cell_held_unless_it_is_personal(world, changes, column, shown):
    error = only_error(run(world.dispatcher_city, [row(**changes)]))
    assert (error.column, error.value) == (column, shown)
    if shown:
        assert f"所填内容：「{shown}」" in str(error)
    assert "0000 1111" not in str(error)
