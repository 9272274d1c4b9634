"""我的待办 of the security admin: accounts waiting for them, counted like the account list counts them."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm, Role
from luoshi.accounts.forms import UserSearchForm
from luoshi.accounts.services import visible_users
from luoshi.core.pagination import COUNT_LIMIT, bounded_count
from luoshi.core.todo import TodoItem, TodoSection, link

STATUSES = ("locked", "must_change")


def todo_sections(user: Any) -> list[TodoSection]:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_USERS):
        return []
    section = TodoSection(Role.SECURITY_ADMIN, str(Role.SECURITY_ADMIN.label))
    labels = {"locked": _("已锁定的账号"), "must_change": _("待修改初始密码的账号")}
    for status in STATUSES:
        users = UserSearchForm(QueryDict(f"status={status}")).filter(visible_users(user))
        url = link(reverse("accounts:users"), [("status", status)])
        section.items.append(TodoItem(labels[status], bounded_count(users), url, COUNT_LIMIT))
    section.items.append(TodoItem(_("新建账号"), None, reverse("accounts:user_create")))
    return [section]
