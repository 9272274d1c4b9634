"""The guards of every page the public posts to (demands' filing and Open311, livelihood proposals).

Per-IP rate limits, one bucket per kind of request in ``LUOSHI_PUBLIC_RATE_LIMITS`` (``{bucket: (allowed,
seconds)}``), the body size limit ``LUOSHI_PUBLIC_MAX_BODY_BYTES``, and the checks of what citizens type.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from luoshi.core import counters
from luoshi.core.middleware import client_ip

DEFAULT_MAX_BODY_BYTES = 16 * 1024
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&#|javascript:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def rate_limited(request: HttpRequest, bucket: str, default: tuple[int, int]) -> bool:
    """True when this client IP has used up ``bucket``'s allowance in the current window (计数 +1, atomic).

    The allowance is ``LUOSHI_PUBLIC_RATE_LIMITS[bucket]``, ``default`` when the setting does not name the bucket.
    A counter store that cannot count refuses the request rather than let it through.
    """
    limits: dict[str, tuple[int, int]] = getattr(settings, "LUOSHI_PUBLIC_RATE_LIMITS", {})
    allowed, window = limits.get(bucket, default)
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


def check_plain_text(value: str) -> str:
    """Text from the public is stored as text: markup and control characters are refused, not cleaned."""
    if MARKUP.search(value):
        raise ValidationError(_("请不要输入网页代码或尖括号等特殊字符。"), code="markup")
    if CONTROL.search(value):
        raise ValidationError(_("内容含有无法识别的字符。"), code="control")
    return value.strip()


def check_phone(value: str) -> str:
    """A mobile number or a landline with its area code, spaces removed; empty stays empty."""
    phone = value.replace(" ", "").strip()
    if phone and not PHONE.match(phone):
        raise ValidationError(_("请输入正确的手机号（11 位）或带区号的固定电话。"), code="phone")
    return phone
