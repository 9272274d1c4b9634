"""Sign-in by scan: the organiser shows a session's QR code; a member opens its address on a phone (390×844),
signs in with their member number and the SMS code, and sees 签到成功; the organiser's page then counts them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, _new_page
from luoshi.study.choices import AttendanceStatus, SignInMethod
from luoshi.study.models import Attendance
from luoshi.study.tests import signin_factory as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_signs_in_by_scanning_on_a_phone(
    browser: Any, live_server: Any, world: Any, open_as: Any, settings: Any
) -> None:
    settings.LUOSHI_NOTICE_SMS_PROVIDER = f.PROVIDER
    f.OUTBOX.clear()
    session = f.class_session(world, starts_at=None)
    member = f.member(world.street_a, number="DC0042", name="李红梅")
    f.on_roster(session, member)
    f.on_roster(session, f.member(world.street_a))

    organiser = open_as("liaison_a")
    organiser.goto(f"/study/sessions/{session.pk}/sign-in-code/")
    expect(organiser.locator("#qr svg")).to_be_visible()
    expect(organiser.locator("#counts")).to_have_text("0 / 2")
    scanned = organiser.locator("#signin-url").get_attribute("href")
    assert scanned is not None
    assert f"/public/study/sign-in/{session.pk}/?c=" in scanned
    organiser.shots("qr")

    phone = _new_page(browser, live_server, "study-signin-phone", PHONE, is_mobile=True, has_touch=True)
    phone.goto(scanned)
    expect(phone.locator("#session")).to_contain_text("读书班（测试）")
    phone.get_by_label("党员（干部）编号").fill("DC0042")
    phone.get_by_role("button", name="获取短信验证码").click()
    expect(phone.locator("#notice")).to_contain_text("如编号正确，验证码已发送至登记手机")
    phone.get_by_label("短信验证码").fill(f.last_sms_code())
    phone.shots("code")
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.locator("#done")).to_contain_text("签到成功")
    expect(phone.locator("#status")).to_have_text("出席")
    phone.shots("done")
    width = phone.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert width <= PHONE["width"] + 2

    row = Attendance.objects.get(session=session, member=member)
    assert (row.status, row.method) == (AttendanceStatus.PRESENT, SignInMethod.QR)
    organiser.reload()
    expect(organiser.locator("#counts")).to_have_text("1 / 2")
    phone.context.close()
