from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from luoshi.accounts import services

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/", "/healthz", "/favicon.ico", "/public/", "/open311/")
TWO_FACTOR_PREFIX = "/accounts/2fa/"


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by an admin, or has expired, sees only the "修改密码" page until they change
    it; the API refuses them in its authentication (``luoshi.accounts.api_auth``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and services.password_change_due(user):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            second_factor = request.path.startswith(TWO_FACTOR_PREFIX)  # the second factor comes first
            if request.path not in allowed and not second_factor and not request.path.startswith(EXEMPT_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Until a user who needs two-factor login (``twofactor.requires_two_factor``) has passed it in this
    session, they reach only the two-factor pages, logout and the language switch. Runs after django-otp's
    OTPMiddleware and before the forced password change. The API checks the session in its authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from luoshi.accounts import twofactor

        path = request.path
        open_path = path.startswith((TWO_FACTOR_PREFIX, *EXEMPT_PREFIXES)) or path == reverse("accounts:logout")
        if not open_path and twofactor.needs_verification(request.user):
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': path})}")
        return self.get_response(request)
