"""The scope layer applied to the API: viewsets find only what the user may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from luoshi.access import scope
from luoshi.core.api import IdLookupMixin


class HoldsViewPerm(permissions.BasePermission):
    """Campaign data is for roles that view it anywhere: the security admin and the auditor get 403 (三权分立)."""

    message = _("您无权查看业务数据。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return scope.has_perm_anywhere(request.user, getattr(view, "view_perm", "view"))


class ScopedViewSetMixin(IdLookupMixin):
    """Applies the scope layer to a viewset: nothing outside the user's subtree is ever found (404), and a
    user who views campaign data nowhere is refused outright (403)."""

    view_perm: str = "view"
    request: Any

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [*super().get_permissions(), HoldsViewPerm()]  # type: ignore[misc]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        return queryset.visible_to(self.request.user, self.view_perm)
