"""我的待办: the home page of every role, gathered from the apps.

Problems, key tasks, livelihood projects, demands and research plans declare their items per role (``RoleTodos``),
counted like their lists count them; accounts and audit give whole sections. Each item carries a label,
a count and the link of the filtered list that shows exactly those items.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from luoshi.access import scope
from luoshi.access.roles import Role
from luoshi.accounts import todo as account_todo
from luoshi.audit import todo as audit_todo
from luoshi.collection import todo as collection_todo
from luoshi.core.pagination import COUNT_LIMIT
from luoshi.core.todo import RoleTodos, TodoItem, TodoSection, link
from luoshi.demands import todo as demand_todo
from luoshi.livelihood import todo as livelihood_todo
from luoshi.orgs.models import Unit
from luoshi.problems import todo as problem_todo
from luoshi.research import todo as research_todo
from luoshi.suggestions import todo as suggestion_todo
from luoshi.tasks import todo as task_todo
from luoshi.urging import todo as urging_todo

__all__ = ["TodoItem", "TodoSection", "role_sections", "role_units", "sections"]


def role_units(user: Any, role: str, view_perm: str) -> list[Unit | None]:
    """The units a role's items are narrowed to: none when the role reaches as far as the list does."""
    tops = scope.role_paths(user, role)
    if tops == scope.scope_paths(user, view_perm):
        return [None]
    return list(Unit.objects.filter(path__in=tops).order_by("path"))


def role_sections(user: Any, todos: RoleTodos) -> list[TodoSection]:
    """One section per role the user holds (and per unit when the role reaches less than the list)."""
    if not scope.has_perm_anywhere(user, todos.view_perm):
        return []
    held = scope.roles(user)
    found = []
    for role, items in todos.items.items():
        if role not in held:
            continue
        for unit in role_units(user, role, todos.view_perm):
            title = Role(role).label if unit is None else f"{Role(role).label} · {unit.name}"
            section = TodoSection(role, str(title))
            for label, params_of in items:
                params = params_of(user) + ([("unit", unit.pk)] if unit is not None else [])
                url = link(reverse(todos.list_name), params)
                section.items.append(TodoItem(str(label), todos.count(user, params), url, COUNT_LIMIT))
            found.append(section)
    return found


def sections(user: Any) -> list[TodoSection]:
    return [
        *role_sections(user, problem_todo.TODOS),
        *role_sections(user, task_todo.TODOS),
        *role_sections(user, collection_todo.TODOS),
        *role_sections(user, livelihood_todo.TODOS),
        *role_sections(user, demand_todo.TODOS),
        *role_sections(user, research_todo.TODOS),
        *role_sections(user, suggestion_todo.TODOS),
        *urging_todo.todo_sections(user),
        *account_todo.todo_sections(user),
        *audit_todo.todo_sections(user),
    ]
