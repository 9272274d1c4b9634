"""Presentation helpers of the key-task pages: badge colours, percents and progress bars."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from luoshi.tasks.choices import State
from luoshi.tracking.choices import Light, RequestState

register = template.Library()

BADGES: dict[str, str] = {
    State.PENDING_SIGN: "text-bg-secondary",
    State.IN_PROGRESS: "text-bg-primary",
    State.FINISH_REQUESTED: "text-bg-warning",
    State.DONE: "text-bg-success",
    State.REVOKED: "text-bg-light border",
    RequestState.PENDING: "text-bg-warning",
    RequestState.APPROVED: "text-bg-success",
    RequestState.REJECTED: "text-bg-danger",
}
LIGHT_TEXT: dict[str, str] = {Light.RED: "text-danger", Light.YELLOW: "text-warning", Light.GREEN: "text-success"}


@register.filter
def task_badge(state: str) -> str:
    return BADGES.get(state, "text-bg-light")


@register.filter
def task_light_text(light: str) -> str:
    return LIGHT_TEXT.get(light, "")


@register.filter
def pct(value: Any) -> str:
    """A percent between 0 and 100 to one decimal (“—” when there is none)."""
    return "—" if value is None else f"{Decimal(value):.1f}%"


@register.filter
def bar(value: Any) -> int:
    """The width of a progress bar, a whole percent between 0 and 100."""
    return 0 if value is None else max(0, min(100, round(Decimal(value))))


@register.simple_tag
def indent(path: str, base: str) -> str:
    """Ideographic spaces for how far below ``base`` a unit lies (the tree of passed-down assignments)."""
    return "\u3000" * max(0, path.count(".") - base.count(".") - 1)
