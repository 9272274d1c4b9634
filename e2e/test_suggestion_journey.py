"""A citizen's suggestion from the phone to the adoption: filed on the public page (number and code kept), triaged
and referred by the city office, answered publicly by 东城区 on its page, decided 部分采纳 by the office, and the
citizen looks it up on the phone and reads the answer and the adoption; each person in a browser of their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, _new_page
from luoshi.suggestions import services
from luoshi.suggestions.choices import Adoption, Source, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "建议在老旧小区加装电梯"
PATIENCE = 60_000  # ms: the live server may be slow on a busy machine
ANSWER = "已将东城区老旧小区加装电梯纳入明年民生实事，首批十个小区年内开工。"
REASON = "先在十个小区试点，其余小区视资金情况分批推进。"


def file_on_phone(phone: Any, campaign_pk: int) -> tuple[str, str]:
    phone.goto("/public/suggestions/")
    phone.get_by_label("活动").select_option(str(campaign_pk))
    phone.get_by_label("类别").select_option(SuggestionCategory.LIVELIHOOD)
    phone.get_by_label("标题").fill(TITLE)
    phone.get_by_label("建议内容").fill("小区多为六层老楼，老人上下楼很困难，建议政府补贴加装电梯。")
    phone.get_by_label("主题（选填）").fill("老旧小区改造")
    phone.get_by_label("姓名（选填）").fill("陈秀英")
    phone.get_by_label("联系电话（选填）").fill("13700001234")
    phone.shots("form")
    phone.get_by_role("button", name="提交建议").click()
    number, code = phone.locator("#number").inner_text(), phone.locator("#code").inner_text()
    phone.shots("filed")
    return number, code


def answer_as_unit(page: Any, suggestion: Suggestion) -> None:
    page.goto(f"/suggestions/{suggestion.pk}/answer/")
    page.get_by_label("答复内容").fill(ANSWER)
    page.get_by_label("公开答复").check()
    page.get_by_role("button", name="答复", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.shots("answered")


def decide_as_office(page: Any, suggestion: Suggestion) -> None:
    page.goto(f"/suggestions/{suggestion.pk}/decide/")
    page.get_by_label("部分采纳", exact=True).check()
    page.get_by_label("采纳说明").fill(REASON)
    page.get_by_role("button", name="采纳认定", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.shots("decided")


def look_up_on_phone(phone: Any, number: str, code: str) -> None:
    phone.goto("/public/suggestions/track/")
    other = phone.get_by_text("查询其他建议")  # the page shows the last suggestion looked up, the form folded
    if other.count():
        other.click()
    phone.get_by_label("建议编号").fill(number)
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()


def test_citizen_suggests_office_refers_unit_answers_office_adopts_citizen_reads(
    browser: Any, live_server: Any, world: Any, open_as: Any
) -> None:
    phone = _new_page(browser, live_server, "suggestion-journey-phone", PHONE, is_mobile=True, has_touch=True)
    phone.context.set_default_timeout(PATIENCE)
    number, code = file_on_phone(phone, world.campaign.pk)
    suggestion = Suggestion.objects.get(number=number)
    assert (suggestion.source, suggestion.state, suggestion.phone_masked) == (
        Source.PUBLIC,
        SuggestionState.SUBMITTED,
        "137****1234",
    )

    office = open_as("office_city")
    office.context.set_default_timeout(PATIENCE)
    s = services.triage_suggestion(world.office_city, suggestion, category=SuggestionCategory.LIVELIHOOD)
    services.refer_suggestion(world.office_city, s, unit=world.district_a, deadline=services.today() + dt.timedelta(7))

    look_up_on_phone(phone, number, code)
    expect(phone.locator("#state")).to_have_text("已转办", timeout=PATIENCE)
    expect(phone.locator("#timeline")).to_contain_text("转办", timeout=PATIENCE)

    unit = open_as("liaison_a")
    unit.context.set_default_timeout(PATIENCE)
    answer_as_unit(unit, suggestion)
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.ANSWERED
    decide_as_office(office, suggestion)
    done = Suggestion.objects.get(pk=suggestion.pk)
    assert (done.state, done.adoption, done.answer_public) == (SuggestionState.CLOSED, Adoption.PARTIAL, True)

    look_up_on_phone(phone, number, code.lower())
    expect(phone.locator("#state")).to_have_text("已办结", timeout=PATIENCE)
    expect(phone.locator("#answer")).to_contain_text(ANSWER, timeout=PATIENCE)
    expect(phone.locator("#adoption")).to_contain_text("部分采纳", timeout=PATIENCE)
    expect(phone.locator("#adoption")).to_contain_text(REASON, timeout=PATIENCE)
    expect(phone.locator("main")).not_to_contain_text("13700001234", timeout=PATIENCE)
    phone.shots("answer-seen")

    phone.get_by_role("link", name="答复公开").click()
    expect(phone.locator("main")).to_contain_text(ANSWER, timeout=PATIENCE)
    expect(phone.locator("main")).not_to_contain_text("陈", timeout=PATIENCE)
    phone.shots("public-answers")
    phone.context.close()
