"""Patterns that users write (正则表达式, e.g. claims-check rules), run with RE2.

RE2 matches in time linear in the text whatever the pattern, so a pattern such as ``(a+)+b`` cannot hang
a page or a job. It has no backreferences and no lookarounds: such a pattern is refused when saved.
Patterns are Python ``str`` and match Chinese text character by character, like ``re``.
"""

from __future__ import annotations

import functools
from typing import Any

import re2
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation

MAX_MEMORY = 8 * 1024 * 1024


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_MEMORY
    return options


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, _options())


def compile_user_pattern(pattern: str) -> Any:
    """The RE2 pattern object (``search``, ``finditer`` …); ``RuleViolation`` in Chinese when RE2 cannot take it."""
    try:
        return _compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        message = _("匹配短语「{pattern}」不是有效的正则表达式（不支持反向引用和环视）：{error}")
        raise RuleViolation(message.format(pattern=pattern, error=reason)) from exc
