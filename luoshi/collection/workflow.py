"""The submission lifecycle (填报) as a pure table."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.access.roles import Perm
from luoshi.collection.choices import EventKind, State
from luoshi.tracking.workflow import Transition, Workflow

EDITABLE: tuple[str, ...] = (State.PENDING, State.DRAFT, State.RETURNED)

TRANSITIONS: dict[str, Transition] = {
    "save": Transition(_("暂存"), EDITABLE, State.DRAFT, Perm.SUBMIT_COLLECTION, EventKind.SAVED),
    "submit": Transition(_("报送"), EDITABLE, State.SUBMITTED, Perm.SUBMIT_COLLECTION, EventKind.SUBMITTED),
    "accept": Transition(_("审核通过"), (State.SUBMITTED,), State.ACCEPTED, Perm.MANAGE_COLLECTION, EventKind.ACCEPTED),
    "return": Transition(_("退回"), (State.SUBMITTED,), State.RETURNED, Perm.MANAGE_COLLECTION, EventKind.RETURNED),
}

WORKFLOW = Workflow(pgettext_lazy("collection", "报送"), State, TRANSITIONS)
