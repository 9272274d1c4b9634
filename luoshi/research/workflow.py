"""The research plan lifecycle (调研方案) as a pure table.

草拟 → 待审核 (提交) → 已退回 (退回修改) → 待审核 … → 已通过 (审核通过) → 调研中 (开展调研) → 已形成成果 (提交成果)
→ 已转化 (成果转化: into a key task or a problem; later conversions keep the plan converted and add more).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.access.roles import Perm
from luoshi.research.choices import EventKind, PlanState
from luoshi.tracking.workflow import Transition, Workflow

EDITABLE: tuple[str, ...] = (PlanState.DRAFT, PlanState.RETURNED)
VISITING: tuple[str, ...] = (PlanState.APPROVED, PlanState.FIELDWORK)
CONVERTIBLE: tuple[str, ...] = (PlanState.REPORTED, PlanState.CONVERTED)

TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(_("提交审核"), EDITABLE, PlanState.SUBMITTED, Perm.PLAN_RESEARCH, EventKind.SUBMITTED),
    "return": Transition(
        pgettext_lazy("review decision", "退回修改"),
        (PlanState.SUBMITTED,),
        PlanState.RETURNED,
        Perm.MANAGE_RESEARCH,
        EventKind.RETURNED,
    ),
    "approve": Transition(
        _("审核通过"), (PlanState.SUBMITTED,), PlanState.APPROVED, Perm.MANAGE_RESEARCH, EventKind.APPROVED
    ),
    "start": Transition(
        _("开展调研"), (PlanState.APPROVED,), PlanState.FIELDWORK, Perm.PLAN_RESEARCH, EventKind.STARTED
    ),
    "report": Transition(
        _("提交成果"), (PlanState.FIELDWORK,), PlanState.REPORTED, Perm.PLAN_RESEARCH, EventKind.REPORTED
    ),
    "convert_task": Transition(
        _("转化为重点任务"), CONVERTIBLE, PlanState.CONVERTED, Perm.MANAGE_TASKS, EventKind.CONVERTED
    ),
    "convert_problem": Transition(
        _("转化为问题"), CONVERTIBLE, PlanState.CONVERTED, Perm.FILE_PROBLEM, EventKind.CONVERTED
    ),
}

WORKFLOW = Workflow(_("调研方案"), PlanState, TRANSITIONS)
