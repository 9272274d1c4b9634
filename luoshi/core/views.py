from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from luoshi.access import scope
from luoshi.core import todo


def home(request: HttpRequest) -> HttpResponse:
    """我的待办: every role lands on the work it has to do; a user without a role is told so."""
    user = request.user
    if not scope.roles(user):
        return redirect("accounts:no_role")
    return render(request, "core/home.html", {"sections": todo.sections(user)})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico get the platform's icon."""
    return redirect(static("luoshi/favicon.svg"), permanent=True)
