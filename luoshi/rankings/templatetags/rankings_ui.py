"""Small display helpers of the ranking pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rank_change(change: Any) -> str:
    """↑2 / ↓1 / — / 新."""
    if change is None:
        return _("新")
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "—"


@register.filter
def figure(value: Any) -> str:
    """A percent value to two decimals; — when there is none."""
    if value is None:
        return "—"
    return f"{float(value):.2f}"
