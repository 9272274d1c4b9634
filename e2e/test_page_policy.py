"""Pages work under the Content-Security-Policy (no inline script), and the charts read at any width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.demands import services as demand_services
from luoshi.demands.tests.public_helpers import categories, hotline
from luoshi.orgs.services import create_unit
from luoshi.testing.problems import new_problem, rectifying
from luoshi.testing.world import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def watch_policy(page: Any) -> list[str]:
    """Collects every Content-Security-Policy violation the browser reports on this page."""
    violations: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))
    return violations


def chart_option(page: Any, element_id: str) -> Any:
    return page.evaluate(
        "id => { const c = echarts.getInstanceByDom(document.getElementById(id)); return c && c.getOption(); }",
        element_id,
    )


def test_pages_work_without_inline_script(open_as, world):
    problem = rectifying(world)
    new_problem(world, title="办事大厅排队时间长")
    page = open_as("leader_a")
    violations = watch_policy(page)

    page.goto("/problems/dashboard/")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-state'))")
    page.goto("/problems/")
    expect(page.locator("#results")).to_contain_text("共 2 个问题")
    page.locator("#id_q").fill("办事大厅")
    expect(page.locator("#results")).to_contain_text("共 1 个问题")
    page.wait_for_url("**/problems/?q=*")
    assert "sort=" not in page.url  # the list script leaves empty filters and the default sort out
    page.goto(f"/problems/{problem.pk}/")
    page.goto("/reports/")
    expect(page.locator("select[name=status]")).to_have_class("form-select")
    page.shots("reports-filters")
    assert violations == []


def test_donut_labels_move_into_a_legend_on_a_phone(open_as, world):
    rectifying(world)
    new_problem(world)
    phone = open_as("leader_a", PHONE, is_mobile=True, has_touch=True)
    phone.goto("/problems/dashboard/")
    phone.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-state'))")
    option = chart_option(phone, "chart-state")
    assert option["legend"][0]["show"] is True
    assert option["series"][0]["label"]["show"] is False
    phone.shots("donut")

    desk = open_as("leader_a")
    desk.goto("/problems/dashboard/")
    desk.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-state'))")
    option = chart_option(desk, "chart-state")
    assert option["legend"][0]["show"] is False
    assert option["series"][0]["label"]["show"] is not False


def test_ranking_chart_gives_each_of_48_units_its_own_line(open_as, world):
    handler = make_user("handler_city", Role.HANDLER, world.city, "市承办人")
    units = [world.district_a, world.district_b]
    kind = world.district_a.kind
    units += [create_unit(None, name=f"第{n}区", code=f"R{n:03d}", kind=kind, parent=world.city) for n in range(46)]
    category = categories()["物业服务"]
    for unit in units:
        demand = demand_services.receive_demand(
            world.dispatcher_city,
            channel=hotline(),
            category=category,
            title="楼道灯不亮",
            content="5 号楼楼道灯坏了。",
        )
        demand = demand_services.dispatch(world.dispatcher_city, demand, unit=unit)
        demand_services.respond(handler, demand_services.sign(handler, demand), note="已联系")
    assert RoleAssignment.objects.filter(user=handler).exists()

    page = open_as("dispatcher_city")
    page.goto("/demands/rates/")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-score'))")
    option = chart_option(page, "chart-score")
    assert len(option["yAxis"][0]["data"]) == 48
    assert option["yAxis"][0]["axisLabel"]["interval"] == 0
    height = page.locator("#chart-score").bounding_box()["height"]
    assert height >= 48 * 20
    page.shots("ranking-48")


def test_buttons_keep_their_label_on_one_line_on_a_phone(open_as, world):
    problem = rectifying(world, title="部分窗口工作人员服务意识不强、办事流程繁琐、群众多次跑腿仍未办结")
    phone = open_as("office_a", PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/problems/{problem.pk}/")
    button = phone.get_by_role("link", name="修改", exact=True)
    expect(button).to_be_visible()
    assert button.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    line = button.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert button.bounding_box()["height"] < 2 * line
