"""我的待办 of the campaign roles: what each one has to act on, counted like the problem list counts it."""

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
from luoshi.problems.choices import Light, State
from luoshi.problems.filters import ProblemFilterSet
from luoshi.problems.models import Problem


def _me(user: Any) -> Params:
    return [("leader", user.pk)]


ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: (
        (gettext_lazy("待审核销号"), lambda u: [("state", State.PENDING_REVIEW)]),
        (gettext_lazy("待审批延期"), lambda u: [("todo", "extension")]),
        (gettext_lazy("逾期未销号"), lambda u: [("todo", "overdue")]),
    ),
    Role.LIAISON: (
        (gettext_lazy("待认领"), lambda u: [("state", State.PENDING_CLAIM)]),
        (gettext_lazy("整改中"), lambda u: [("state", State.RECTIFYING)]),
        (gettext_lazy("被退回"), lambda u: [("todo", "sent_back")]),
        (gettext_lazy("逾期未销号"), lambda u: [("todo", "overdue")]),
    ),
    Role.LEADER: (
        (gettext_lazy("待我认领"), lambda u: [("todo", "to_claim")]),
        (gettext_lazy("我的整改中问题"), lambda u: [("state", State.RECTIFYING), *_me(u)]),
        (gettext_lazy("被退回"), lambda u: [("todo", "sent_back"), *_me(u)]),
        (gettext_lazy("待审核"), lambda u: [("state", State.PENDING_REVIEW), *_me(u)]),
    ),
    Role.SUPERVISOR: (
        (gettext_lazy("红灯问题"), lambda u: [("light", Light.RED), ("state", State.RECTIFYING)]),
        (gettext_lazy("逾期未销号"), lambda u: [("todo", "overdue")]),
        (gettext_lazy("整改中"), lambda u: [("state", State.RECTIFYING)]),
    ),
}


def filtered_problems(user: Any, params: Params) -> QuerySet[Problem]:
    """Exactly what the problem list shows for ``params``."""
    base = Problem.objects.visible_to(user, Perm.VIEW)
    return ProblemFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW, "problems:list", lambda u, p: bounded_count(filtered_problems(u, p)))
