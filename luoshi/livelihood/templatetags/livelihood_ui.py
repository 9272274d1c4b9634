"""Presentation helpers of the livelihood pages: badge colours, percents and progress bar widths."""

from __future__ import annotations

from decimal import Decimal

from django import template

from luoshi.livelihood.choices import ProjectState, ProposalState, TaskState
from luoshi.tracking.choices import Light

register = template.Library()

BADGES: dict[str, str] = {
    ProjectState.IN_PROGRESS: "text-bg-primary",
    ProjectState.COMPLETED: "text-bg-success",
    ProjectState.EVALUATED: "text-bg-info",
    ProjectState.STOPPED: "text-bg-secondary",
    TaskState.NOT_STARTED: "text-bg-light border",
    TaskState.DONE: "text-bg-success",
    ProposalState.SUBMITTED: "text-bg-warning",
    ProposalState.SHORTLISTED: "text-bg-primary",
    ProposalState.DECLINED: "text-bg-secondary",
    ProposalState.ADOPTED: "text-bg-success",
    ProposalState.REJECTED: "text-bg-danger",
}
LIGHT_TEXT: dict[str, str] = {Light.RED: "text-danger", Light.YELLOW: "text-warning", Light.GREEN: "text-success"}


@register.filter
def state_badge(state: str) -> str:
    return BADGES.get(state, "text-bg-light border")


@register.filter
def light_text(light: str) -> str:
    return LIGHT_TEXT.get(light, "")


@register.filter
def pct(value: Decimal | int | None) -> str:
    """68.9 → "68.9%" (never localised: also used as a CSS width); None → "—"."""
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}%"


@register.filter
def bar_class(value: Decimal | int | None) -> str:
    number = Decimal(value or 0)
    if number >= 100:
        return "bg-success"
    return "bg-primary" if number >= 50 else "bg-warning"
