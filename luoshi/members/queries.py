"""Scoped reads of the member register: what a user sees (VIEW over the member's unit) and may manage."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import get_visible_or_404
from luoshi.core.errors import RuleViolation
from luoshi.core.filters import refused_filters
from luoshi.members.filters import MemberFilterSet
from luoshi.members.models import Member
from luoshi.members.services import member_of


def visible(user: Any) -> Any:
    return Member.objects.visible_to(user, Perm.VIEW).select_related("unit", "home_unit", "current_unit")


def member_for(user: Any, pk: int) -> Member:
    """A member the user sees, or 404 (out of scope and missing look the same)."""
    return get_visible_or_404(visible(user), user, Perm.VIEW, pk=pk)


def manages(user: Any, member: Member) -> bool:
    return scope.can(user, Perm.MANAGE_MEMBERS, member.org_path)


def can_manage_any(user: Any) -> bool:
    return scope.has_perm_anywhere(user, Perm.MANAGE_MEMBERS)


def filtered(user: Any, params: QueryDict) -> Any:
    """The members the user sees with the list's filters; refused filters raise ``RuleViolation`` (exports)."""
    filterset = MemberFilterSet(params, queryset=visible(user), user=user)
    if not filterset.is_valid():
        raise RuleViolation(refused_filters(filterset))
    return filterset.qs


def own_member(user: Any) -> Member | None:
    """The member the signed-in user is on the register as."""
    return member_of(user)
