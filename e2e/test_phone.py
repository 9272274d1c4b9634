"""On a phone (390×844) the pages fit the screen: no sideways scrolling, the main actions in reach."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from luoshi.problems import services
from luoshi.testing.problems import new_problem, png, rectifying

pytestmark = pytest.mark.django_db(transaction=True)

TOLERANCE = 2
LONG_TITLE = "部分窗口工作人员服务意识不强、办事流程繁琐、群众反映多次跑腿仍未办结等问题较为突出"


def overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return max(0, width - PHONE["width"])


def problem_in_rectification(world: Any) -> Any:
    problem = rectifying(world, title=LONG_TITLE, description="整改前：" + "群众多次往返窗口办理同一事项。" * 6)
    services.add_measure(
        world.leader_a,
        problem,
        text="梳理高频事项清单，推行一次告知、一窗受理、限时办结。",
        owner_unit=world.district_a,
        deadline=dt.date.today() + dt.timedelta(days=20),
        owner_name="王某某",
    )
    services.report_progress(world.liaison_a, problem, text="已梳理高频事项32项。", files=[png("整改前后对比照片.png")])
    return problem


def test_list_fits_a_phone(open_as, world):
    for n in range(3):
        new_problem(world, title=f"{LONG_TITLE}（{n + 1}）")
    phone = open_as("leader_a", PHONE, is_mobile=True, has_touch=True)
    phone.goto("/problems/")
    expect(phone.locator("#results")).to_contain_text("共 3 个问题")
    expect(phone.get_by_role("link", name=f"{LONG_TITLE}（1）")).to_be_visible()
    phone.shots("list")
    assert overflow(phone) <= TOLERANCE

    phone.get_by_role("button", name="更多筛选").click()
    expect(phone.get_by_label("单位（含下级）")).to_be_visible()
    expect(phone.locator(".more-filters").first).to_have_class(re.compile(r"\bshow\b"))
    phone.shots("list-filters")
    assert overflow(phone) <= TOLERANCE


def test_detail_fits_a_phone(open_as, world):
    problem = problem_in_rectification(world)
    phone = open_as("leader_a", PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/problems/{problem.pk}/")
    expect(phone.locator("h1")).to_contain_text(LONG_TITLE)
    expect(phone.locator("#actions").get_by_role("link", name="报送进展")).to_be_visible()
    measure = phone.locator("#measures tbody tr").first
    expect(measure.get_by_role("button", name="标记完成")).to_be_visible()
    expect(measure).to_contain_text("东城区 · 王某某", use_inner_text=True)
    expect(phone.locator("#progress")).to_contain_text("整改前后对比照片.png")
    phone.shots("detail")
    assert overflow(phone) <= TOLERANCE


def test_dashboard_fits_a_phone(open_as, world):
    new_problem(world)
    phone = open_as("office_city", PHONE, is_mobile=True, has_touch=True)
    phone.goto("/problems/dashboard/")
    expect(phone.locator("#units")).to_contain_text("东城区")
    expect(phone.locator("#chart-channel canvas")).to_have_count(1)
    phone.shots("dashboard")
    assert overflow(phone) <= TOLERANCE
