"""What the public side and Open311 share: per-IP rate limits, the channel they file by, and input checks."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from luoshi.core import counters
from luoshi.core.middleware import client_ip
from luoshi.demands.models import DemandChannel

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "file": (10, 3600),
    "lookup": (60, 3600),
    "open311": (30, 3600),
}
DEFAULT_MAX_BODY_BYTES = 16 * 1024
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&#|javascript:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def rate_limited(request: HttpRequest, bucket: str) -> bool:
    """True when this client IP has used up ``bucket``'s allowance in the current window (计数 +1, atomic).

    A counter store that cannot count refuses the request rather than let it through.
    """
    limits: dict[str, tuple[int, int]] = getattr(settings, "LUOSHI_PUBLIC_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    allowed, window = limits.get(bucket, DEFAULT_RATE_LIMITS[bucket])
    try:
        used = counters.hit(f"rl:{bucket}:{client_ip(request)}", window)
    except counters.CountersUnavailable:
        return True
    return used > allowed


def body_too_large(request: HttpRequest) -> bool:
    """A request body over the public limit (by its Content-Length) is refused before validation."""
    limit: int = getattr(settings, "LUOSHI_PUBLIC_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit


def channel(code: str, name: str) -> DemandChannel:
    """The channel a public filing comes in by, created with its default name on first use."""
    found = DemandChannel.objects.filter(code=code).first()
    if found is None:
        found, _created = DemandChannel.objects.get_or_create(code=code, defaults={"name": name, "order": 90})
    return found


def check_plain_text(value: str) -> str:
    """Text from the public is stored as text: markup and control characters are refused, not cleaned."""
    if MARKUP.search(value):
        raise ValidationError(_("请不要输入网页代码或尖括号等特殊字符。"), code="markup")
    if CONTROL.search(value):
        raise ValidationError(_("内容含有无法识别的字符。"), code="control")
    return value.strip()


def check_phone(value: str) -> str:
    phone = value.replace(" ", "").strip()
    if phone and not PHONE.match(phone):
        raise ValidationError(_("请输入正确的手机号（11 位）或带区号的固定电话。"), code="phone")
    return phone
