"""Presentation helpers of the problem pages: badge colours and percentages."""

from __future__ import annotations

from django import template

from luoshi.problems.choices import Light, MeasureState, RequestState, State

register = template.Library()

BADGES: dict[str, str] = {
    State.PENDING_CLAIM: "text-bg-secondary",
    State.RECTIFYING: "text-bg-primary",
    State.PENDING_REVIEW: "text-bg-warning",
    State.CLOSED: "text-bg-success",
    MeasureState.IN_PROGRESS: "text-bg-primary",
    MeasureState.DONE: "text-bg-success",
    RequestState.PENDING: "text-bg-warning",
    RequestState.APPROVED: "text-bg-success",
    RequestState.REJECTED: "text-bg-danger",
}
LIGHT_TEXT: dict[str, str] = {Light.RED: "text-danger", Light.YELLOW: "text-warning", Light.GREEN: "text-success"}


@register.filter
def badge(state: str) -> str:
    """Bootstrap badge classes for a problem, measure or request state."""
    return BADGES.get(state, "text-bg-light")


@register.filter
def light_text(light: str) -> str:
    return LIGHT_TEXT.get(light, "")


@register.filter
def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"
