"""Monthly analysis reports (月度分析报告): one snapshot of a campaign's figures per report.

The document is rendered only from ``MonthlySnapshot.figures`` (plain JSON), so rendering the same
snapshot again gives the same bytes; ``document`` names the stored .docx once it is written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlySnapshot(models.Model):
    """The figures of one campaign for one month (月度快照), taken when its report is made."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="monthly_snapshots"
    )
    month = models.DateField(_("月份"), help_text=_("该月的第一天"))
    taken_at = models.DateTimeField(_("快照时间"))
    figures = models.JSONField(_("数据"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    document = models.CharField(_("报告文件"), max_length=200, blank=True)
    sha256 = models.CharField(_("文件校验值"), max_length=64, blank=True)

    class Meta:
        ordering = ["-month", "-taken_at", "-id"]
        verbose_name = _("月度快照")
        verbose_name_plural = _("月度快照")
        indexes = [models.Index(fields=["campaign", "month", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.month:%Y-%m} #{self.pk}"

    @property
    def org_path(self) -> str:
        return self.campaign.unit.path

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"
