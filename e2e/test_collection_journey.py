"""Periodic collection (周调度) as its people live it: the office sets up a weekly sheet and opens a round for every
street of a district, urges the streets that have not filed, a street files and is sent back once, then files
again and is accepted; the round page shows each change."""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.access.roles import Role
from luoshi.tasks.tests.factory import streets
from luoshi.testing.problems import closed, new_problem
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "每周工作调度表"
FIELD_LINES = "\n".join(
    [
        "new_found | 本周新排查问题数 | 整数 | 是 | 0",
        "new_fixed | 本周整改完成数 | 整数 | 是 | 0",
        "visits | 群众走访户数 | 整数 |  | 0",
        "practice | 主要做法 | 文本 | 是",
    ]
)


def state_of(page: Any, unit: str) -> Any:
    return page.locator(f'#submissions tr[data-unit="{unit}"] .state')


def count(page: Any, key: str) -> Any:
    return page.locator(f'#counts [data-state="{key}"]')


def open_weekly_round(office: Any, world: World) -> str:
    office.goto("/collection/templates/")
    office.get_by_role("link", name="新建报送模板").click()
    office.get_by_label("报送范围").select_option(value=str(world.district_a.pk))
    office.get_by_label("模板名称").fill(NAME)
    office.get_by_label("报送周期").select_option(label="每周")
    office.get_by_label("报送单位类型").select_option(label="乡镇街道")
    office.get_by_label("字段").fill(FIELD_LINES)
    office.get_by_label("校验规则").fill("new_fixed <= new_found")
    office.shots("new-template")
    office.get_by_role("button", name="新建报送模板").click()
    expect(office.get_by_role("alert")).to_contain_text("已创建")
    expect(office.locator("#fields")).to_contain_text("本周整改完成数")

    office.locator("#actions").get_by_role("link", name="开启报送轮次").click()
    assert "年第" in office.get_by_label("报送期").input_value()
    office.shots("open-round")
    office.get_by_role("button", name="开启报送轮次").click()
    expect(office.get_by_role("alert")).to_contain_text("已开启")
    expect(count(office, "pending")).to_have_text("4")
    expect(state_of(office, "东城街道")).to_have_text("未填报")
    return office.url


def file_values(street: Any, found: str, fixed: str) -> None:
    street.get_by_label("本周新排查问题数").fill(found)
    street.get_by_label("本周整改完成数").fill(fixed)
    street.get_by_label("群众走访户数").fill("120")
    street.get_by_label("主要做法").fill("组织党员干部入户走访，建立问题台账。")
    street.get_by_role("button", name="报送", exact=True).click()


def test_office_opens_a_weekly_round_urges_and_a_street_files_twice(open_as, world):
    streets(world, 3)
    make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")

    office = open_as("office_a")
    round_url = open_weekly_round(office, world)

    office.locator("#actions").get_by_role("link", name="催办未填报单位").click()
    expect(office.get_by_label("催办内容")).to_contain_text(NAME)
    office.get_by_role("button", name="催办未填报单位").click()
    expect(office.get_by_role("alert")).to_contain_text("已催办 4 个未填报单位")
    office.shots("urged")

    street = open_as("liaison_s")
    street.goto("/notices/")
    expect(street.locator("body")).to_contain_text(NAME)
    street.goto("/")
    street.get_by_role("link", name="待填报的定期报送").click()
    street.locator("#submissions a").first.click()
    expect(street.locator("h1")).to_contain_text("东城街道")
    file_values(street, "3", "5")
    expect(street.locator("#fill")).to_contain_text("「本周整改完成数」不能大于「本周新排查问题数」")
    file_values(street, "5", "3")
    expect(street.get_by_role("alert")).to_contain_text("已报送")
    expect(street.locator("#status .state")).to_have_text("已报送")
    submission_url = street.url
    street.shots("submitted")

    office.goto(round_url)
    expect(state_of(office, "东城街道")).to_have_text("已报送")
    expect(count(office, "submitted")).to_have_text("1")
    expect(count(office, "pending")).to_have_text("3")
    office.locator('#submissions tr[data-unit="东城街道"]').get_by_role("link", name="东城街道").click()
    office.locator("#actions").get_by_role("link", name="退回").click()
    office.get_by_label("退回理由").fill("本周整改完成数与台账不一致，请核实。")
    office.get_by_role("button", name="退回").click()
    expect(office.get_by_role("alert")).to_contain_text("已退回")
    expect(office.locator("#status .state")).to_have_text("已退回")

    street.goto(submission_url)
    expect(street.locator("#return-reason")).to_contain_text("与台账不一致")
    file_values(street, "5", "4")
    expect(street.locator("#status .state")).to_have_text("已报送")

    office.goto(submission_url)
    office.locator("#actions").get_by_role("link", name="审核通过").click()
    office.get_by_label("审核意见").fill("数据已核实。")
    office.get_by_role("button", name="审核通过").click()
    expect(office.get_by_role("alert")).to_contain_text("已审核通过")
    expect(office.locator("#status .state")).to_have_text("已审核")
    kinds = office.locator("#timeline li span:first-child").all_inner_texts()
    assert kinds == ["开启报送", "报送", "退回", "报送", "审核通过"]

    office.goto(round_url)
    expect(count(office, "accepted")).to_have_text("1")
    expect(state_of(office, "东城街道")).to_have_text("已审核")
    expect(office.locator("#rollup")).to_contain_text("东城街道")
    office.shots("round-accepted")


def test_office_generates_the_monthly_report_and_downloads_it(open_as, world, tmp_path):
    new_problem(world, found_on=dt.date(2026, 10, 5))
    closed(world, found_on=dt.date(2026, 10, 8))

    office = open_as("office_city")
    office.goto(f"/campaigns/{world.campaign.pk}/")
    office.get_by_role("link", name="月度分析报告").click()
    office.get_by_label("月份").fill("2026-10")
    office.get_by_role("button", name="生成月度报告").click()
    expect(office.locator("body")).to_contain_text("2026年10月")
    office.shots("monthly-report")
    with office.expect_download() as caught:
        office.get_by_role("link", name="下载 Word").first.click()
    saved = tmp_path / "report.docx"
    caught.value.save_as(saved)
    assert caught.value.suggested_filename.endswith(".docx")
    with zipfile.ZipFile(saved) as docx:
        body = docx.read("word/document.xml").decode()
    assert "工作分析报告" in body
    assert world.campaign.name in body
