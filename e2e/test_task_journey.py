"""Key tasks (重点任务) as their people live them: the office assigns a task to every street of a district, a
street signs it, reports with evidence and asks to finish, the office sends it back once and then accepts it;
the task's board shows each change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.access.roles import Role
from luoshi.tasks.tests.factory import streets
from luoshi.testing.problems import PNG_1PX
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "老旧小区加装电梯"


def row(page: Any, unit: str) -> Any:
    return page.locator(f'#board tr[data-unit="{unit}"]')


def count(page: Any, key: str) -> Any:
    return page.locator(f'#counts [data-count="{key}"] .value')


def timeline(page: Any) -> list[str]:
    kinds = page.locator("#timeline .item .fw-semibold").all_inner_texts()
    return [k.split("（")[0].strip() for k in reversed(kinds)]


def create_and_assign(office: Any, world: World) -> str:
    office.goto("/tasks/")
    office.get_by_role("link", name="部署重点任务").click()
    office.get_by_label("任务名称").fill(TITLE)
    office.get_by_label("任务来源").select_option(label="会议部署")
    office.get_by_label("主办单位").select_option(value=str(world.city.pk))
    office.get_by_label("任务描述").fill("年内完成辖区内符合条件小区的电梯加装。")
    office.get_by_label("完成时限").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    office.get_by_label("报送周期").select_option(label="每周")
    office.shots("new-task")
    office.get_by_role("button", name="部署重点任务").click()
    expect(office.get_by_role("alert")).to_contain_text("已部署")
    expect(office.locator("h1")).to_have_text(TITLE)
    board_url = office.url

    office.locator("#actions").get_by_role("link", name="交办").click()
    office.get_by_label("交办方式").select_option(value="kind")
    office.get_by_label("单位类型").select_option(label="乡镇街道")
    office.get_by_label("上级单位").select_option(value=str(world.district_a.pk))
    office.get_by_label("职责").select_option(label="牵头")
    office.shots("assign")
    office.get_by_role("button", name="交办").click()
    expect(office.get_by_role("alert")).to_contain_text("已交办 4 个单位")
    expect(count(office, "pending_sign")).to_have_text("4")
    expect(row(office, "东城街道").locator(".state")).to_have_text("待签收")
    office.shots("board-assigned")
    return board_url


def sign_report_and_ask(street: Any, evidence: Any, first: bool) -> None:
    if first:
        street.goto("/")
        street.get_by_role("link", name="待签收的任务").click()
        street.get_by_role("link", name="东城街道").click()
        expect(street.locator("h1")).to_contain_text(TITLE)
        street.get_by_role("button", name="签收").click()
        expect(street.get_by_role("alert")).to_contain_text("已签收")
        expect(street.locator("#status .state")).to_have_text("进行中")
        street.locator("#actions").get_by_role("link", name="报送进展").click()
        street.get_by_label("完成进度（%）").fill("60")
        street.get_by_label("进展情况").fill("已完成 6 个小区的电梯加装。")
        street.get_by_label("存在困难").fill("个别小区居民意见不一。")
        street.get_by_label("佐证材料").set_input_files(str(evidence))
        street.get_by_role("button", name="报送进展").click()
        expect(street.locator("#progress")).to_contain_text(evidence.name)
        expect(street.locator("#assignment-percent")).to_contain_text("60.0%")
    street.locator("#actions").get_by_role("link", name="申请办结").click()
    street.get_by_label("办结情况说明").fill("电梯已全部加装并通过验收。" if first else "已补充验收报告。")
    street.get_by_role("button", name="申请办结").click()
    expect(street.get_by_role("alert")).to_contain_text("办结申请已提交")
    expect(street.locator("#status .state")).to_have_text("申请办结")


def test_office_assigns_streets_sign_report_and_finish(open_as, world, tmp_path):
    streets(world, 3)
    make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    evidence = tmp_path / "电梯验收.png"
    evidence.write_bytes(PNG_1PX)

    office = open_as("office_city")
    board_url = create_and_assign(office, world)

    street = open_as("liaison_s")
    sign_report_and_ask(street, evidence, first=True)
    street.shots("finish-requested")

    office.goto(board_url)
    expect(row(office, "东城街道").locator(".state")).to_have_text("申请办结")
    expect(row(office, "东城街道").locator(".percent")).to_have_text("60.0%")
    expect(count(office, "pending_sign")).to_have_text("3")
    expect(count(office, "finish_requested")).to_have_text("1")
    expect(office.locator("#task-percent .percent")).to_have_text("15.0%")
    row(office, "东城街道").get_by_role("link", name="东城街道").click()
    office.locator("#actions").get_by_role("link", name="退回").click()
    office.get_by_label("退回理由").fill("请补充第三方验收报告。")
    office.get_by_role("button", name="退回").click()
    expect(office.get_by_role("alert")).to_contain_text("已退回")
    expect(office.locator("#status .state")).to_have_text("进行中")
    office.goto(board_url)
    expect(row(office, "东城街道").locator(".state")).to_have_text("进行中")
    expect(count(office, "finish_requested")).to_have_text("0")

    street.reload()
    expect(street.locator("#timeline .item").first).to_contain_text("请补充第三方验收报告。")
    sign_report_and_ask(street, evidence, first=False)

    office.goto(board_url)
    row(office, "东城街道").get_by_role("link", name="东城街道").click()
    office.locator("#actions").get_by_role("link", name="验收办结").click()
    office.get_by_label("验收意见").fill("验收合格。")
    office.get_by_role("button", name="验收办结").click()
    expect(office.get_by_role("alert")).to_contain_text("任务办结")
    expect(office.locator("#status .state")).to_have_text("已办结")
    assert timeline(office) == ["交办", "签收", "报送进展", "申请办结", "退回", "申请办结", "验收办结"]
    office.shots("assignment-done")

    office.goto(board_url)
    expect(row(office, "东城街道").locator(".state")).to_have_text("已办结")
    expect(row(office, "东城街道").locator(".percent")).to_have_text("100.0%")
    expect(count(office, "done")).to_have_text("1")
    expect(office.locator("#task-percent .percent")).to_have_text("25.0%")
    office.shots("board-done")
