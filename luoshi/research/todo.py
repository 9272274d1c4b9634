"""我的待办 of research: the plans the office reviews and converts, the units' plans sent back and to carry out."""

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
from luoshi.research.filters import PlanFilterSet
from luoshi.research.models import ResearchPlan

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: (
        (gettext_lazy("待审核的调研方案"), lambda u: [("todo", "to_review")]),
        (gettext_lazy("待转化的调研成果"), lambda u: [("todo", "to_convert")]),
    ),
    Role.LIAISON: (
        (gettext_lazy("被退回的调研方案"), lambda u: [("todo", "returned")]),
        (gettext_lazy("待开展的调研"), lambda u: [("todo", "to_carry_out")]),
    ),
    Role.LEADER: (
        (gettext_lazy("被退回的调研方案"), lambda u: [("todo", "returned")]),
        (gettext_lazy("待开展的调研"), lambda u: [("todo", "to_carry_out")]),
    ),
}


def filtered_plans(user: Any, params: Params) -> QuerySet[ResearchPlan]:
    """Exactly what the plan list shows for ``params``."""
    base = ResearchPlan.objects.visible_to(user, Perm.VIEW)
    return PlanFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW, "research:plans", lambda u, p: bounded_count(filtered_plans(u, p)))
