"""我的待办 of livelihood projects: what each role has to act on, counted like the project list counts it."""

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
from luoshi.livelihood.choices import ProjectState
from luoshi.livelihood.filters import ProjectFilterSet
from luoshi.livelihood.models import LivelihoodProject
from luoshi.tracking.choices import Light

IN_PROGRESS: Params = [("state", ProjectState.IN_PROGRESS)]

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: (
        (gettext_lazy("红灯民生实事项目"), lambda u: [*IN_PROGRESS, ("light", Light.RED)]),
        (gettext_lazy("待满意度测评的项目"), lambda u: [("state", ProjectState.COMPLETED)]),
    ),
    Role.LIAISON: (
        (gettext_lazy("实施中的民生实事项目"), lambda u: IN_PROGRESS),
        (gettext_lazy("临期的民生实事项目"), lambda u: [*IN_PROGRESS, ("light", Light.YELLOW)]),
    ),
    Role.LEADER: ((gettext_lazy("逾期的民生实事项目"), lambda u: [*IN_PROGRESS, ("light", Light.RED)]),),
}


def filtered_projects(user: Any, params: Params) -> QuerySet[LivelihoodProject]:
    """Exactly what the project list shows for ``params``."""
    base = LivelihoodProject.objects.visible_to(user, Perm.VIEW)
    return ProjectFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW, "livelihood:list", lambda u, p: bounded_count(filtered_projects(u, p)))
