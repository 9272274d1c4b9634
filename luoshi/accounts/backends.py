"""Authentication that honours the login lockout everywhere (login page, API token endpoint, ...)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from luoshi.accounts import services


class LockoutModelBackend(ModelBackend):
    """Django's model backend, except that a locked account cannot log in even with the right password,
    and an address with too many recent failures is refused (``services.LoginThrottled``) before any check."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        services.check_login_address(request, username)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and getattr(user, "is_locked", False):
            return None
        return user
