"""我的待办 of urging: urges waiting for the user's acknowledgement, and for the office the units under 督办."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core.pagination import COUNT_LIMIT, bounded_count
from luoshi.core.todo import TodoItem, TodoSection, link
from luoshi.urging import services

SHOWN_UNITS = 5


def todo_sections(user: Any) -> list[TodoSection]:
    found = []
    if scope.has_perm_anywhere(user, Perm.ACKNOWLEDGE_URGE):
        section = TodoSection("urged", _("催办督办"))
        count = bounded_count(services.to_acknowledge(user))
        url = link(reverse("urging:list"), [("show", "todo")])
        section.items.append(TodoItem(_("待签收的催办"), count, url, COUNT_LIMIT))
        found.append(section)
    if scope.has_perm_anywhere(user, Perm.URGE):
        section = TodoSection("supervised", _("督办单位（未签收督办件）"))
        units = services.supervised_units(user)
        url = reverse("urging:supervised")
        section.items += [TodoItem(row["unit"], row["count"], url) for row in units[:SHOWN_UNITS]]
        if not units:
            section.items.append(TodoItem(_("目前没有被督办的单位"), None, url))
        found.append(section)
    return found
