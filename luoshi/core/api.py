"""API helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from luoshi.access import scope
from luoshi.core.errors import Conflict, RuleViolation


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RuleViolation):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, ctx)


class HoldsViewPerm(permissions.BasePermission):
    """Campaign data is for roles that view it anywhere: the security admin and the auditor get 403 (三权分立)."""

    message = _("您无权查看业务数据。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return scope.has_perm_anywhere(request.user, getattr(view, "view_perm", "view"))


class ScopedViewSetMixin:
    """Applies the scope layer to a viewset: nothing outside the user's subtree is ever found (404), and a
    user who views campaign data nowhere is refused outright (403)."""

    view_perm: str = "view"
    request: Any

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [*super().get_permissions(), HoldsViewPerm()]  # type: ignore[misc]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        return queryset.visible_to(self.request.user, self.view_perm)
