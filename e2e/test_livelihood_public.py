"""A citizen on a phone (390×844), without an account, reads the city's livelihood projects and proposes one."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, _new_page
from luoshi.livelihood import services
from luoshi.livelihood.choices import ProposalSource
from luoshi.livelihood.models import ProjectProposal
from luoshi.livelihood.tests import helpers

pytestmark = pytest.mark.django_db(transaction=True)

TOLERANCE = 2


def overflow(page: Any) -> int:
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return max(0, width - PHONE["width"])


def test_citizen_reads_the_projects_and_proposes_one_on_a_phone(browser: Any, live_server: Any, world: Any) -> None:
    helpers.make_public(world)
    running = helpers.new_project(world, title="老旧小区加装电梯 120 部")
    services.report_project_progress(world.liaison_a, running, text="已完工 72 部", percent=60)
    services.add_milestone(world.office_a, running, name="完成招标", planned_on=running.deadline)
    helpers.evaluated(world, title="新建社区食堂 10 个")

    phone = _new_page(browser, live_server, "livelihood-public", PHONE, is_mobile=True, has_touch=True)
    phone.goto("/public/livelihood/")
    expect(phone.locator("h1")).to_have_text(world.campaign.name)
    cards = phone.locator("#projects .project")
    expect(cards).to_have_count(2)
    elevator = cards.filter(has_text="老旧小区加装电梯")
    expect(elevator.locator(".progress-bar")).to_have_attribute("style", "width: 60.0%")
    expect(elevator.locator(".milestones")).to_have_text("节点 0 / 1")
    expect(cards.filter(has_text="新建社区食堂").locator(".evaluation")).to_contain_text("满意率 95.0%")
    expect(phone.locator("#overall")).to_have_text("80.0%")
    phone.shots("projects")
    assert overflow(phone) <= TOLERANCE

    phone.get_by_role("link", name="我有建议").click()
    phone.get_by_label("建议项目").fill("增设社区助餐点")
    phone.get_by_label("类别").select_option(label="养老托育")
    phone.get_by_label("具体内容").fill("东城街道独居老人多，建议在社区增设助餐点，提供平价午餐。")
    phone.get_by_label("联系电话（选填）").fill("138 1234 5678")
    phone.shots("form")
    assert overflow(phone) <= TOLERANCE
    phone.get_by_role("button", name="提交建议").click()

    proposal = ProjectProposal.objects.get()
    expect(phone.locator("#number")).to_have_text(proposal.number)
    assert proposal.source == ProposalSource.PUBLIC
    assert proposal.citizen_phone_masked == "138****5678"
    expect(phone.locator("main")).not_to_contain_text("13812345678")
    phone.shots("proposed")
    phone.context.close()
