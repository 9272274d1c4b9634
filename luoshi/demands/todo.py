"""我的待办 of dispatchers and handlers: their tickets by what is to be done, counted like the demand list."""

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
from luoshi.demands.choices import DemandState
from luoshi.demands.filters import DemandFilterSet
from luoshi.demands.models import Demand
from luoshi.demands.queries import visible_demands

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.DISPATCHER: (
        (gettext_lazy("待派单"), lambda u: [("state", DemandState.RECEIVED)]),
        (gettext_lazy("被退单"), lambda u: [("todo", "returned")]),
        (gettext_lazy("待审批延期"), lambda u: [("todo", "extension")]),
        (gettext_lazy("待回访"), lambda u: [("state", DemandState.FINISHED)]),
        (gettext_lazy("即将超时"), lambda u: [("todo", "due_soon")]),
        (gettext_lazy("已超时未办结"), lambda u: [("todo", "overdue")]),
    ),
    Role.HANDLER: (
        (gettext_lazy("待签收"), lambda u: [("state", DemandState.DISPATCHED)]),
        (gettext_lazy("办理中"), lambda u: [("state", DemandState.SIGNED), ("state", DemandState.RESPONDED)]),
        (gettext_lazy("重办"), lambda u: [("todo", "redone")]),
        (gettext_lazy("即将超时"), lambda u: [("todo", "due_soon")]),
        (gettext_lazy("已超时未办结"), lambda u: [("todo", "overdue")]),
    ),
}


def filtered_demands(user: Any, params: Params) -> QuerySet[Demand]:
    """Exactly what the demand list shows for ``params``."""
    return DemandFilterSet(QueryDict(urlencode(params)), queryset=visible_demands(user), user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW_DEMANDS, "demands:list", lambda u, p: bounded_count(filtered_demands(u, p)))
