"""Sign-in by scan (扫码签到): the rotating code shown at a session and the member's sign-in on a phone.

The code shown at the session is HMAC-SHA256 of the session's ``secret`` and the minute number, cut to
``CODE_LENGTH`` url-safe characters; it rotates every minute. A scanned code is good in its minute and the
next one (grace for a slow scan), never older and never from the future, and never at another session.

A member without a login proves who they are with a one-time SMS code (``SignInChallenge``): only a keyed hash of
the code is stored, it expires after ``CHALLENGE_TTL``, allows ``MAX_ATTEMPTS`` wrong tries and works once. The
member must be expected at the session: on the class roster, or a member of the open group that meets. Writing
the attendance is ``luoshi.study.attendance.mark``'s (出席 or 迟到 by ``status_at``); a second sign-in changes
nothing. Nothing here logs a number, a phone or a code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation
from luoshi.members.models import Member
from luoshi.members.services import phone_of
from luoshi.notices.channels import ChannelError, sms_provider
from luoshi.study import attendance
from luoshi.study.choices import ATTENDED, SignInMethod
from luoshi.study.models import Attendance, ClassMember, GroupMembership, SignInChallenge, StudySession

CODE_LENGTH = 10
STEP_SECONDS = 60
CHALLENGE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_CHALLENGES = 5  # SMS codes one member may ask for at one session (no SMS bombing)
SMS_DIGITS = 6


class SignInRefused(RuleViolation):
    """A sign-in the rules refuse; ``str(exc)`` is the Chinese message the member sees."""


class SmsUnavailable(RuleViolation):
    """No SMS provider is configured, or it failed: the member is offered login instead."""


@dataclass(frozen=True)
class SignInResult:
    attendance: Attendance
    changed: bool


# --- the rotating code ------------------------------------------------------------------------------------------


def ensure_secret(session: StudySession) -> str:
    """The session's signing secret, made on first use for a session created without one."""
    if not session.secret:
        session.secret = secrets.token_hex(32)
        StudySession.objects.filter(pk=session.pk, secret="").update(secret=session.secret)
        session.secret = StudySession.objects.values_list("secret", flat=True).get(pk=session.pk)
    return session.secret


def _minute(now: dt.datetime | None) -> int:
    return int((now or timezone.now()).timestamp()) // STEP_SECONDS


def code_for_minute(session: StudySession, minute: int) -> str:
    """The code of ``minute`` (minutes since the epoch); the session's id is in the message, so no two sessions
    share a code even with the same secret."""
    message = f"{session.pk}:{minute}".encode()
    digest = hmac.new(session.secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:CODE_LENGTH]


def current_code(session: StudySession, now: dt.datetime | None = None) -> str:
    """The code to show at the session now; it rotates every minute."""
    ensure_secret(session)
    return code_for_minute(session, _minute(now))


def check_code(session: StudySession, code: str, now: dt.datetime | None = None) -> bool:
    """True for this minute's code or the previous minute's (constant-time compare); nothing else."""
    if not session.secret or not isinstance(code, str) or len(code) != CODE_LENGTH:
        return False
    minute = _minute(now)
    matches = [hmac.compare_digest(code_for_minute(session, m), code) for m in (minute, minute - 1)]
    return any(matches)


def sign_in_url(session: StudySession, now: dt.datetime | None = None) -> str:
    """The path the QR code carries: the public sign-in page with the current code."""
    from django.urls import reverse

    return f"{reverse('study_public:signin', args=[session.pk])}?c={current_code(session, now)}"


# --- who may sign in --------------------------------------------------------------------------------------------


def is_expected(session: StudySession, member: Member) -> bool:
    """On the class roster, or a member of the open group the session is a meeting of."""
    if session.study_class_id is not None:
        return ClassMember.objects.filter(study_class_id=session.study_class_id, member=member).exists()
    return GroupMembership.objects.filter(group_id=session.group_id, group__is_open=True, member=member).exists()


def expected_count(session: StudySession) -> int:
    if session.study_class_id is not None:
        return ClassMember.objects.filter(study_class_id=session.study_class_id).count()
    return GroupMembership.objects.filter(group_id=session.group_id).count()


def signed_in_count(session: StudySession) -> int:
    return Attendance.objects.filter(session=session, status__in=ATTENDED).count()


# --- the SMS one-time code --------------------------------------------------------------------------------------


def _hash(session: StudySession, member: Member, code: str) -> str:
    message = f"signin:{session.pk}:{member.pk}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def send_challenge(session: StudySession, member: Member, now: dt.datetime | None = None) -> SignInChallenge | None:
    """Text the member a one-time code for this session; None (and nothing sent) when the member has no phone
    or already asked ``MAX_CHALLENGES`` times. ``SmsUnavailable`` when SMS is off or the gateway failed."""
    provider = sms_provider()
    if provider is None:
        raise SmsUnavailable(_("短信服务未开通，请登录后签到。"), "sms_off")
    if not member.active or not member.phone_enc:
        return None
    if SignInChallenge.objects.filter(session=session, member=member).count() >= MAX_CHALLENGES:
        return None
    now = now or timezone.now()
    code = "".join(secrets.choice("0123456789") for _i in range(SMS_DIGITS))
    challenge = SignInChallenge.objects.create(
        session=session, member=member, code_hash=_hash(session, member, code), expires_at=now + CHALLENGE_TTL
    )
    text = _("【落实】您的签到验证码为 {code}，5 分钟内有效。如非本人操作请忽略。").format(code=code)
    try:
        provider.send(phone_of(member), text)
    except ChannelError:
        raise SmsUnavailable(_("短信发送失败，请稍后重试或登录后签到。"), "sms_failed") from None
    return challenge


def verify_challenge(session: StudySession, member: Member, code: str, now: dt.datetime | None = None) -> bool:
    """Spend the member's latest live code for the session if ``code`` is it; a wrong try counts an attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        challenge = (
            SignInChallenge.objects.select_for_update()
            .filter(session=session, member=member, used_at__isnull=True, expires_at__gt=now)
            .order_by("-id")
            .first()
        )
        if challenge is None or challenge.attempts >= MAX_ATTEMPTS:
            return False
        if not hmac.compare_digest(challenge.code_hash, _hash(session, member, str(code).strip())):
            SignInChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
            return False
        SignInChallenge.objects.filter(pk=challenge.pk).update(used_at=now, attempts=F("attempts") + 1)
    return True


# --- signing in -------------------------------------------------------------------------------------------------


def expired_message() -> str:
    return _("签到码已过期，请重新扫码。")


def scan_sign_in(session: StudySession, code: str, member: Member, now: dt.datetime | None = None) -> SignInResult:
    """Sign ``member`` in at ``session`` with the scanned ``code``; ``changed`` is False for a second sign-in."""
    now = now or timezone.now()
    if not check_code(session, code, now):
        raise SignInRefused(expired_message(), "expired")
    if not member.active or not is_expected(session, member):
        raise SignInRefused(_("您不在本场次的应参学名单中，无法签到，请联系组织者。"), "not_expected")
    row, changed = attendance.mark(session, member, attendance.status_at(session, now), method=SignInMethod.QR, at=now)
    return SignInResult(row, changed)


def sign_in_by_scan(session: StudySession, code: str, member: Member, now: dt.datetime | None = None) -> Attendance:
    """The attendance after signing ``member`` in by scan (see ``scan_sign_in``)."""
    return scan_sign_in(session, code, member, now).attendance
