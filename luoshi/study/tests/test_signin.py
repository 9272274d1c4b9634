"""Sign-in by scan: the rotating code, the one-time SMS code and the rules of signing in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from luoshi.core.errors import RuleViolation
from luoshi.study import signin
from luoshi.study.choices import AttendanceStatus, SignInMethod
from luoshi.study.models import Attendance, SignInChallenge, StudySession
from luoshi.study.tests import signin_factory as f

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 5, 12, 9, 5, 30, tzinfo=SHANGHAI)


@pytest.fixture
def session(world):
    return f.class_session(world)


@pytest.fixture
def expected(world, session):
    person = f.member(world.street_a)
    f.on_roster(session, person)
    return person


@pytest.fixture
def outbox(settings):
    settings.LUOSHI_NOTICE_SMS_PROVIDER = f.PROVIDER
    f.OUTBOX.clear()
    return f.OUTBOX


# --- the rotating code ------------------------------------------------------------------------------------------


def test_code_is_short_url_safe_and_rotates_every_minute(session):
    code = signin.current_code(session, NOON)
    assert len(code) == signin.CODE_LENGTH
    assert all(ch.isalnum() or ch in "-_" for ch in code)
    assert signin.current_code(session, NOON + dt.timedelta(seconds=20)) == code
    assert signin.current_code(session, NOON + dt.timedelta(minutes=1)) != code
    assert signin.code_for_minute(session, int(NOON.timestamp()) // 60) == code


def test_code_accepted_now_and_a_minute_later_not_two(session):
    code = signin.current_code(session, NOON)
    assert signin.check_code(session, code, NOON)
    assert signin.check_code(session, code, NOON + dt.timedelta(minutes=1))
    assert not signin.check_code(session, code, NOON + dt.timedelta(minutes=2))


def test_code_from_the_future_refused(session):
    later = signin.current_code(session, NOON + dt.timedelta(minutes=1))
    assert not signin.check_code(session, later, NOON)


def test_code_of_another_session_refused(world, session):
    other = f.class_session(world)
    assert not signin.check_code(other, signin.current_code(session, NOON), NOON)
    assert not signin.check_code(session, "", NOON)
    assert not signin.check_code(session, "x" * 200, NOON)


def test_a_session_without_secret_gets_one(world, session):
    StudySession.objects.filter(pk=session.pk).update(secret="")
    bare = StudySession.objects.get(pk=session.pk)
    assert not signin.check_code(bare, "abcdefghij", NOON)
    code = signin.current_code(bare, NOON)
    assert len(signin.ensure_secret(bare)) == 64
    assert signin.check_code(StudySession.objects.get(pk=session.pk), code, NOON)


def test_sign_in_url_carries_the_current_code(session):
    with time_machine.travel(NOON, tick=False):
        url = signin.sign_in_url(session)
        assert url.endswith(f"/public/study/sign-in/{session.pk}/?c={signin.current_code(session)}")


# --- signing in -------------------------------------------------------------------------------------------------


def test_sign_in_marks_present_then_nothing_changes(session, expected):
    code = signin.current_code(session, NOON)
    first = signin.scan_sign_in(session, code, expected, NOON)
    assert first.changed
    assert first.attendance.status == AttendanceStatus.PRESENT
    assert first.attendance.method == SignInMethod.QR
    again = signin.scan_sign_in(session, code, expected, NOON + dt.timedelta(seconds=30))
    assert not again.changed
    assert again.attendance.at == first.attendance.at
    assert Attendance.objects.filter(session=session).count() == 1


def test_sign_in_after_the_start_is_late(session, expected):
    late = NOON + dt.timedelta(minutes=20)
    row = signin.sign_in_by_scan(session, signin.current_code(session, late), expected, late)
    assert row.status == AttendanceStatus.LATE


def test_expired_code_refused_with_message(session, expected):
    code = signin.current_code(session, NOON)
    with pytest.raises(signin.SignInRefused, match="签到码已过期，请重新扫码"):
        signin.scan_sign_in(session, code, expected, NOON + dt.timedelta(minutes=2))
    assert not Attendance.objects.exists()


def test_member_not_on_roster_refused(world, session):
    stranger = f.member(world.street_a)
    with pytest.raises(signin.SignInRefused, match="不在本场次的应参学名单中"):
        signin.scan_sign_in(session, signin.current_code(session, NOON), stranger, NOON)
    assert not Attendance.objects.exists()


def test_code_of_one_session_useless_at_another(world, session, expected):
    other = f.class_session(world)
    f.on_roster(other, expected)
    with pytest.raises(signin.SignInRefused):
        signin.scan_sign_in(other, signin.current_code(session, NOON), expected, NOON)


def test_group_meeting_takes_members_of_the_open_group(world):
    group = f.open_group(world)
    meeting = f.groups.add_meeting(None, group, date=NOON.date())
    person = f.member(world.street_a)
    code = signin.current_code(meeting, NOON)
    with pytest.raises(signin.SignInRefused):
        signin.scan_sign_in(meeting, code, person, NOON)
    f.groups.join_group(None, group, person)
    assert signin.is_expected(meeting, person)
    assert signin.scan_sign_in(meeting, code, person, NOON).changed
    assert signin.signed_in_count(meeting) == 1
    assert signin.expected_count(meeting) == 1


def test_counts_of_a_class_session(session, expected, world):
    f.on_roster(session, f.member(world.street_a))
    signin.scan_sign_in(session, signin.current_code(session, NOON), expected, NOON)
    assert (signin.signed_in_count(session), signin.expected_count(session)) == (1, 2)


# --- the SMS code -----------------------------------------------------------------------------------------------


def test_sms_code_stored_as_hash_only_and_works_once(session, expected, outbox):
    challenge = signin.send_challenge(session, expected, NOON)
    assert challenge is not None
    assert outbox[-1][0] == "13800138000"
    code = f.last_sms_code()
    assert code not in challenge.code_hash
    assert len(challenge.code_hash) == 64
    assert challenge.expires_at == NOON + signin.CHALLENGE_TTL
    assert signin.verify_challenge(session, expected, code, NOON)
    assert not signin.verify_challenge(session, expected, code, NOON)  # a used code never works again
    assert SignInChallenge.objects.get(pk=challenge.pk).used_at == NOON


def test_sms_code_expires(session, expected, outbox):
    signin.send_challenge(session, expected, NOON)
    assert not signin.verify_challenge(session, expected, f.last_sms_code(), NOON + dt.timedelta(minutes=6))


def test_sms_code_attempts_limited(session, expected, outbox):
    signin.send_challenge(session, expected, NOON)
    code = f.last_sms_code()
    wrong = "000000" if code != "000000" else "111111"
    for _i in range(signin.MAX_ATTEMPTS):
        assert not signin.verify_challenge(session, expected, wrong, NOON)
    assert not signin.verify_challenge(session, expected, code, NOON)  # locked after five wrong tries
    assert SignInChallenge.objects.get().attempts == signin.MAX_ATTEMPTS


def test_sms_code_of_another_session_or_member_useless(world, session, expected, outbox):
    other = f.class_session(world)
    signin.send_challenge(session, expected, NOON)
    code = f.last_sms_code()
    assert not signin.verify_challenge(other, expected, code, NOON)
    assert not signin.verify_challenge(session, f.member(world.street_a), code, NOON)


def test_no_sms_without_provider_phone_or_after_too_many(world, session, expected, settings, outbox):
    assert signin.send_challenge(session, f.member(world.street_a, phone=""), NOON) is None
    for _i in range(signin.MAX_CHALLENGES):
        assert signin.send_challenge(session, expected, NOON) is not None
    assert signin.send_challenge(session, expected, NOON) is None
    settings.LUOSHI_NOTICE_SMS_PROVIDER = ""
    with pytest.raises(signin.SmsUnavailable):
        signin.send_challenge(session, expected, NOON)


class BrokenSms:
    def send(self, phone: str, text: str) -> None:
        from luoshi.notices.channels import ChannelError

        raise ChannelError("gateway down")


@override_settings(LUOSHI_NOTICE_SMS_PROVIDER="luoshi.study.tests.test_signin.BrokenSms")
def test_failed_gateway_is_sms_unavailable(session, expected):
    with pytest.raises(RuleViolation, match="短信发送失败"):
        signin.send_challenge(session, expected, NOON)
