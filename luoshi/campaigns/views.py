"""Campaign set-up pages (活动设置): list, detail, create, edit, and the lists of phases, channels and aspects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns import services
from luoshi.campaigns.forms import CampaignCreateForm, CampaignEditForm, ItemForm, PhaseForm
from luoshi.campaigns.models import Aspect, Campaign, Channel, Phase
from luoshi.campaigns.queries import get_visible_campaign_or_404, visible_campaigns
from luoshi.core.errors import NotAllowed, RuleViolation

ITEM_KINDS: dict[str, type[Channel] | type[Aspect] | type[Phase]] = {
    "channels": Channel,
    "aspects": Aspect,
    "phases": Phase,
}


def campaign_list(request: HttpRequest) -> HttpResponse:
    if not scope.has_perm_anywhere(request.user, Perm.VIEW):
        raise NotAllowed(gettext("您没有查看活动的权限。"))
    campaigns = visible_campaigns(request.user).annotate(
        channel_count=Count("channels", distinct=True), aspect_count=Count("aspects", distinct=True)
    )
    can_create = scope.has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGN)
    return render(request, "campaigns/list.html", {"campaigns": campaigns, "can_create": can_create})


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_visible_campaign_or_404(request.user, pk)
    context = {
        "campaign": campaign,
        "can_manage": services.can_manage(request.user, campaign),
        "sections": [
            (
                "phases",
                pgettext_lazy("campaign setup list", "阶段"),
                campaign.phases.all(),
                services.ITEM_LABELS[Phase],
            ),
            ("channels", _("问题来源"), campaign.channels.all(), services.ITEM_LABELS[Channel]),
            ("aspects", _("问题方面"), campaign.aspects.all(), services.ITEM_LABELS[Aspect]),
        ],
    }
    return render(request, "campaigns/detail.html", context)


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not scope.has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGN):
        raise NotAllowed(gettext("您无权新建活动。"))
    form = CampaignCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已创建活动「{campaign}」。").format(campaign=campaign))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


def _manageable(request: HttpRequest, pk: int) -> Campaign:
    """The campaign if visible (else 404) and manageable by the user (else 403)."""
    campaign = get_visible_campaign_or_404(request.user, pk)
    if not services.can_manage(request.user, campaign):
        raise NotAllowed(gettext("您无权管理该活动，须由牵头单位的活动办公室设置。"))
    return campaign


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _manageable(request, pk)
    fields = ("name", "starts_on", "ends_on", "yellow_days", "description", "is_active", "version")
    form = CampaignEditForm(request.POST or None, initial={f: getattr(campaign, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_campaign(request.user, campaign, version, **data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("活动信息已保存。"))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


def _item_model(kind: str) -> type[Channel] | type[Aspect] | type[Phase]:
    if kind not in ITEM_KINDS:
        raise Http404(gettext("未找到。"))
    return ITEM_KINDS[kind]


def _item(campaign: Campaign, kind: str, item_pk: int) -> Any:
    item = _item_model(kind).objects.filter(campaign=campaign, pk=item_pk).first()
    if item is None:
        raise Http404(gettext("未找到。"))
    item.campaign = campaign
    return item


def _back(campaign: Campaign, kind: str) -> HttpResponse:
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + f"#{kind}")


def _form_errors(form: ItemForm | PhaseForm) -> str:
    return gettext("；").join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
def item_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    campaign = _manageable(request, pk)
    model = _item_model(kind)
    form: ItemForm | PhaseForm = PhaseForm(request.POST) if model is Phase else ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(campaign, kind)
    try:
        item = services.add_item(request.user, campaign, model, **form.cleaned_data)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, gettext("已新增{label}「{name}」。").format(label=services.ITEM_LABELS[model], name=item.name)
        )
    return _back(campaign, kind)


@require_POST
def item_update(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    campaign = _manageable(request, pk)
    item = _item(campaign, kind, item_pk)
    form: ItemForm | PhaseForm = PhaseForm(request.POST) if kind == "phases" else ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(campaign, kind)
    try:
        if kind == "phases":
            services.update_phase(request.user, item, **form.cleaned_data)
        else:
            services.rename_item(request.user, item, form.cleaned_data["name"])
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已保存。"))
    return _back(campaign, kind)


@require_POST
def item_move(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    campaign = _manageable(request, pk)
    item = _item(campaign, kind, item_pk)
    try:
        services.move_item(request.user, item, -1 if request.POST.get("direction") == "up" else 1)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    return _back(campaign, kind)


@require_POST
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    campaign = _manageable(request, pk)
    item = _item(campaign, kind, item_pk)
    try:
        services.remove_item(request.user, item)
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, gettext("已删除{label}「{name}」。").format(label=services.ITEM_LABELS[type(item)], name=item.name)
        )
    return _back(campaign, kind)
