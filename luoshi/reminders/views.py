"""The reminder rule page of a campaign: the office sets it and sees what today's sweep reaches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.picker import chosen_campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.errors import NotAllowed
from luoshi.core.forms import submitted
from luoshi.reminders import services
from luoshi.reminders.forms import RuleForm


@login_required
@require_http_methods(["GET", "POST"])
def rule_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    campaigns = list(visible_campaigns(user, Perm.VIEW).select_related("unit"))
    if not campaigns:
        raise NotAllowed(_("您没有可查看的活动。"))
    campaign = chosen_campaign(request, campaigns)
    assert campaign is not None
    can_edit = scope.can(user, Perm.MANAGE_CAMPAIGN, campaign.unit.path)
    if request.method == "POST" and not can_edit:
        raise NotAllowed(_("只有活动办公室可以设置到期提醒规则。"))
    form = RuleForm(request.POST or None, instance=services.rule_for(campaign))
    data = form.cleaned_data if request.method == "POST" and form.is_valid() else {}
    fields = {name: data.get(name) for name in services.RULE_FIELDS}
    saved, status = submitted(request, form, lambda: services.save_rule(user, campaign, **fields))
    if saved:
        messages.success(request, _("到期提醒规则已保存。"))
        return redirect(f"{request.path}?campaign={campaign.pk}")
    context = {"campaigns": campaigns, "campaign": campaign, "form": form, "can_edit": can_edit}
    if can_edit:
        context["preview"] = services.preview(campaign)
    return render(request, "reminders/rule.html", context, status=status)
