"""The demand lifecycle as a pure table: which action moves which state where, and who may do it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.demands.choices import DemandEventKind, DemandState
from luoshi.tracking.workflow import Transition, Workflow

S = DemandState
OPEN_STATES = (S.RECEIVED, S.DISPATCHED, S.SIGNED, S.RESPONDED, S.FINISHED, S.CALLED_BACK)
HANDLING_STATES = (S.DISPATCHED, S.SIGNED, S.RESPONDED)
ALL_STATES = tuple(S.values)

FLOW = Workflow(
    _("工单"),
    DemandState,
    {
        "dispatch": Transition(
            _("派单"), (S.RECEIVED,), S.DISPATCHED, Perm.DISPATCH_DEMAND, DemandEventKind.DISPATCHED
        ),
        "sign": Transition(_("签收"), (S.DISPATCHED,), S.SIGNED, Perm.HANDLE_DEMAND, DemandEventKind.SIGNED),
        "respond": Transition(
            _("联系群众"), (S.SIGNED, S.RESPONDED), S.RESPONDED, Perm.HANDLE_DEMAND, DemandEventKind.RESPONDED
        ),
        "finish": Transition(
            _("办结"), (S.SIGNED, S.RESPONDED), S.FINISHED, Perm.HANDLE_DEMAND, DemandEventKind.FINISHED
        ),
        "return": Transition(
            _("退单"), (S.DISPATCHED, S.SIGNED), S.RECEIVED, Perm.HANDLE_DEMAND, DemandEventKind.RETURNED
        ),
        "call_back": Transition(
            _("回访"), (S.FINISHED,), S.CALLED_BACK, Perm.DISPATCH_DEMAND, DemandEventKind.CALLED_BACK
        ),
        "redo": Transition(_("重办"), (S.CALLED_BACK,), S.SIGNED, Perm.DISPATCH_DEMAND, DemandEventKind.REDONE),
        "archive": Transition(
            _("归档"), (S.FINISHED, S.CALLED_BACK), S.ARCHIVED, Perm.DISPATCH_DEMAND, DemandEventKind.ARCHIVED
        ),
        "escalate": Transition(_("督办"), OPEN_STATES, None, Perm.DISPATCH_DEMAND, DemandEventKind.ESCALATED),
        "request_extension": Transition(
            _("申请延期"), HANDLING_STATES[1:], None, Perm.HANDLE_DEMAND, DemandEventKind.EXTENSION_REQUESTED
        ),
    },
)
TRANSITIONS = FLOW.transitions
transition = FLOW.step
actions_from = FLOW.actions_from
target_of = Workflow.target_of
