"""The lifecycle of a finding (督导发现) as a pure table: draft → confirmed → transferred, or dismissed.

Confirming is the group leader's (a guard on ``GroupMember.role``); transferring and dismissing are the leader's or
the sending office's. Both are open by scope to whoever views the unit: the guards name who of them may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.supervision.choices import EventKind, FindingState
from luoshi.tracking.workflow import Transition, Workflow

S = FindingState

TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(_("确认发现"), (S.DRAFT,), S.CONFIRMED, Perm.SUPERVISE, EventKind.CONFIRMED),
    "transfer": Transition(_("转为问题"), (S.CONFIRMED,), S.TRANSFERRED, Perm.VIEW, EventKind.TRANSFERRED),
    "dismiss": Transition(_("排除"), (S.DRAFT, S.CONFIRMED), S.DISMISSED, Perm.VIEW, EventKind.DISMISSED),
}

WORKFLOW = Workflow(_("督导发现"), FindingState, TRANSITIONS)
