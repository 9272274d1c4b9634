"""The problem lifecycle as a pure table: which action moves which state where, and what it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.errors import RuleViolation
from luoshi.problems.choices import EventKind, Light, State


@dataclass(frozen=True)
class Transition:
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    perm: str
    event: str


TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(_("认领"), (State.PENDING_CLAIM,), State.RECTIFYING, Perm.CLAIM, EventKind.CLAIMED),
    "request_closure": Transition(
        _("申请销号"), (State.RECTIFYING,), State.PENDING_REVIEW, Perm.REQUEST_CLOSURE, EventKind.CLOSURE_REQUESTED
    ),
    "approve_closure": Transition(_("审核销号"), (State.PENDING_REVIEW,), State.CLOSED, Perm.REVIEW, EventKind.CLOSED),
    "send_back": Transition(_("退回整改"), (State.PENDING_REVIEW,), State.RECTIFYING, Perm.REVIEW, EventKind.SENT_BACK),
    "reopen": Transition(_("回头看重新打开"), (State.CLOSED,), State.RECTIFYING, Perm.REOPEN, EventKind.REOPENED),
}


def transition(action: str, state: str) -> Transition:
    """The transition for ``action`` from ``state``, or a ``RuleViolation`` that says why not."""
    step = TRANSITIONS[action]
    if state not in step.sources:
        raise RuleViolation(
            gettext("问题当前状态为「{state}」，不能执行「{action}」。").format(
                state=State(state).label, action=step.label
            ),
            code="illegal_transition",
        )
    return step


def actions_from(state: str) -> list[str]:
    return [name for name, step in TRANSITIONS.items() if state in step.sources]


def light_for(state: str, deadline: date, today: date, yellow_days: int) -> str:
    """Red: past deadline and not closed; yellow: due within ``yellow_days``; green otherwise."""
    if state == State.CLOSED:
        return Light.GREEN
    if deadline < today:
        return Light.RED
    if (deadline - today).days <= yellow_days:
        return Light.YELLOW
    return Light.GREEN
