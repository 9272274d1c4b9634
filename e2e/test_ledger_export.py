"""The office filters the problem list and takes it away as an Excel ledger (导出 Excel)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from luoshi.testing.problems import new_problem

pytestmark = pytest.mark.django_db(transaction=True)


def test_office_exports_the_filtered_list(open_as, world, tmp_path):
    new_problem(world, title="东城窗口排队过长")
    new_problem(world, unit=world.street_a, title="东城街道办事推诿")
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城会议过多")
    office = open_as("office_city")
    office.goto("/problems/")
    expect(office.locator("#results")).to_contain_text("共 3 个问题")

    office.get_by_label("单位（含下级）").select_option(value=str(world.district_a.pk))
    expect(office.locator("#results")).to_contain_text("共 2 个问题")
    expect(office.get_by_role("link", name="西城会议过多")).to_have_count(0)
    office.shots("list-filtered")
    with office.expect_download() as arrived:
        office.get_by_role("link", name="导出 Excel").click()
    download = arrived.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    sheet = load_workbook(saved, read_only=True).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    title_at, unit_at = header.index("问题标题"), header.index("责任单位")
    assert sorted((row[title_at], row[unit_at]) for row in rows) == [
        ("东城窗口排队过长", "东城区"),
        ("东城街道办事推诿", "东城街道"),
    ]
