"""The problem lifecycle as a pure table: which action moves which state where, and what it needs."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.problems.choices import EventKind, State
from luoshi.tracking.workflow import Transition, Workflow
from luoshi.tracking.workflow import light_for as tracking_light

TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(_("认领"), (State.PENDING_CLAIM,), State.RECTIFYING, Perm.CLAIM, EventKind.CLAIMED),
    "request_closure": Transition(
        _("申请销号"), (State.RECTIFYING,), State.PENDING_REVIEW, Perm.REQUEST_CLOSURE, EventKind.CLOSURE_REQUESTED
    ),
    "approve_closure": Transition(_("审核销号"), (State.PENDING_REVIEW,), State.CLOSED, Perm.REVIEW, EventKind.CLOSED),
    "send_back": Transition(_("退回整改"), (State.PENDING_REVIEW,), State.RECTIFYING, Perm.REVIEW, EventKind.SENT_BACK),
    "reopen": Transition(_("回头看重新打开"), (State.CLOSED,), State.RECTIFYING, Perm.REOPEN, EventKind.REOPENED),
}


WORKFLOW = Workflow(_("问题"), State, TRANSITIONS)
OPEN_STATES = (State.PENDING_CLAIM, State.RECTIFYING, State.PENDING_REVIEW)


def transition(action: str, state: str) -> Transition:
    """The transition for ``action`` from ``state``, or a ``RuleViolation`` that says why not."""
    return WORKFLOW.step(action, state)


def actions_from(state: str) -> list[str]:
    return WORKFLOW.actions_from(state)


def light_for(state: str, deadline: date, today: date, yellow_days: int) -> str:
    """Red: past deadline and not closed; yellow: due within ``yellow_days``; green otherwise."""
    return tracking_light(state == State.CLOSED, deadline, today, yellow_days)
