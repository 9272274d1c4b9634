"""A lecture ordered from the menu to its rating: 东城街道's liaison orders an item (点单), district A's office
dispatches it (派单), the speaker accepts it on a phone (接单) and records it held with the listeners, and the
liaison rates it (评单); the menu then shows the item's order and rating. Each person in a browser of their own."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from luoshi.lectures import services
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureOrder
from luoshi.lectures.tests.factory import campaign, item, speaker

pytestmark = pytest.mark.django_db(transaction=True)

PATIENCE = 60_000  # ms: the live server may be slow on a busy machine
TITLE = "新时代文明实践的基层探索"


def submit(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def test_unit_orders_office_dispatches_speaker_holds_unit_rates(world: Any, open_as: Any) -> None:
    speaker(world)
    chosen = item(world, title=TITLE)
    day = f"{services.today():%Y-%m-%d}"

    unit = open_as("liaison_a")
    unit.context.set_default_timeout(PATIENCE)
    unit.goto(f"/lectures/?campaign={campaign(world).pk}")
    unit.get_by_role("link", name="点单", exact=True).first.click()
    unit.get_by_label("点单单位").select_option(str(world.street_a.pk))
    unit.get_by_label("期望日期").fill(day)
    unit.get_by_label("期望时段").select_option("am")
    unit.get_by_label("宣讲对象").fill("社区党员和居民代表")
    unit.shots("order")
    submit(unit, "提交")
    order = LectureOrder.objects.get(item=chosen)
    assert (order.state, order.unit_id) == (OrderState.ORDERED, world.street_a.pk)

    office = open_as("office_a")
    office.context.set_default_timeout(PATIENCE)
    office.goto(f"/lectures/orders/{order.pk}/")
    office.get_by_role("link", name="派单", exact=True).click()
    office.get_by_label("宣讲日期").fill(day)
    office.get_by_label("宣讲时段").select_option("am")
    submit(office, "派单")
    expect(office.locator("main")).to_contain_text("已派单")

    phone = open_as("speaker_a", PHONE, is_mobile=True, has_touch=True)
    phone.context.set_default_timeout(PATIENCE)
    phone.goto("/lectures/orders/mine/")
    phone.get_by_role("link", name=TITLE).first.click()
    phone.get_by_role("link", name="接单", exact=True).click()
    submit(phone, "接单")
    phone.get_by_role("link", name="登记已宣讲", exact=True).click()
    phone.get_by_label("听众人数").fill("180")
    phone.shots("held")
    submit(phone, "登记已宣讲")
    expect(phone.locator("main")).to_contain_text("已宣讲")
    assert LectureOrder.objects.get(pk=order.pk).listeners == 180

    unit.goto(f"/lectures/orders/{order.pk}/")
    unit.get_by_role("link", name="评单", exact=True).click()
    unit.get_by_label("评分").select_option("5")
    unit.get_by_label("评价").fill("联系实际，通俗易懂。")
    submit(unit, "评单")
    rated = LectureOrder.objects.get(pk=order.pk)
    assert (rated.state, rated.rating) == (OrderState.RATED, 5)
    unit.goto(f"/lectures/items/{chosen.pk}/")
    expect(unit.locator("main")).to_contain_text("5.0")
    unit.shots("menu-rated")
