"""Translation helpers: records (audit details, timeline notes) stay in the platform's default language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


def record_text(text: str | Promise) -> str:
    """``text`` (possibly a lazy translation) as stored in a record: always in ``LANGUAGE_CODE`` (zh-hans)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)
