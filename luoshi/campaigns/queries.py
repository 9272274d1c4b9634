"""The read side of campaigns: which campaigns, channels and aspects a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Aspect, Campaign, CampaignQuerySet, Channel


def visible_campaigns(user: Any, perm: str = Perm.VIEW) -> CampaignQuerySet:
    """Campaigns (活动) the user takes part in: lead unit within or above the user's scope."""
    return Campaign.objects.visible_to(user, perm).select_related("unit")


def get_visible_campaign_or_404(user: Any, pk: Any, perm: str = Perm.VIEW) -> Campaign:
    """Out of scope and missing look the same: 404."""
    campaign = visible_campaigns(user, perm).filter(pk=pk).first() if str(pk).isdigit() else None
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    return campaign


def visible_channels(user: Any) -> QuerySet[Channel]:
    return Channel.objects.filter(campaign__in=visible_campaigns(user)).select_related("campaign")


def visible_aspects(user: Any) -> QuerySet[Aspect]:
    return Aspect.objects.filter(campaign__in=visible_campaigns(user)).select_related("campaign")
