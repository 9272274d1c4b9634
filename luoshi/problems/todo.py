"""我的待办 of the campaign roles: what each one has to act on, counted like the problem list counts it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm, Role
from luoshi.core.pagination import COUNT_LIMIT, bounded_count
from luoshi.core.todo import TodoItem, TodoSection, link
from luoshi.orgs.models import Unit
from luoshi.problems.choices import Light, State
from luoshi.problems.filters import ProblemFilterSet
from luoshi.problems.models import Problem

Params = list[tuple[str, Any]]
Spec = tuple[Any, Callable[[Any], Params]]
Counter = Callable[[Any, Params], int]


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


def role_units(user: Any, role: str, view_perm: str) -> list[Unit | None]:
    """The units a role's items are narrowed to: none when the role reaches as far as the list does."""
    tops = scope.role_paths(user, role)
    if tops == scope.scope_paths(user, view_perm):
        return [None]
    return list(Unit.objects.filter(path__in=tops).order_by("path"))


def role_sections(
    user: Any, specs: dict[str, Sequence[Spec]], view_perm: str, list_name: str, count: Counter
) -> list[TodoSection]:
    """One section per role the user holds (and per unit when the role reaches less than the list)."""
    held = scope.roles(user)
    found = []
    for role, items in specs.items():
        if role not in held:
            continue
        for unit in role_units(user, role, view_perm):
            title = Role(role).label if unit is None else f"{Role(role).label} · {unit.name}"
            section = TodoSection(role, str(title))
            for label, params_of in items:
                params = params_of(user) + ([("unit", unit.pk)] if unit is not None else [])
                url = link(reverse(list_name), params)
                section.items.append(TodoItem(str(label), count(user, params), url, COUNT_LIMIT))
            found.append(section)
    return found


def filtered_problems(user: Any, params: Params) -> QuerySet[Problem]:
    """Exactly what the problem list shows for ``params``."""
    base = Problem.objects.visible_to(user, Perm.VIEW)
    return ProblemFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


def todo_sections(user: Any) -> list[TodoSection]:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        return []
    return role_sections(
        user, ROLE_ITEMS, Perm.VIEW, "problems:list", lambda u, p: bounded_count(filtered_problems(u, p))
    )
