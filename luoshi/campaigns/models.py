from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core.models import TimeStamped
from luoshi.core.paths import ancestors, subtree_q


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: Any, perm: str = Perm.VIEW) -> CampaignQuerySet:
        """Campaigns whose lead unit lies within, or above, a unit where ``user`` holds ``perm``.

        A district office sees the city's campaign it takes part in, and the campaigns of its own
        streets; it never sees a sibling district's campaign.
        """
        q = Q()
        for top in scope.scope_paths(user, perm):
            q |= subtree_q(top, "unit__path") | Q(unit__path__in=ancestors(top))
        return self.filter(q) if q else self.none()


class Campaign(TimeStamped):
    """A governance campaign (主题教育/专项整治 …) run by the office of ``unit``."""

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    yellow_days = models.PositiveSmallIntegerField(_("临期预警天数"), default=3)
    is_active = models.BooleanField(_("进行中"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return self.unit.path


class Phase(models.Model):
    """A phase of a campaign (阶段)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("名称"), max_length=60)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["campaign", "order", "id"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """A source channel of problems (问题来源: 巡视反馈, 群众反映 …), configurable per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_channel_name")]
        verbose_name = _("问题来源")
        verbose_name_plural = _("问题来源")

    def __str__(self) -> str:
        return self.name


class Aspect(models.Model):
    """An aspect problems are grouped into (问题方面), configurable per campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="aspects")
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_aspect_name")]
        verbose_name = _("问题方面")
        verbose_name_plural = _("问题方面")

    def __str__(self) -> str:
        return self.name


DEFAULT_CHANNELS = (
    "巡视反馈",
    "群众反映",
    "领导批示",
    "纪检监察",
    "督查检查",
    "自查自纠",
    "调查研究",
    "12345热线",
)
