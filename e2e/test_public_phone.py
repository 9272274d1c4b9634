"""A citizen on a phone (390×844), without an account: files a demand, follows it, rates the result."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, _new_page
from luoshi.demands.choices import DemandState, Satisfaction
from luoshi.demands.models import Demand
from luoshi.demands.tests.public_helpers import categories, finished

pytestmark = pytest.mark.django_db(transaction=True)

TOLERANCE = 2


def overflow(page: Any) -> int:
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return max(0, width - PHONE["width"])


def test_citizen_files_follows_and_rates_a_demand_on_a_phone(browser: Any, live_server: Any, world: Any) -> None:
    cats = categories()
    phone = _new_page(browser, live_server, "public-phone", PHONE, is_mobile=True, has_touch=True)
    phone.goto("/public/")
    assert overflow(phone) <= TOLERANCE
    phone.get_by_role("link", name="我要反映问题或提建议").click()
    phone.get_by_label("事项分类").select_option(str(cats["物业服务"].pk))
    phone.get_by_label("标题").fill("小区电梯停运")
    phone.get_by_label("具体内容").fill("三号楼电梯已停运三天，老人上下楼困难，请尽快处理。")
    phone.get_by_label("姓名").fill("王秀英")
    phone.get_by_label("联系电话").fill("138 1234 5678")
    phone.shots("form")
    assert overflow(phone) <= TOLERANCE
    phone.get_by_role("button", name="提交").click()

    demand = Demand.objects.get()
    expect(phone.locator("#number")).to_have_text(demand.number)
    expect(phone.locator("#code")).to_have_text(demand.tracking_code)
    phone.shots("filed")
    phone.get_by_role("button", name="查看办理进度").click()
    expect(phone.locator("#state")).to_have_text("已受理")
    phone.goto("/public/")
    phone.get_by_label("工单编号").fill(demand.number)
    phone.get_by_label("查询码").fill(demand.tracking_code.lower())
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("#state")).to_have_text("已受理")
    assert phone.url.endswith("/public/track/")
    expect(phone.locator("main")).not_to_contain_text("王秀英")

    finished(world, demand)
    phone.reload()
    expect(phone.locator("#state")).to_have_text("已办结")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("main")).to_contain_text("感谢您的评价")
    assert phone.url.endswith("/public/track/")
    phone.shots("rated")
    assert overflow(phone) <= TOLERANCE
    demand.refresh_from_db()
    assert demand.state == DemandState.CALLED_BACK
    assert demand.satisfaction == Satisfaction.SATISFIED
    phone.context.close()
