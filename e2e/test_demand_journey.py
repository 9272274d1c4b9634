"""A demand from the citizen's phone to the black list: filed on the public page, dispatched, handled,
rated by the citizen, and counted on the unit's rates and the red/black list, each person in a browser of their own."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, _new_page
from luoshi.demands.choices import DemandState, Outcome, Satisfaction
from luoshi.demands.models import Demand
from luoshi.demands.tests.public_helpers import categories

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "小区地下车库积水严重"


def unit_row(page: Any, name: str) -> Any:
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def file_on_phone(phone: Any, category_pk: int) -> tuple[str, str]:
    phone.goto("/public/")
    phone.get_by_role("link", name="我要反映问题或提建议").click()
    phone.get_by_label("事项分类").select_option(str(category_pk))
    phone.get_by_label("标题").fill(TITLE)
    phone.get_by_label("具体内容").fill("幸福小区地下车库一下雨就积水，车辆无法进出，物业一直未处理。")
    phone.get_by_label("姓名").fill("李春梅")
    phone.get_by_label("联系电话").fill("13800001234")
    phone.get_by_role("button", name="提交").click()
    number, code = phone.locator("#number").inner_text(), phone.locator("#code").inner_text()
    phone.shots("filed")
    return number, code


def dispatch_to_district(page: Any, number: str, unit_pk: int) -> None:
    page.goto(f"/demands/?q={number}")
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    page.locator("#actions").get_by_role("link", name="派单").click()
    page.get_by_label("承办单位").select_option(str(unit_pk))
    page.get_by_label("派单意见").fill("请东城区尽快组织物业排查处理。")
    page.get_by_role("button", name="派单", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("工单已派发")
    page.shots("dispatched")


def handle_as_handler(page: Any, number: str) -> None:
    page.goto(f"/demands/?q={number}")
    page.get_by_role("link", name=number, exact=True).click()
    page.locator("#actions").get_by_role("button", name="签收", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("工单已签收")
    page.locator("#actions").get_by_role("link", name="联系群众").click()
    page.get_by_label("联系群众及办理情况").fill("已电话联系群众，约定明天上午到现场查看。")
    page.get_by_role("button", name="联系群众", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("办理情况已记录")
    page.locator("#actions").get_by_role("link", name="办结").click()
    page.get_by_label("办理结果").select_option(Outcome.RESOLVED)
    page.get_by_label("办结说明").fill("已督促物业清淤并加装排水泵，车库积水已排净。")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("工单已办结")
    expect(page.locator("h1 + div .badge").first).to_have_text("已办结")
    page.shots("finished")


def test_citizen_files_dispatcher_assigns_handler_resolves_citizen_rates_and_the_lists_change(
    browser: Any, live_server: Any, world: Any, open_as: Any
) -> None:
    office = open_as("office_city")
    office.goto("/demands/rates/lists/")
    expect(unit_row(office, "东城区").locator("td").nth(2)).to_have_text("0")
    expect(office.locator("main")).to_contain_text("黑榜 0 个")

    phone = _new_page(browser, live_server, "demand-journey-phone", PHONE, is_mobile=True, has_touch=True)
    number, _code = file_on_phone(phone, categories()["物业服务"].pk)
    assert Demand.objects.get(number=number).state == DemandState.RECEIVED

    dispatch_to_district(open_as("dispatcher_city"), number, world.district_a.pk)
    handle_as_handler(open_as("handler_a"), number)

    phone.get_by_role("button", name="查看办理进度").click()
    expect(phone.locator("#state")).to_have_text("已办结")
    phone.get_by_label("不满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("main")).to_contain_text("感谢您的评价")
    phone.shots("rated")
    demand = Demand.objects.get(number=number)
    assert demand.satisfaction == Satisfaction.UNSATISFIED
    assert demand.handling_unit == world.district_a

    office.goto("/demands/rates/")
    row = unit_row(office, "东城区")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(row.locator("td").nth(3)).to_have_text("100.0%")
    expect(row.locator("td").nth(4)).to_have_text("100.0%")
    expect(row.locator("td").nth(5)).to_have_text("0.0%")
    office.shots("ranking")
    office.goto("/demands/rates/lists/")
    row = unit_row(office, "东城区")
    expect(row.locator("td").first).to_have_text("黑榜")
    expect(row).to_contain_text("群众满意率 0.0% < 80.0%")
    expect(office.locator("main")).to_contain_text("黑榜 1 个")
    office.shots("black-list")
    phone.context.close()
