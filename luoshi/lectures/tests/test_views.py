"""Pages of the lecture menu: the menu with figures and the 点单 button, the order form, the list and its export,
the order's page and its actions, 我的宣讲, the booked half-days, and scope (404 outside)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.lectures import services
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.lectures.tests.factory import campaign, category, fresh, in_state, item, ordered, speaker
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def speakers(world: World) -> None:
    speaker(world)


def signed_in(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def menu_url(world: World) -> str:
    return reverse("lectures:index") + f"?campaign={campaign(world).pk}"


def test_the_menu_shows_items_by_category_with_figures_and_the_order_button(world: World) -> None:
    chosen = item(world, title="党纪学习教育专题")
    services.rate_order(world.liaison_a, in_state(world, OrderState.HELD, on=chosen), rating=3)
    page = signed_in(world.liaison_a).get(menu_url(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "党的创新理论" in text
    assert "党纪学习教育专题" in text
    assert reverse("lectures:order_new", args=[chosen.pk]) in text
    assert "3.0" in text
    office = signed_in(world.office_a).get(menu_url(world)).content.decode()
    assert reverse("lectures:item_new") in office
    speaker_page = signed_in(world.speaker_a).get(menu_url(world)).content.decode()
    assert "党纪学习教育专题" in speaker_page
    assert reverse("lectures:order_new", args=[chosen.pk]) not in speaker_page


def test_the_office_adds_a_category_and_an_item(world: World) -> None:
    client = signed_in(world.office_a)
    on = campaign(world)
    url = reverse("lectures:category_new") + f"?campaign={on.pk}"
    assert client.post(url, {"name": "民生政策", "order": "2"}).status_code == 302
    made = LectureCategory.objects.get(campaign=on, name="民生政策")
    data = {"category": made.pk, "title": "医保政策解读", "speaker_number": speaker(world).number, "minutes": "60"}
    assert client.post(reverse("lectures:item_new") + f"?campaign={on.pk}", {**data, "active": "on"}).status_code == 302
    lecture = LectureItem.objects.get(title="医保政策解读")
    assert lecture.active
    edit = reverse("lectures:item_edit", args=[lecture.pk])
    refused = client.post(edit, {**data, "speaker_number": "NOBODY"})
    assert "不在本活动范围" in refused.content.decode()
    assert client.post(edit, {**data, "minutes": "30"}).status_code == 302
    assert LectureItem.objects.get(pk=lecture.pk).minutes == 30
    edit_category = reverse("lectures:category_edit", args=[made.pk])
    assert client.post(edit_category, {"name": "民生政策解读", "order": "1"}).status_code == 302
    assert signed_in(world.liaison_a).get(url).status_code == 404


def test_a_unit_orders_from_the_form(world: World) -> None:
    chosen = item(world)
    client = signed_in(world.liaison_a)
    url = reverse("lectures:order_new", args=[chosen.pk])
    assert client.get(url).status_code == 200
    data = {"unit": world.street_a.pk, "wished_date": "2026-07-08", "wished_half": "am", "audience": "村干部"}
    answer = client.post(url, data)
    order = LectureOrder.objects.get(item=chosen)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("lectures:order", args=[order.pk])
    assert order.ordered_by == world.liaison_a
    assert signed_in(world.office_a).get(url).status_code == 403


def test_the_order_page_offers_the_actions_open_now(world: World) -> None:
    order = in_state(world, OrderState.DISPATCHED)
    url = reverse("lectures:order", args=[order.pk])
    speaker_page = signed_in(world.speaker_a).get(url).content.decode()
    assert reverse("lectures:accept", args=[order.pk]) in speaker_page
    assert reverse("lectures:decline", args=[order.pk]) in speaker_page
    unit_page = signed_in(world.liaison_a).get(url).content.decode()
    assert reverse("lectures:accept", args=[order.pk]) not in unit_page
    assert reverse("lectures:cancel", args=[order.pk]) in unit_page
    assert "派单" in unit_page  # the timeline
    assert signed_in(world.liaison_b).get(url).status_code == 404
    assert signed_in(world.speaker_other).get(url).status_code == 404


def test_a_double_booking_is_refused_on_the_dispatch_page(world: World) -> None:
    chosen = item(world)
    first = in_state(world, OrderState.DISPATCHED, on=chosen)
    second = fresh(ordered(world, on=chosen, when=(first.date, first.half)))
    url = reverse("lectures:dispatch", args=[second.pk])
    data = {"version": second.version, "date": f"{first.date:%Y-%m-%d}", "half": first.half}
    answer = signed_in(world.office_a).post(url, data)
    assert answer.status_code == 200
    assert "不能重复派单" in answer.content.decode()
    assert fresh(second).state == OrderState.ORDERED


def test_the_speaker_marks_held_with_listeners_and_the_unit_rates(world: World) -> None:
    order = in_state(world, OrderState.ACCEPTED)
    speaker_client = signed_in(world.speaker_a)
    hold = reverse("lectures:hold", args=[order.pk])
    missing = speaker_client.post(hold, {"version": order.version})
    assert missing.status_code == 200
    assert fresh(order).state == OrderState.ACCEPTED
    assert speaker_client.post(hold, {"version": order.version, "listeners": "150"}).status_code == 302
    rate = reverse("lectures:rate", args=[order.pk])
    unit = signed_in(world.liaison_a)
    assert unit.post(rate, {"version": fresh(order).version, "rating": "9"}).status_code == 200
    assert unit.post(rate, {"version": fresh(order).version, "rating": "5", "comment": "好"}).status_code == 302
    assert (fresh(order).state, fresh(order).rating) == (OrderState.RATED, 5)


def test_other_actions_by_page(world: World) -> None:
    office = signed_in(world.office_a)
    accepted = in_state(world, OrderState.ACCEPTED)
    assert office.post(reverse("lectures:record", args=[accepted.pk]), {"listeners": "40"}).status_code == 302
    dispatched = in_state(world, OrderState.DISPATCHED)
    speaker_client = signed_in(world.speaker_a)
    assert speaker_client.post(reverse("lectures:accept", args=[dispatched.pk]), {}).status_code == 302
    other = in_state(world, OrderState.DISPATCHED)
    assert speaker_client.post(reverse("lectures:decline", args=[other.pk]), {"reason": "出差"}).status_code == 302
    waiting = in_state(world, OrderState.ORDERED)
    when = {"date": "2026-08-01", "half": "ev"}
    assert office.post(reverse("lectures:dispatch", args=[waiting.pk]), when).status_code == 302
    unit = signed_in(world.liaison_a)
    assert unit.post(reverse("lectures:cancel", args=[waiting.pk]), {}).status_code == 302
    assert fresh(waiting).state == OrderState.CANCELLED
    assert office.get(reverse("lectures:accept", args=[dispatched.pk])).status_code == 403


def test_lists_mine_calendar_and_export(world: World) -> None:
    order = in_state(world, OrderState.HELD)
    unit = signed_in(world.liaison_a)
    listed = unit.get(reverse("lectures:orders"), {"state": "held", "unit": str(world.street_a.pk)}).content.decode()
    assert reverse("lectures:order", args=[order.pk]) in listed
    outside = signed_in(world.liaison_b).get(reverse("lectures:orders")).content.decode()
    assert reverse("lectures:order", args=[order.pk]) not in outside
    mine = signed_in(world.speaker_a).get(reverse("lectures:mine")).content.decode()
    assert reverse("lectures:order", args=[order.pk]) in mine
    calendar = signed_in(world.speaker_a).get(reverse("lectures:calendar"), {"all": "1"}).content.decode()
    assert order.item.title in calendar
    assert signed_in(world.office_a).get(reverse("lectures:calendar"), {"speaker": "zz"}).status_code == 200
    export = signed_in(world.office_a).get(reverse("lectures:order_export"), {"state": "held"})
    sheet = load_workbook(io.BytesIO(content(export))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == order.item.title
    assert rows[1][13] == 120
    bad = signed_in(world.office_a).get(reverse("lectures:order_export"), {"date_from": "yesterday"})
    assert bad.status_code == 400
    menu = signed_in(world.liaison_a).get(reverse("lectures:menu_export"), {"campaign": campaign(world).pk})
    book = load_workbook(io.BytesIO(content(menu))).active
    header = list(next(book.iter_rows(values_only=True)))[:5]
    assert header == ["类别", "宣讲题目", "宣讲人编号", "时长（分钟）", "内容简介"]
    assert category(world).name in [row[0] for row in book.iter_rows(values_only=True)]


def test_item_page_shows_figures_and_orders_in_scope(world: World) -> None:
    chosen = item(world)
    order = in_state(world, OrderState.RATED, on=chosen)
    page = signed_in(world.liaison_a).get(reverse("lectures:item", args=[chosen.pk])).content.decode()
    assert "讲得透彻" in page
    assert reverse("lectures:order", args=[order.pk]) in page
    assert signed_in(world.liaison_b).get(reverse("lectures:item", args=[chosen.pk])).status_code == 404
    assert signed_in(world.secadmin).get(reverse("lectures:index")).status_code == 403


@pytest.mark.parametrize("query", ["campaign=abc", "campaign=1e9", f"campaign={'9' * 30}"])
def test_bad_campaign_numbers_are_400(world: World, query: str) -> None:
    assert signed_in(world.liaison_a).get(reverse("lectures:index") + f"?{query}").status_code == 400


def test_the_menu_bar_leads_officials_to_study_and_a_speaker_to_their_lectures(world: World) -> None:
    office = signed_in(world.office_a).get(reverse("home")).content.decode()
    assert "学习建言" in office
    assert reverse("suggestions:index") in office
    assert reverse("members:list") in office
    speaker_home = signed_in(world.speaker_a).get(reverse("lectures:mine")).content.decode()
    assert "学习建言" not in speaker_home
    assert f'href="{reverse("lectures:mine")}"' in speaker_home
