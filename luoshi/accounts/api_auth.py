"""The API's authentication: DRF's token and Django's session, with two more rules for every API view.

* A session counts only once its user has passed two-factor login where it is required (tokens for those roles
  are issued only after the second factor, ``luoshi.accounts.api``).
* An account that owes a password change (set by an admin, or expired) is refused with 403
  ``password_change_required``.

Kept apart from the API views: DRF imports authentication classes while it is still loading its views.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from luoshi.accounts import services, twofactor


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        services.require_current_password(user)
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        if twofactor.needs_verification(request._request.user):
            raise exceptions.AuthenticationFailed(_("请先在网页上完成双因素认证。"))
        services.require_current_password(found[0])
        return found


class VerifiedSessionScheme(SessionScheme):
    """The schema documents the session as the cookie it is."""

    target_class = "luoshi.accounts.api_auth.SessionAuthentication"
