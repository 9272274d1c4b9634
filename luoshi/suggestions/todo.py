"""我的待办 of suggestions: the office's suggestions to triage, refer and decide and its overdue referrals; the units'
suggestions to answer."""

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
from luoshi.suggestions import queries
from luoshi.suggestions.models import Suggestion

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: (
        (gettext_lazy("待研判的意见建议"), lambda u: [("todo", "to_triage")]),
        (gettext_lazy("待转办的意见建议"), lambda u: [("todo", "to_refer")]),
        (gettext_lazy("待采纳认定的意见建议"), lambda u: [("todo", "to_decide")]),
        (gettext_lazy("逾期未答复的转办建议"), lambda u: [("todo", "overdue")]),
    ),
    Role.LIAISON: ((gettext_lazy("待答复的意见建议"), lambda u: [("todo", "to_answer")]),),
    Role.LEADER: ((gettext_lazy("待答复的意见建议"), lambda u: [("todo", "to_answer")]),),
}


def filtered_suggestions(user: Any, params: Params) -> QuerySet[Suggestion]:
    """Exactly what the suggestion list shows for ``params``."""
    return queries.filtered(user, QueryDict(urlencode(params))).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.SUGGEST, "suggestions:index", lambda u, p: bounded_count(filtered_suggestions(u, p)))
