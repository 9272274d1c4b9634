"""我的待办 of the auditor: today's failed logins and the log itself, counted like the audit list filters them."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access.roles import Role
from luoshi.audit.filters import AuditEventFilterSet
from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.views import can_read_audit
from luoshi.core.pagination import COUNT_LIMIT, bounded_count
from luoshi.core.todo import TodoItem, TodoSection, link


def todo_sections(user: Any) -> list[TodoSection]:
    if not can_read_audit(user):
        return []
    params = [("action", Action.LOGIN_FAILED), ("date_from", timezone.localdate().isoformat())]
    failed = AuditEventFilterSet(QueryDict(link("", params).lstrip("?")), queryset=AuditEvent.objects.all()).qs
    url = link(reverse("audit:list"), params)
    section = TodoSection(Role.AUDITOR, str(Role.AUDITOR.label))
    section.items.append(TodoItem(_("今日登录失败"), bounded_count(failed), url, COUNT_LIMIT))
    section.items.append(TodoItem(_("审计日志与完整性校验"), None, reverse("audit:list")))
    return [section]
