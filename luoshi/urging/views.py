"""Urging pages: urge selected items, the urges to acknowledge and sent, one urge, and the 督办 board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import submitted
from luoshi.core.pagination import Paginator
from luoshi.notices.views import local_url
from luoshi.urging import services
from luoshi.urging.forms import AcknowledgeForm, UrgeForm
from luoshi.urging.models import Urge, UrgeLevel
from luoshi.urging.registry import spec_for

PER_PAGE = 30
SHOW = (("todo", gettext_lazy("待签收")), ("all", gettext_lazy("全部")))


def _ids(values: list[str]) -> list[int]:
    ids = [parse_id(v) for raw in values for v in raw.split(",") if v.strip()]
    if any(i is None for i in ids):
        raise Http404(_("参数无效。"))
    return [i for i in ids if i is not None]


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if local_url(wanted) else ""


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    services.require_urger(user)
    label = request.GET.get("type", "") or request.POST.get("type", "")
    spec = spec_for(label) if label else None
    if spec is None:
        raise Http404(_("这类事项不能催办。"))
    items = services.load(user, label, _ids(request.GET.getlist("ids") + request.POST.getlist("ids")))
    if not items:
        raise Http404(_("没有找到可催办的事项。"))
    ids = [item.pk for item in items]
    form = UrgeForm(request.POST or None, initial={"level": services.next_level(label, ids)})
    data = form.cleaned_data if request.method == "POST" and form.is_valid() else {}
    made, status = submitted(
        request, form, lambda: services.urge(user, items, message=data["message"], level=data["level"])
    )
    if made:
        messages.success(request, _("已{level} {n} 项。").format(level=made[0].get_level_display(), n=len(made)))
        return redirect(_next(request) or "urging:list")
    counts = services.counts(label, ids)
    rows = [(spec.title(item), spec.url(item), spec.is_open(item), counts.get(item.pk, 0)) for item in items]
    context = {"form": form, "rows": rows, "type": label, "ids": ids, "next": _next(request)}
    return render(request, "urging/new.html", context, status=status)


@login_required
@require_GET
def urge_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    services.require_reader(user)
    show = request.GET.get("show", "todo")
    show = show if show in dict(SHOW) else "todo"
    level = request.GET.get("level", "")
    level = level if level in UrgeLevel.values else ""
    rows = services.to_acknowledge(user) if show == "todo" else services.visible(user)
    if level:
        rows = rows.filter(level=level)
    label, item = request.GET.get("type", ""), parse_id(request.GET.get("id", ""))
    if spec_for(label) is not None and item is not None:
        rows = rows.filter(object_type=label, object_id=item)
    page = Paginator(rows.select_related("unit", "created_by"), ("-id",), PER_PAGE).page(request.GET)
    context = {"page": page, "show": show, "shows": SHOW, "level": level, "levels": UrgeLevel.choices}
    context["can_urge"] = scope.has_perm_anywhere(user, Perm.URGE)
    return render(request, "urging/list.html", context)


def _visible_urge(request: HttpRequest, pk: int) -> Urge:
    services.require_reader(actor(request))
    found = (
        services.visible(actor(request)).select_related("unit", "created_by", "acknowledged_by").filter(pk=pk).first()
    )
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    urge = _visible_urge(request, pk)
    can_ack = not urge.is_acknowledged and scope.can(actor(request), Perm.ACKNOWLEDGE_URGE, urge.org_path)
    context = {"urge": urge, "form": AcknowledgeForm(), "can_ack": can_ack}
    return render(request, "urging/detail.html", context)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    urge = _visible_urge(request, pk)
    form = AcknowledgeForm(request.POST)
    reply = form.cleaned_data["reply"] if form.is_valid() else ""
    try:
        services.acknowledge(actor(request), urge, reply)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已签收。"))
    return redirect("urging:detail", pk=urge.pk)


@login_required
@require_GET
def supervised(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    services.require_urger(user)
    return render(request, "urging/supervised.html", {"units": services.supervised_units(user)})
