"""Pages of the four lists (四张清单): a unit's lists in a campaign, their workbook, and the plain items' forms.
Views validate and call ``services``; what is shown comes from ``queries``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import parse_id
from luoshi.core.forms import submitted
from luoshi.fourlists import exports, queries, services
from luoshi.fourlists.choices import ListKind
from luoshi.fourlists.forms import EditItemForm, ItemForm
from luoshi.fourlists.models import ListItem
from luoshi.orgs.models import Unit
from luoshi.problems.models import Measure
from luoshi.tasks.models import Task


def _campaigns(user: Any) -> list[Campaign]:
    return list(visible_campaigns(user, Perm.VIEW).order_by("-is_active", "-starts_on", "id"))


def chosen_unit(request: HttpRequest, user: Any) -> Unit:
    """The unit ``?unit=`` names among those the user sees (400 for no id, 404 out of scope), else their top unit."""
    raw = request.GET.get("unit", "").strip()
    if not raw:
        unit = queries.default_unit(user)
        if unit is None:
            raise NotAllowed(_("您没有可查看的单位。"))
        return unit
    wanted = parse_id(raw)
    if wanted is None:
        raise BadRequest(_("参数无效。"))
    return scope.get_visible_or_404(Unit.objects.all(), user, Perm.VIEW, pk=wanted)


def chosen(request: HttpRequest, user: Any) -> tuple[list[Campaign], Campaign, Unit]:
    """The campaigns the user sees, the one picked and the unit picked; none to see is a 403."""
    campaigns = _campaigns(user)
    campaign = chosen_campaign(request, campaigns)
    if campaign is None:
        raise NotAllowed(_("您没有可查看的活动。"))
    return campaigns, campaign, chosen_unit(request, user)


def _page_url(campaign: Campaign, unit: Unit) -> str:
    return "/fourlists/?" + urlencode({"campaign": campaign.pk, "unit": unit.pk})


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """四张清单 of a unit in a campaign."""
    user = actor(request)
    campaigns, campaign, unit = chosen(request, user)
    above, below = queries.neighbours(user, unit)
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "keep_unit": unit,
        "unit": unit,
        "above": above,
        "below": below,
        "lists": queries.assemble(user, campaign, unit),
        "can_keep": services.can_keep(user, unit) and campaign.is_active,
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "limit": queries.PAGE_LIMIT,
        "plain_kinds": (ListKind.STUDY, ListKind.INNOVATION),
    }
    return render(request, "fourlists/page.html", context)


@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """The unit's four lists as one workbook with four sheets."""
    user = actor(request)
    _campaigns_seen, campaign, unit = chosen(request, user)
    if not scope.can(user, Perm.EXPORT, unit.path):
        raise NotAllowed(_("您无权导出。"))
    content = exports.workbook(user, queries.assemble(user, campaign, unit, limit=None))
    name = _("{unit}-四张清单-{date}.xlsx").format(unit=unit.name, date=f"{timezone.localdate():%Y%m%d}")
    return download(content, name)


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "fourlists/form.html", {"form": form, "title": title, "back": back, **extra}, status=status)


@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    """添加清单事项 to the study or innovation list of the unit."""
    user = actor(request)
    _campaigns_seen, campaign, unit = chosen(request, user)
    services.require_keeper(user, unit)
    kind = request.GET.get("kind", ListKind.STUDY)
    form = ItemForm(request.POST or None, initial={"kind": kind if kind in ListKind.values else ListKind.STUDY})

    def create() -> ListItem:
        return services.add_item(user, campaign=campaign, unit=unit, **form.cleaned_data)

    item, status = submitted(request, form, create)
    back = _page_url(campaign, unit)
    if item is not None:
        messages.success(
            request, _("事项「%(title)s」已加入%(list)s。") % {"title": item.title, "list": item.get_kind_display()}
        )
        return redirect(back)
    return _form_page(request, form, _("添加清单事项"), back, status, campaign=campaign, unit=unit)


def load_item(user: Any, pk: int) -> ListItem:
    return scope.get_visible_or_404(ListItem.objects.select_related("campaign", "unit"), user, Perm.VIEW, pk=pk)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改清单事项 (shown read-only to those who see it but do not keep the unit's lists)."""
    user = actor(request)
    item = load_item(user, pk)
    back = _page_url(item.campaign, item.unit)
    can_keep = services.can_keep(user, item.unit)
    if request.method == "POST" and not can_keep:
        raise NotAllowed(_(services.NO_RIGHT))
    initial = {"title": item.title, "owner": item.owner, "due_date": item.due_date, "status": item.status}
    form = EditItemForm(request.POST or None, initial=initial)
    saved, status = submitted(request, form, lambda: services.edit_item(user, item, **form.cleaned_data))
    if saved is not None:
        messages.success(request, _("事项已保存。"))
        return redirect(back)
    context = {"item": item, "campaign": item.campaign, "unit": item.unit, "can_keep": can_keep}
    return _form_page(request, form, _("修改清单事项"), back, status, **context)


@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    item = load_item(user, pk)
    back = _page_url(item.campaign, item.unit)
    services.delete_item(user, item)
    messages.success(request, _("事项「%(title)s」已删除。") % {"title": item.title})
    return redirect(back)


def _flag(request: HttpRequest) -> bool:
    value = request.POST.get("innovation", "")
    if value not in ("0", "1"):
        raise BadRequest(_("参数无效。"))
    return value == "1"


def _back(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    return wanted if wanted.startswith("/") and not wanted.startswith("//") and "\x00" not in wanted else default


@require_POST
def mark_task(request: HttpRequest, pk: int) -> HttpResponse:
    """标记/取消创新举措 on a key task."""
    user = actor(request)
    task = scope.get_visible_or_404(Task.objects.all(), user, Perm.VIEW, pk=pk)
    if not scope.can(user, Perm.MANAGE_TASKS, task.org_path):
        raise Http404(_("未找到或无权查看。"))
    marked = services.mark_task(user, task, _flag(request))
    messages.success(request, _("已标记为创新举措。") if marked.is_innovation else _("已取消创新举措标记。"))
    return redirect(_back(request, f"/tasks/{task.pk}/"))


@require_POST
def mark_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """标记/取消创新举措 on a rectification measure."""
    user = actor(request)
    measure = scope.get_visible_or_404(Measure.objects.all(), user, Perm.VIEW, pk=pk)
    if not scope.can(user, Perm.MANAGE_MEASURES, measure.org_path):
        raise Http404(_("未找到或无权查看。"))
    marked = services.mark_measure(user, measure, _flag(request))
    messages.success(request, _("已标记为创新举措。") if marked.is_innovation else _("已取消创新举措标记。"))
    return redirect(_back(request, f"/problems/{measure.problem_id}/"))
