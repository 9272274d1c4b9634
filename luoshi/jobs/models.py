from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A background job (后台任务) that users can follow: status, progress and log."""

    name = models.CharField(_("任务"), max_length=100)
    kind = models.CharField(_("类型"), max_length=60, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    log = models.TextField(_("日志"), blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    body = models.CharField(_("任务函数"), max_length=200, blank=True)
    atomic = models.BooleanField(_("整体在一个事务中运行"), default=True)
    retry_safe = models.BooleanField(_("中断后可重新排队"), default=False)
    attempts = models.PositiveSmallIntegerField(_("已运行次数"), default=0)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    worker = models.CharField(_("后台任务进程"), max_length=120, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
