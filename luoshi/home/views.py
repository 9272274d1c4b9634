from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from luoshi.access import scope
from luoshi.home import todo


def home(request: HttpRequest) -> HttpResponse:
    """我的待办: every role lands on the work it has to do; a user without a role is told so."""
    user = request.user
    if not scope.roles(user):
        return redirect("accounts:no_role")
    return render(request, "home/home.html", {"sections": todo.sections(user)})
