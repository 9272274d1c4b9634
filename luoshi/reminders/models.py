"""Reminder rules (到期提醒规则) per campaign, and the record of each day's sweep."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DAYS = [MinValueValidator(1), MaxValueValidator(60)]


class ReminderRule(models.Model):
    """When the owners of a campaign's tracked work are reminded of a deadline, and when it is escalated."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="reminder_rule"
    )
    enabled = models.BooleanField(_("启用到期提醒"), default=True)
    days_before = models.PositiveSmallIntegerField(_("提前提醒天数"), default=3, validators=DAYS)
    on_due_day = models.BooleanField(_("到期当天提醒"), default=True)
    overdue_every = models.PositiveSmallIntegerField(_("逾期后每隔几天提醒"), default=3, validators=DAYS)
    escalate_after = models.PositiveSmallIntegerField(_("逾期几天后升级"), default=7, validators=DAYS)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("到期提醒规则")
        verbose_name_plural = _("到期提醒规则")

    def __str__(self) -> str:
        return str(self.campaign)


class SweepRun(models.Model):
    """One day's reminder sweep: it runs once per day, whatever the number of workers or restarts."""

    day = models.DateField(_("日期"), unique=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    counts = models.JSONField(_("提醒数"), default=dict, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("提醒批次")
        verbose_name_plural = _("提醒批次")

    def __str__(self) -> str:
        return str(self.day)
