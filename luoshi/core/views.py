from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico get the platform's icon."""
    return redirect(static("luoshi/favicon.svg"), permanent=True)
