"""The signed-in user a page or API call acts as, typed as the user model for the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from luoshi.accounts.models import User


def actor(request: Any) -> User:
    """``request.user`` once sign-in is required (pages by middleware, the API by its permission class)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
