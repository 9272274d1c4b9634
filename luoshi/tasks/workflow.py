"""The assignment lifecycle (任务分解交办) as a pure table, and the depth rule of task decomposition."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.errors import RuleViolation
from luoshi.tasks.choices import OPEN_STATES, EventKind, State
from luoshi.tracking.workflow import Transition, Workflow

MAX_LEVEL = 3

TRANSITIONS: dict[str, Transition] = {
    "sign": Transition(_("签收"), (State.PENDING_SIGN,), State.IN_PROGRESS, Perm.HANDLE_TASK, EventKind.SIGNED),
    "request_finish": Transition(
        _("申请办结"), (State.IN_PROGRESS,), State.FINISH_REQUESTED, Perm.HANDLE_TASK, EventKind.FINISH_REQUESTED
    ),
    "accept": Transition(_("验收办结"), (State.FINISH_REQUESTED,), State.DONE, Perm.MANAGE_TASKS, EventKind.ACCEPTED),
    "send_back": Transition(
        _("退回"), (State.FINISH_REQUESTED,), State.IN_PROGRESS, Perm.MANAGE_TASKS, EventKind.SENT_BACK
    ),
    "revoke": Transition(_("撤销"), OPEN_STATES, State.REVOKED, Perm.MANAGE_TASKS, EventKind.REVOKED),
    "reopen": Transition(_("重启"), (State.DONE,), State.IN_PROGRESS, Perm.MANAGE_TASKS, EventKind.REOPENED),
}

WORKFLOW = Workflow(pgettext_lazy("key task", "任务"), State, TRANSITIONS)


def child_level(parent_level: int | None) -> int:
    """The level of a new task under a parent of ``parent_level`` (None: a top-level task); a fourth is refused."""
    level = 1 if parent_level is None else parent_level + 1
    if level > MAX_LEVEL:
        raise RuleViolation(
            gettext("任务最多分解为 {levels} 级，不能在第 {levels} 级任务下再分解。").format(levels=MAX_LEVEL),
            code="too_deep",
        )
    return level
