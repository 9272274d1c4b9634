from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/", "/healthz", "/favicon.ico", "/public/", "/open311/")


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by an admin sees only the "修改密码" page until they change it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(EXEMPT_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)
