"""The lecture menu (宣讲菜单 / 点单式宣讲): items units order, dispatched by the office, accepted by the speaker.

An order runs on the tracked-work engine: 点单 (a unit, with a wished date and half-day) → 派单 (the office fixes
the date and half-day) → 接单 (the speaker) → 已宣讲 (listener count required) → 评单 (the ordering unit rates
it). A speaker holds at most one booked order per half-day: the service refuses a second, and a conditional
unique constraint stops a race. ``org_path`` of an order is the ordering unit's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.lectures.choices import BOOKED, OrderEventKind, OrderState
from luoshi.study.choices import HalfDay
from luoshi.tracking.models import TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


class LectureCategory(TimeStamped, Scoped):
    """A category of a campaign's menu (宣讲类别, Shandong's 5); ``org_path`` is the campaign unit's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="lecture_categories"
    )
    name = models.CharField(_("类别"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "order", "id"]
        verbose_name = _("宣讲类别")
        verbose_name_plural = _("宣讲类别")

    def __str__(self) -> str:
        return self.name


class LectureItem(TimeStamped, Scoped):
    """An item of the menu (宣讲菜单项): title, category, speaker (a member), length in minutes."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="lecture_items"
    )
    category = models.ForeignKey(
        LectureCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField(_("宣讲题目"), max_length=200)
    summary = models.TextField(_("内容简介"), blank=True)
    speaker = models.ForeignKey("members.Member", verbose_name=_("宣讲人"), on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=60)
    active = models.BooleanField(_("上架"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "category_id", "id"]
        verbose_name = _("宣讲菜单项")
        verbose_name_plural = _("宣讲菜单")

    def __str__(self) -> str:
        return self.title


class LectureOrder(TrackedItem):
    """A unit's order of a menu item (宣讲点单); the speaker is copied from the item when ordered."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="lecture_orders"
    )
    item = models.ForeignKey(LectureItem, verbose_name=_("宣讲菜单项"), on_delete=models.PROTECT, related_name="orders")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("点单单位"), on_delete=models.PROTECT, related_name="+")
    speaker = models.ForeignKey("members.Member", verbose_name=_("宣讲人"), on_delete=models.PROTECT, related_name="+")
    wished_date = models.DateField(_("期望日期"))
    wished_half = models.CharField(_("期望时段"), max_length=2, choices=HalfDay.choices, default=HalfDay.MORNING)
    audience = models.CharField(_("宣讲对象"), max_length=200, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    date = models.DateField(_("宣讲日期"), null=True, blank=True)
    half = models.CharField(_("宣讲时段"), max_length=2, choices=HalfDay.choices, blank=True)
    listeners = models.PositiveIntegerField(_("听众人数"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=OrderState.choices, default=OrderState.ORDERED)
    ordered_by = models.ForeignKey(
        USER, verbose_name=_("点单人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("宣讲点单")
        verbose_name_plural = _("宣讲点单")
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "date", "half"], condition=Q(state__in=BOOKED), name="lecture_speaker_half_day"
            )
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="lecture_order_campaign_state")]

    def __str__(self) -> str:
        return f"{self.item} · {self.wished_date:%Y-%m-%d}"


class LectureOrderEvent(TimelineEvent):
    """One entry of an order's timeline."""

    order = models.ForeignKey(LectureOrder, verbose_name=_("宣讲点单"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=OrderEventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=OrderState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=OrderState.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order_id", "at", "id"]
        verbose_name = _("宣讲点单记录")
        verbose_name_plural = _("宣讲点单记录")
