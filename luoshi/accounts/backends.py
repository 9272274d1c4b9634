"""Authentication that honours the login limits everywhere (login page, API token endpoint, ...)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from luoshi.accounts import services


class LockoutModelBackend(ModelBackend):
    """Django's model backend, except that each attempt is first counted, atomically, against the client address
    and the account (``services.begin_password_check``): an address with too many recent failures is refused
    (``services.LoginThrottled``), and the password of an unknown, deactivated or locked account, or of one whose
    last allowed attempts are under way, is not checked at all. A locked account's sessions do not authenticate."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        username = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = services.begin_password_check(request, str(username))
        if not attempt.allowed:
            get_user_model()().set_password(password)  # the same work as a check: the answer time tells nothing
            services.finish_password_check(attempt, right=False)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        services.finish_password_check(attempt, right=user is not None)
        return user

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return None if user is not None and getattr(user, "is_locked", False) else user
