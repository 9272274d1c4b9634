"""我的待办 of key tasks: what each role has to act on, counted like the unit board counts it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from luoshi.access.roles import Perm, Role
from luoshi.core.pagination import bounded_count
from luoshi.core.todo import Params, RoleTodos, Spec
from luoshi.tasks.filters import AssignmentFilterSet
from luoshi.tasks.models import TaskAssignment

HANDLING: Sequence[Spec] = (
    (gettext_lazy("待签收的任务"), lambda u: [("todo", "to_sign")]),
    (gettext_lazy("本轮待报送进展"), lambda u: [("todo", "to_report")]),
    (gettext_lazy("被退回的任务"), lambda u: [("todo", "sent_back")]),
    (gettext_lazy("逾期未办结任务"), lambda u: [("todo", "overdue")]),
)

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: (
        (gettext_lazy("待验收的办结申请"), lambda u: [("todo", "to_accept")]),
        (gettext_lazy("待审批的任务延期"), lambda u: [("todo", "extension")]),
        (gettext_lazy("逾期未办结任务"), lambda u: [("todo", "overdue")]),
    ),
    Role.LIAISON: HANDLING,
    Role.LEADER: HANDLING[:2],
}


def filtered_assignments(user: Any, params: Params) -> QuerySet[TaskAssignment]:
    """Exactly what the unit board shows for ``params``."""
    base = TaskAssignment.objects.visible_to(user, Perm.VIEW)
    return AssignmentFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW, "tasks:assignments", lambda u, p: bounded_count(filtered_assignments(u, p)))
