from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from luoshi.core import context

PUBLIC_PREFIXES = (
    "/accounts/login",
    "/static/",
    "/i18n/",
    "/api/",
    "/healthz",
    "/favicon.ico",
    "/public/",
    "/open311/",
)


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives every request an id and remembers who is asking, for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = context.RequestContext(
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:64] or context.new_request_id(),
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        )
        token = context.set_current(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class LoginRequiredMiddleware:
    """Pages need a login; the API answers 401/403 itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers are never kept by browsers or proxies: they carry scoped and personal data.

    Static files (served before this by WhiteNoise, with their own long cache headers) are not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class NulCharacterMiddleware:
    """A page asked with a NUL character in its query or form data is a 400 before any view sees it.

    PostgreSQL text cannot hold NUL, and views read search terms straight from the query. The API checks its own
    input (DRF's fields refuse NUL) and answers as its schema says, so it is left to itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and _carries_nul(request):
            return render(request, "400.html", {"reason": _("请求中含有无效字符（NUL），请检查后重试。")}, status=400)
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    fields = [request.GET] + ([request.POST] if request.method == "POST" else [])
    return any("\x00" in key or "\x00" in value for data in fields for key, values in data.lists() for value in values)
