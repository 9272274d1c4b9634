"""The inbox (消息提醒): each user sees and marks only their own notifications; anyone else's id is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.accounts.acting import actor
from luoshi.core.pagination import Paginator
from luoshi.notices import services
from luoshi.notices.models import NoticeKind

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
