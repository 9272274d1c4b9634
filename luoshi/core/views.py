from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static

from luoshi.access import scope
from luoshi.access.roles import Perm


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    user = request.user
    if scope.has_perm_anywhere(user, Perm.VIEW):
        return redirect("problems:dashboard")
    if scope.has_perm_anywhere(user, Perm.MANAGE_USERS):
        return redirect("accounts:users")
    if scope.has_perm_anywhere(user, Perm.READ_AUDIT):
        return redirect("audit:list")
    return redirect("accounts:no_role")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico get the platform's icon."""
    return redirect(static("luoshi/favicon.svg"), permanent=True)
