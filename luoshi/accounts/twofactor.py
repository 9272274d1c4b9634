"""Two-factor login (双因素认证) for the administrative roles, as 等保 2.0 level 3 asks of administrators.

Rules:

* Who needs it is decided here only (``requires_two_factor``): security admins and auditors on any unit,
  and the campaign office (领导小组办公室) on a top-level unit.
* The second factor is a TOTP authenticator app (RFC 6238, django-otp's ``TOTPDevice``) and ten one-time
  recovery codes (``StaticDevice``) handed out once when the app is confirmed.
* A user who needs it and has no confirmed app is sent to the enrolment page at the next login.
* A wrong code counts like a wrong password (``services.note_failed_login``): the same lockout after
  ``LUOSHI_LOGIN_MAX_FAILURES`` failures in a row and the same per-address throttle.
* Only a security admin who manages the account resets it (never their own); the owner then enrols again.

Every step is audited; secrets and codes never reach the audit log.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any, NoReturn

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.access import scope
from luoshi.access.roles import Role
from luoshi.accounts import services
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation

APP_DEVICE = "身份验证器"
RECOVERY_DEVICE = "恢复码"
RECOVERY_CODES = 10
DEMO_DEVICE = "演示身份验证器"
# The demo administrators' shared secret: public like the demo password, and only ever written by the demo builder.
DEMO_KEY = "6c756f7368692d64656d6f2d746f74702d32303236"
ALWAYS = frozenset({Role.SECURITY_ADMIN, Role.AUDITOR})


class CodeRefused(RuleViolation):
    """A wrong, missing or reused code; ``locked`` when the account is (now) locked."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message, code="otp_locked" if locked else "otp_invalid")
        self.locked = locked


# --- who needs it, and where they stand ---------------------------------------------------------------


def requires_two_factor(user: Any) -> bool:
    """Security admins, auditors, and the campaign office on a top-level unit log in with a second factor."""
    for role, path in scope.assignments(user):
        if role in ALWAYS or (role == Role.OFFICE and paths.depth(path) == 1):
            return True
    return False


def app_device(user: Any, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: Any) -> bool:
    """The session's user passed the second factor (django-otp's OTPMiddleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_verification(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and requires_two_factor(user) and not is_verified(user)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def status(user: Any) -> dict[str, Any]:
    """What the security admin's user page shows: required, enrolled, recovery codes left."""
    return {
        "required": requires_two_factor(user),
        "enrolled": is_enrolled(user),
        "codes_left": recovery_codes_left(user),
    }


# --- enrolment ---------------------------------------------------------------------------------------


def start_enrolment(user: Any) -> TOTPDevice:
    """The unconfirmed app device shown at enrolment (a new random secret), kept until confirmed."""
    if is_enrolled(user):
        raise RuleViolation(_("已经绑定身份验证器。"), code="enrolled")
    with transaction.atomic():
        device = app_device(user, confirmed=False)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
            record(Action.CREATE, actor=user, obj=user, detail="开始绑定身份验证器（双因素认证）")
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of the device as an inline SVG QR code, for the authenticator app."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


def secret_text(device: TOTPDevice) -> str:
    """The secret in the base32 form apps accept when typed, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_enrolment(user: Any, code: str, address: str = "") -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with its current code; returns it and the new recovery codes, shown only this once."""
    _check_allowed(user, address)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise RuleViolation(_("请先打开绑定页面扫描二维码。"), code="no_device")
        if not device.verify_token(_digits(code)):
            device = None
        else:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            record(Action.UPDATE, actor=user, obj=user, detail="绑定身份验证器，启用双因素认证")
    if device is None:
        _refuse(user, address, "绑定身份验证器时动态验证码错误")
    services.clear_failures(user)
    return device, codes


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


# --- verification -------------------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(str(code or "").split())[:16]


def _check_allowed(user: Any, address: str) -> None:
    if services.address_wait(address):
        raise CodeRefused(_("该网络地址登录失败次数过多，已暂停登录，请稍后再试。"), locked=True)
    if services.is_locked(user.username):
        raise CodeRefused(_("连续验证失败次数过多，账号已锁定，请稍后再试或联系安全管理员解锁。"), locked=True)


def _refuse(user: Any, address: str, what: str) -> NoReturn:
    services.note_failed_login(user.username, address, what=what)
    locked = services.is_locked(user.username)
    if locked:
        raise CodeRefused(_("连续验证失败次数过多，账号已锁定，请稍后再试或联系安全管理员解锁。"), locked=True)
    raise CodeRefused(_("验证码不正确或已使用，请重新输入。"))


def verify(user: Any, code: str, address: str = "") -> Any:
    """Check a code of the user's app or one of their recovery codes (used up by this); returns the device.

    A wrong code counts against the account like a wrong password.
    """
    _check_allowed(user, address)
    token = _digits(code)
    device = None
    with transaction.atomic():
        app = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if token and app is not None and token.isdigit() and app.verify_token(token):
            device = app
            record(Action.LOGIN, actor=user, obj=user, detail="双因素认证通过（身份验证器）")
        else:
            recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if token and recovery is not None and recovery.verify_token(token.lower()):
                device = recovery
                left = recovery.token_set.count()
                record(Action.LOGIN, actor=user, obj=user, detail=f"使用恢复码通过双因素认证（剩余 {left} 个）")
    if device is None:
        _refuse(user, address, "动态验证码错误")
    services.clear_failures(user)
    return device


# --- reset by a security admin ---------------------------------------------------------------------


def reset(actor: Any, user: Any) -> None:
    """重置双因素认证: remove the user's app and recovery codes (they enrol again at the next login) and
    revoke their API token. Only a security admin managing the account; never their own."""
    if user.pk == actor.pk:
        raise NotAllowed(_("不能重置自己的双因素认证（三权分立），请联系其他安全管理员。"))
    if not services.can_manage_account(actor, user):
        raise NotAllowed(_("该账号在您管理范围之外的单位也有任职，只有上级安全管理员可以操作。"))
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        StaticDevice.objects.filter(user=user).delete()
        if not removed:
            raise RuleViolation(_("该账号尚未绑定身份验证器。"), code="not_enrolled")
        record(Action.DELETE, actor=actor, obj=user, detail="重置双因素认证（本人下次登录时重新绑定）")
        services.revoke_token(user, actor=actor, detail="重置双因素认证时注销 API 令牌")


# --- the demo ---------------------------------------------------------------------------------------


def enrol_demo(user: Any) -> TOTPDevice:
    """For the demo builder only: enrol a demo administrator with the public demo secret."""
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, key=DEMO_KEY, confirmed=True)
        record(Action.UPDATE, obj=user, actor_name="演示数据", detail="演示数据：绑定演示身份验证器")
    return device


def demo_code(user: Any) -> str:
    """The current code of a demo administrator, shown on the code page of a demo instance.

    Empty unless the user's app is the demo device the demo builder wrote, which no other path creates.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE, key=DEMO_KEY).first()
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def demo_accounts() -> list[str]:
    """Usernames enrolled with the demo device: empty except on an instance built with demo data."""
    found = TOTPDevice.objects.filter(name=DEMO_DEVICE, key=DEMO_KEY, confirmed=True)
    return sorted(found.values_list("user__username", flat=True))


def demo_secret() -> str:
    return secret_text(TOTPDevice(key=DEMO_KEY))


def token_issuer() -> str:
    return str(getattr(settings, "OTP_TOTP_ISSUER", "Luoshi"))
