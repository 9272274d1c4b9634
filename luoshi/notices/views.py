"""The inbox (消息提醒): each user sees and marks only their own notifications; anyone else's id is 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import submitted
from luoshi.core.pagination import Paginator
from luoshi.notices import delivery, services
from luoshi.notices.forms import DeliveryFilterForm, PreferenceForm, UnitChannelForm
from luoshi.notices.models import NoticeKind, UnitChannel
from luoshi.orgs.models import Unit

PER_PAGE = 30
SHOW = (("unread", _("未读")), ("all", _("全部")))


def local_url(url: str) -> bool:
    """Only a path on this site ("/…", never "//host" or a scheme) is followed."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    show = request.GET.get("show", "unread")
    show = show if show in dict(SHOW) else "unread"
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    rows = services.inbox(user)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    if kind:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, ("-id",), PER_PAGE).page(request.GET)
    context = {"page": page, "show": show, "kind": kind, "shows": SHOW, "kinds": NoticeKind.choices}
    return render(request, "notices/inbox.html", context)


@login_required
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    user = actor(request)
    notice = services.inbox(user).filter(pk=pk).only("url", "read_at").first()
    if notice is None:
        raise Http404
    services.mark_read(user, [notice.pk])
    return redirect(notice.url if local_url(notice.url) else "notices:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponseRedirect:
    services.mark_all_read(actor(request))
    return redirect("notices:inbox")


# --- 消息设置: one's own channels ---------------------------------------------------------------------


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    pref = services.preferences_of(user)
    initial = {"email": pref.email, "sms": pref.sms, "digest": pref.digest}
    form = PreferenceForm(request.POST or None, initial=initial)
    saved, status = submitted(
        request,
        form,
        lambda: services.set_preferences(
            user,
            email=form.cleaned_data["email"],
            sms=form.cleaned_data["sms"],
            digest=form.cleaned_data["digest"],
            phone=form.phone_value(),
        ),
    )
    if saved is not None:
        messages.success(request, _("消息设置已保存。"))
        return redirect("notices:preferences")
    context = {
        "form": form,
        "pref": pref,
        "has_email": bool(user.email),
        "email_on": delivery.email_on(),
        "sms_on": delivery.sms_on(),
        "quiet_hours": settings.LUOSHI_NOTICE_QUIET_HOURS,
    }
    return render(request, "notices/preferences.html", context, status=status)


# --- 单位群机器人 and 送达记录: the office over the units ---------------------------------------------------


def _require_office(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_ORGS):
        raise NotAllowed(_("您无权管理消息渠道。"))


def _unit_in_scope(user: Any, code: str) -> Unit | None:
    return Unit.objects.filter(scope.visible_q(user, Perm.MANAGE_ORGS, "path"), code=code.strip()).first()


def _save_robot(request: HttpRequest, form: UnitChannelForm, robot: UnitChannel | None) -> UnitChannel:
    user = actor(request)
    data = form.cleaned_data
    unit = _unit_in_scope(user, data["unit_code"])
    if unit is None:
        raise RuleViolation(str(_("未找到该单位，或不在您的管理范围内。")))
    secret = data["secret"] or (robot.secret if robot is not None else "")
    return services.save_unit_channel(
        user,
        unit=unit,
        kind=data["kind"],
        webhook_url=data["webhook_url"],
        secret=secret,
        active=data["active"],
        channel=robot,
    )


@login_required
def unit_channels(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    _require_office(user)
    form = UnitChannelForm(request.POST or None, initial={"active": True})
    saved, status = submitted(request, form, lambda: _save_robot(request, form, None))
    if saved is not None:
        messages.success(request, _("群机器人已保存。"))
        return redirect("notices:unit_channels")
    rows = services.unit_channels(user).order_by("org_path", "kind", "id")[:500]
    context = {"form": form, "robots": rows, "groups_on": delivery.groups_on()}
    return render(request, "notices/unit_channels.html", context, status=status)


@login_required
def unit_channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    robot = services.unit_channels(user).filter(pk=pk).first()
    if robot is None:
        raise Http404
    initial = {"unit_code": robot.unit.code, "kind": robot.kind, "webhook_url": robot.webhook_url}
    form = UnitChannelForm(request.POST or None, initial={**initial, "active": robot.active})
    saved, status = submitted(request, form, lambda: _save_robot(request, form, robot))
    if saved is not None:
        messages.success(request, _("群机器人已保存。"))
        return redirect("notices:unit_channels")
    return render(request, "notices/unit_channel_edit.html", {"form": form, "robot": robot}, status=status)


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    _require_office(user)
    form = DeliveryFilterForm(request.GET or None)
    rows = services.deliveries(user)
    if form.is_valid():
        if form.cleaned_data["channel"]:
            rows = rows.filter(channel=form.cleaned_data["channel"])
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
    page = Paginator(rows, ("-id",), PER_PAGE).page(request.GET)
    return render(request, "notices/deliveries.html", {"form": form, "page": page})
