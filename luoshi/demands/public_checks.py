"""What the public side and Open311 share: per-IP rate limits by bucket and the channel they file by.

The guards themselves (rate limit, body size, plain text, phone) are ``luoshi.core.public``'s.
"""

from __future__ import annotations

from django.http import HttpRequest

from luoshi.core import public
from luoshi.demands.models import DemandChannel

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "file": (10, 3600),
    "lookup": (60, 3600),
    "open311": (30, 3600),
}


def rate_limited(request: HttpRequest, bucket: str) -> bool:
    """True when this client IP has used up ``bucket``'s allowance (``file``, ``lookup``, ``open311``)."""
    return public.rate_limited(request, bucket, DEFAULT_RATE_LIMITS[bucket])


def channel(code: str, name: str) -> DemandChannel:
    """The channel a public filing comes in by, created with its default name on first use."""
    found = DemandChannel.objects.filter(code=code).first()
    if found is None:
        found, _created = DemandChannel.objects.get_or_create(code=code, defaults={"name": name, "order": 90})
    return found
