from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.reports.choices import Approx, Change, MeasureKey, ReportKind, ReportStatus

USER = settings.AUTH_USER_MODEL


def plain_number(value: float | None) -> str:
    """``15900.0`` → ``15900``, ``693.57`` stays; empty for None."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


class Report(TimeStamped, Scoped):
    """A narrative report (工作报告: 总结、简报、新闻稿) a unit sends in a campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=ReportKind.choices, default=ReportKind.SUMMARY)
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField(
        _("处理状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True
    )
    failure = models.TextField(_("失败原因"), blank=True)
    text = models.TextField(_("规范化文本"), blank=True)
    place = models.CharField(_("地区"), max_length=60, blank=True)
    report_date = models.DateField(_("发布日期"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        indexes = [models.Index(fields=["org_path", "campaign"])]

    def __str__(self) -> str:
        return self.title


class Figure(Scoped):
    """A figure a report claims (报告数字). ``original_*`` keep what the extractor read, so a correction shows."""

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="figures")
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    text = models.CharField(_("原文"), max_length=100)
    value = models.FloatField(_("数值"))
    value_max = models.FloatField(_("上限"), null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, blank=True)
    approx = models.CharField(_("约数"), max_length=10, choices=Approx.choices, default=Approx.EXACT)
    change = models.CharField(_("变化"), max_length=4, choices=Change.choices, blank=True)
    subject = models.CharField(_("主题"), max_length=100, blank=True)
    sentence = models.TextField(_("原句"), blank=True)
    excluded = models.BooleanField(_("不是数字"), default=False)
    original_value = models.FloatField(_("原提取数值"))
    original_value_max = models.FloatField(_("原提取上限"), null=True, blank=True)
    original_unit = models.CharField(_("原提取计量单位"), max_length=10, blank=True)
    original_approx = models.CharField(_("原提取约数"), max_length=10, choices=Approx.choices, default=Approx.EXACT)
    original_change = models.CharField(_("原提取变化"), max_length=4, choices=Change.choices, blank=True)
    original_subject = models.CharField(_("原提取主题"), max_length=100, blank=True)
    corrected_by = models.ForeignKey(
        USER, verbose_name=_("校正人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(_("校正时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["report", "start", "id"]
        verbose_name = _("报告数字")
        verbose_name_plural = _("报告数字")

    def __str__(self) -> str:
        return self.text

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def value_text(self) -> str:
        low, high = plain_number(self.value), plain_number(self.value_max)
        return f"{low}—{high}" if high else low

    @property
    def original_text(self) -> str:
        low, high = plain_number(self.original_value), plain_number(self.original_value_max)
        shown = f"{low}—{high}" if high else low
        return f"{shown}{self.original_unit}"


class ClaimRule(TimeStamped):
    """A claims-check rule (核对规则): figures whose context matches ``pattern`` are compared with ``measure``.

    Rules without a campaign are the platform defaults; a campaign office adds its own, which are tried first.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="claim_rules",
    )
    pattern = models.CharField(_("匹配短语（正则表达式）"), max_length=200)
    units = models.CharField(_("计量单位"), max_length=60, blank=True)
    measure = models.CharField(_("核对指标"), max_length=30, choices=MeasureKey.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "order", "id"]
        verbose_name = _("核对规则")
        verbose_name_plural = _("核对规则")

    def __str__(self) -> str:
        return f"{self.pattern} → {self.get_measure_display()}"

    @property
    def unit_list(self) -> list[str]:
        return [u for u in self.units.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if u]
