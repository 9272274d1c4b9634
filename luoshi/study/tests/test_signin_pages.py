"""The phone page behind the QR code and the organiser's 签到码 page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from luoshi.members import services as member_services
from luoshi.study import signin
from luoshi.study.choices import AttendanceStatus
from luoshi.study.models import Attendance, SignInChallenge
from luoshi.study.tests import signin_factory as f
from luoshi.testing.twofactor import verified_login

AT = dt.datetime(2026, 5, 12, 9, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock():
    with time_machine.travel(AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(world):
    return f.class_session(world)


@pytest.fixture
def expected(world, session):
    person = f.member(world.street_a, number="A0001")
    f.on_roster(session, person)
    return person


@pytest.fixture
def outbox(settings):
    settings.LUOSHI_NOTICE_SMS_PROVIDER = f.PROVIDER
    f.OUTBOX.clear()
    return f.OUTBOX


def url(session):
    return reverse("study_public:signin", args=[session.pk])


def post(client, session, **data):
    return client.post(url(session), {"c": signin.current_code(session), **data})


def test_phone_page_shows_the_form_for_a_live_code(client, session, clock, outbox):
    answer = client.get(url(session), {"c": signin.current_code(session)})
    assert answer.status_code == 200
    assert "获取短信验证码" in answer.content.decode()
    assert "读书班（测试）" in answer.content.decode()


def test_phone_page_refuses_an_expired_code_and_shows_nothing_of_the_session(client, session, clock):
    old = signin.current_code(session, AT - dt.timedelta(minutes=2))
    answer = client.get(url(session), {"c": old})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "签到码已过期，请重新扫码" in text
    assert "读书班（测试）" not in text


def test_sms_sign_in_end_to_end(client, session, expected, clock, outbox):
    sent = post(client, session, step="send", number="A0001")
    assert sent.status_code == 200
    assert "如编号正确，验证码已发送至登记手机" in sent.content.decode()
    done = post(client, session, step="verify", number="A0001", sms_code=f.last_sms_code())
    assert done.status_code == 200
    assert "签到成功" in done.content.decode()
    row = Attendance.objects.get(session=session, member=expected)
    assert row.status == AttendanceStatus.PRESENT
    replay = post(client, session, step="verify", number="A0001", sms_code=f.last_sms_code())
    assert replay.status_code == 400
    assert "验证码不正确或已失效" in replay.content.decode()


def test_final_post_does_few_queries(client, session, expected, clock, outbox, django_assert_max_num_queries):
    post(client, session, step="send", number="A0001")
    code = f.last_sms_code()
    with django_assert_max_num_queries(14):
        done = post(client, session, step="verify", number="A0001", sms_code=code)
    assert "签到成功" in done.content.decode()


def test_unknown_number_answers_like_a_known_one(client, session, expected, clock, outbox):
    known = post(client, session, step="send", number="A0001")
    unknown = post(client, session, step="send", number="NOSUCH1")
    assert known.status_code == unknown.status_code == 200
    assert "如编号正确，验证码已发送至登记手机" in unknown.content.decode()
    assert len(outbox) == 1
    assert "13800138000" not in known.content.decode()


def test_verified_member_not_on_roster_refused(client, session, world, clock, outbox):
    f.member(world.street_a, number="B0002")
    post(client, session, step="send", number="B0002")
    answer = post(client, session, step="verify", number="B0002", sms_code=f.last_sms_code())
    assert answer.status_code == 400
    assert "不在本场次的应参学名单中" in answer.content.decode()
    assert not Attendance.objects.exists()


def test_expired_code_at_verify(client, session, expected, clock, outbox):
    post(client, session, step="send", number="A0001")
    code = f.last_sms_code()
    scanned = signin.current_code(session)
    clock.shift(dt.timedelta(minutes=2))
    answer = client.post(url(session), {"c": scanned, "step": "verify", "number": "A0001", "sms_code": code})
    assert "签到码已过期，请重新扫码" in answer.content.decode()
    assert not Attendance.objects.exists()


def test_without_sms_provider_offers_login(client, session, expected, clock, settings):
    settings.LUOSHI_NOTICE_SMS_PROVIDER = ""
    page = client.get(url(session), {"c": signin.current_code(session)}).content.decode()
    assert "短信服务未开通，请登录后签到" in page
    assert "登录后一键签到" in page
    answer = post(client, session, step="send", number="A0001")
    assert answer.status_code == 400
    assert not SignInChallenge.objects.exists()


def test_linked_login_signs_in_with_one_tap(client, session, expected, world, clock):
    member_services.link_user(None, expected, world.nobody)
    client.force_login(world.nobody)
    page = client.get(url(session), {"c": signin.current_code(session)}).content.decode()
    assert "一键签到" in page
    assert "签到成功" in post(client, session, step="tap").content.decode()
    again = post(client, session, step="tap")
    assert "您已签到" in again.content.decode()
    assert Attendance.objects.filter(session=session).count() == 1


def test_tap_without_linked_member_refused(client, session, world, clock):
    client.force_login(world.nobody)
    answer = post(client, session, step="tap")
    assert answer.status_code == 400
    assert not Attendance.objects.exists()


def test_bad_step_and_bad_form(client, session, clock, outbox):
    assert post(client, session, step="nonsense").status_code == 400
    assert post(client, session, step="send", number="").status_code == 400
    assert post(client, session, step="verify", number="A0001", sms_code="12ab").status_code == 400


def test_missing_session_is_404(client, db):
    assert client.get(reverse("study_public:signin", args=[987654321]), {"c": "x"}).status_code == 404


def test_rate_limited_per_ip(client, session, expected, clock, outbox, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMITS = {"study_signin": (2, 3600)}
    assert post(client, session, step="send", number="A0001").status_code == 200
    assert post(client, session, step="send", number="A0001").status_code == 200
    assert post(client, session, step="send", number="A0001").status_code == 429
    assert len(outbox) == 2


def test_sms_requests_rate_limited_per_ip(client, session, expected, clock, outbox, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMITS = {"study_signin_sms": (1, 3600)}
    assert post(client, session, step="send", number="A0001").status_code == 200
    assert post(client, session, step="send", number="A0001").status_code == 429


def test_csrf_required(session, expected, clock, outbox):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(url(session), {"c": signin.current_code(session), "step": "send", "number": "A0001"})
    assert answer.status_code == 403
    assert not outbox


# --- the organiser's page ---------------------------------------------------------------------------------------


def test_code_page_shows_qr_and_counts(client, session, expected, world, clock):
    signin.scan_sign_in(session, signin.current_code(session), expected)
    verified_login(client, world.liaison_a)
    page = client.get(reverse("study:signin_code", args=[session.pk])).content.decode()
    assert "<svg" in page
    assert 'hx-trigger="every 20s"' in page
    assert '<span id="signed-in">1</span> / <span id="expected">1</span>' in page
    assert f"c={signin.current_code(session)}" in page
    panel = client.get(reverse("study:signin_code_panel", args=[session.pk])).content.decode()
    assert "<svg" in panel
    assert "<html" not in panel


def test_code_page_out_of_scope_is_404(client, session, world):
    verified_login(client, world.liaison_b)
    assert client.get(reverse("study:signin_code", args=[session.pk])).status_code == 404
    verified_login(client, world.leader_a)  # sees the district but does not organise study
    assert client.get(reverse("study:signin_code_panel", args=[session.pk])).status_code == 404
