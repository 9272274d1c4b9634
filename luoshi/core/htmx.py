"""HTMX requests: a list page answers only its results block when its filter form asks for it."""

from __future__ import annotations

from django.http import HttpRequest


def swaps(request: HttpRequest, target: str) -> bool:
    """Whether this is an HTMX request that swaps the element ``#target`` (a history restore wants the page)."""
    if not request.headers.get("HX-Request") or request.headers.get("HX-History-Restore-Request"):
        return False
    return request.headers.get("HX-Target") == target
