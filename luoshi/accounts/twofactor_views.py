"""Two-factor pages (双因素认证): the code page, the enrolment page, and the security admin's reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from luoshi.accounts import twofactor
from luoshi.accounts.views import _attempt, _visible_user, manage_users_required
from luoshi.core.middleware import client_ip


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=20,
        help_text=gettext_lazy("身份验证器应用显示的 6 位数字，或一个恢复码。"),
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    if not safe or not target.startswith("/") or target.startswith(("/accounts/login", "/accounts/2fa/")):
        return reverse("home")
    return target


def _verified(request: HttpRequest, device: Any) -> None:
    request.session.cycle_key()
    otp_login(request, device)


def _refused(request: HttpRequest, form: CodeForm, exc: twofactor.CodeRefused) -> HttpResponse | None:
    if not exc.locked:
        form.add_error("code", str(exc))
        return None
    logout(request)
    messages.error(request, str(exc))
    return redirect("accounts:login")


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """The code page after the password: a code of the authenticator app, or a recovery code."""
    user, target = request.user, _next(request)
    if not twofactor.requires_two_factor(user) or twofactor.is_verified(user):
        return redirect(target)
    if not twofactor.is_enrolled(user):
        return redirect(f"{reverse('accounts:two_factor_enrol')}?{urlencode({'next': target})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(user, form.cleaned_data["code"], client_ip(request))
        except twofactor.CodeRefused as exc:
            refused = _refused(request, form, exc)
            if refused is not None:
                return refused
        else:
            _verified(request, device)
            return redirect(target)
    context = {"form": form, "next": target, "demo_code": twofactor.demo_code(user)}
    return render(request, "accounts/two_factor.html", context)


@never_cache
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment, forced at the login of a user who needs two-factor login and has no app yet."""
    user, target = request.user, _next(request)
    if not twofactor.requires_two_factor(user):
        return redirect(target)
    if twofactor.is_enrolled(user):
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}")
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"], client_ip(request))
        except twofactor.CodeRefused as exc:
            refused = _refused(request, form, exc)
            if refused is not None:
                return refused
        else:
            _verified(request, confirmed)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": target})
    context = {
        "form": form,
        "next": target,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "issuer": twofactor.token_issuer(),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@require_POST
@manage_users_required
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    _attempt(
        request,
        lambda: twofactor.reset(request.user, account),
        _("双因素认证已重置，本人下次登录时须重新绑定身份验证器。"),
    )
    return redirect("accounts:user_detail", pk=account.pk)
