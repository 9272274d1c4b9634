from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

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
