"""Pages of sign-in by scan: the organiser's 签到码 page (a QR code that rotates every minute) and the member's
phone page behind the code (no login: member number and an SMS code, or one tap for a linked login).

Every POST carries Django's CSRF token and the scanned code, checked again each time; the phone page is
rate-limited per client IP and never says whether a member number exists before the SMS code proves it.
"""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts import twofactor
from luoshi.accounts.acting import actor
from luoshi.core import public
from luoshi.members.models import Member
from luoshi.members.services import member_by_number, member_of
from luoshi.notices.channels import sms_provider
from luoshi.study import signin
from luoshi.study.models import StudySession

RATE_LIMITS: dict[str, tuple[int, int]] = {"study_signin": (1200, 3600), "study_signin_sms": (300, 3600)}
REFUSED = 400


class NumberForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("党员（干部）编号"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "off"}),
    )


class SmsCodeForm(forms.Form):
    number = forms.CharField(max_length=30, widget=forms.HiddenInput)
    sms_code = forms.RegexField(
        label=gettext_lazy("短信验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("请输入 6 位数字验证码。")},
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


def _limited(request: HttpRequest, bucket: str) -> bool:
    return public.rate_limited(request, bucket, RATE_LIMITS[bucket])


def _linked_member(request: HttpRequest) -> Member | None:
    """The member of a logged-in user (past their second factor, if they need one)."""
    user = request.user
    if not user.is_authenticated or twofactor.needs_verification(user):
        return None
    return member_of(user)


def _session(pk: int) -> StudySession:
    session = StudySession.objects.select_related("study_class", "group").filter(pk=pk).first()
    if session is None:
        raise Http404(_("未找到该场次。"))
    return session


def _page(request: HttpRequest, session: StudySession, code: str, status: int = 200, **extra: Any) -> HttpResponse:
    here = f"{request.path}?{urlencode({'c': code})}"
    context = {
        "session": session,
        "code": code,
        "linked": _linked_member(request),
        "sms_on": sms_provider() is not None,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
        **extra,
    }
    context.setdefault("form", NumberForm())
    return render(request, "study/signin_phone.html", context, status=status)


def _refused(request: HttpRequest, message: str, status: int = REFUSED) -> HttpResponse:
    return render(request, "study/signin_refused.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def phone_page(request: HttpRequest, session_pk: int) -> HttpResponse:
    """签到 on the member's phone: GET shows the form of a live code; POST sends, verifies or taps."""
    source = request.POST if request.method == "POST" else request.GET
    code = str(source.get("c", ""))[:40]
    if request.method == "POST":
        if public.body_too_large(request):
            return _refused(request, _("提交的内容过长。"), 413)
        if _limited(request, "study_signin"):
            return _refused(request, _("操作过于频繁，请稍后再试。"), 429)
    session = _session(session_pk)
    if not signin.check_code(session, code):
        return _refused(request, signin.expired_message())
    if request.method != "POST":
        return _page(request, session, code)
    step = request.POST.get("step", "")
    if step == "send":
        return _send(request, session, code)
    if step == "verify":
        return _verify(request, session, code)
    if step == "tap":
        member = _linked_member(request)
        if member is None:
            return _page(request, session, code, REFUSED, error=_("请先登录与名册关联的账号。"))
        return _sign_in(request, session, code, member)
    return _page(request, session, code, REFUSED)


def _send(request: HttpRequest, session: StudySession, code: str) -> HttpResponse:
    form = NumberForm(request.POST)
    if not form.is_valid():
        return _page(request, session, code, REFUSED, form=form)
    if sms_provider() is None:
        return _page(request, session, code, REFUSED, error=_("短信服务未开通，请登录后签到。"))
    if _limited(request, "study_signin_sms"):
        return _refused(request, _("操作过于频繁，请稍后再试。"), 429)
    member = member_by_number(form.cleaned_data["number"])
    if member is not None:
        try:
            signin.send_challenge(session, member)
        except signin.SmsUnavailable as exc:
            return _page(request, session, code, REFUSED, error=str(exc))
    sms_form = SmsCodeForm(initial={"number": form.cleaned_data["number"]})
    notice = _("如编号正确，验证码已发送至登记手机，5 分钟内有效。")
    return _page(request, session, code, sms_form=sms_form, notice=notice)


def _verify(request: HttpRequest, session: StudySession, code: str) -> HttpResponse:
    sms_form = SmsCodeForm(request.POST)
    if not sms_form.is_valid():
        return _page(request, session, code, REFUSED, sms_form=sms_form)
    member = member_by_number(sms_form.cleaned_data["number"])
    if member is None or not signin.verify_challenge(session, member, sms_form.cleaned_data["sms_code"]):
        error = _("验证码不正确或已失效，请重新获取。")
        fresh = SmsCodeForm(initial={"number": sms_form.cleaned_data["number"]})
        return _page(request, session, code, REFUSED, sms_form=fresh, error=error)
    return _sign_in(request, session, code, member)


def _sign_in(request: HttpRequest, session: StudySession, code: str, member: Member) -> HttpResponse:
    try:
        result = signin.scan_sign_in(session, code, member)
    except signin.SignInRefused as exc:
        return _refused(request, str(exc))
    context = {"session": session, "result": result, "member": member}
    return render(request, "study/signin_done.html", context)


# --- the organiser's 签到码 page ---------------------------------------------------------------------------------


def _organised(request: HttpRequest, pk: int) -> StudySession:
    related = StudySession.objects.select_related("study_class", "group", "campaign")
    return scope.get_visible_or_404(related, actor(request), Perm.ORGANISE_STUDY, pk=pk)


def _qr_context(request: HttpRequest, session: StudySession) -> dict[str, Any]:
    url = request.build_absolute_uri(signin.sign_in_url(session))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return {
        "session": session,
        "qr_svg": image.to_string(encoding="unicode"),
        "url": url,
        "signed_in": signin.signed_in_count(session),
        "expected": signin.expected_count(session),
    }


@require_GET
def code_page(request: HttpRequest, pk: int) -> HttpResponse:
    """签到码: the QR code to show at the session, refreshed every 20 seconds, with the counts."""
    session = _organised(request, pk)
    return render(request, "study/signin_code.html", _qr_context(request, session))


@require_GET
def code_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code and counts alone, for the page's HTMX refresh."""
    session = _organised(request, pk)
    return render(request, "study/signin_code_panel.html", _qr_context(request, session))
