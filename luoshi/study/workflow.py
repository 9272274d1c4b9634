"""The study plan lifecycle (学习计划) as a pure table.

草拟 → 待审核 (报送审核) → 已退回 (退回修改, with comments) → 待审核 … → 已通过 (审核通过) → 已完成 (完成学习计划:
when every item is done, or by the unit).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.access.roles import Perm
from luoshi.study.choices import PlanEventKind, PlanState
from luoshi.tracking.workflow import Transition, Workflow

EDITABLE: tuple[str, ...] = (PlanState.DRAFT, PlanState.RETURNED)
CARRYING_OUT: tuple[str, ...] = (PlanState.APPROVED,)
FEEDING: tuple[str, ...] = (PlanState.APPROVED, PlanState.DONE)  # plans whose items show in the study list

TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(_("报送审核"), EDITABLE, PlanState.SUBMITTED, Perm.ORGANISE_STUDY, PlanEventKind.SUBMITTED),
    "return": Transition(
        pgettext_lazy("review decision", "退回修改"),
        (PlanState.SUBMITTED,),
        PlanState.RETURNED,
        Perm.MANAGE_STUDY,
        PlanEventKind.RETURNED,
    ),
    "approve": Transition(
        _("审核通过"), (PlanState.SUBMITTED,), PlanState.APPROVED, Perm.MANAGE_STUDY, PlanEventKind.APPROVED
    ),
    "complete": Transition(_("完成学习计划"), CARRYING_OUT, PlanState.DONE, Perm.ORGANISE_STUDY, PlanEventKind.DONE),
}

WORKFLOW = Workflow(_("学习计划"), PlanState, TRANSITIONS)
