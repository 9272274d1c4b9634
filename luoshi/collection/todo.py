"""我的待办 of periodic collection: what to file, what was sent back, what to review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from luoshi.access.roles import Perm, Role
from luoshi.collection.filters import SubmissionFilterSet
from luoshi.collection.models import Submission
from luoshi.core.pagination import bounded_count
from luoshi.core.todo import Params, RoleTodos, Spec

ROLE_ITEMS: dict[str, Sequence[Spec]] = {
    Role.OFFICE: ((gettext_lazy("待审核的定期报送"), lambda u: [("todo", "to_review")]),),
    Role.LIAISON: (
        (gettext_lazy("待填报的定期报送"), lambda u: [("todo", "to_fill")]),
        (gettext_lazy("被退回的定期报送"), lambda u: [("todo", "returned")]),
    ),
}


def filtered_submissions(user: Any, params: Params) -> QuerySet[Submission]:
    """Exactly what 我的报送 shows for ``params``."""
    base = Submission.objects.visible_to(user, Perm.VIEW)
    return SubmissionFilterSet(QueryDict(urlencode(params)), queryset=base, user=user).qs


TODOS = RoleTodos(ROLE_ITEMS, Perm.VIEW, "collection:mine", lambda u, p: bounded_count(filtered_submissions(u, p)))
