"""Notifications (消息提醒): one row per recipient, read once the recipient opens or marks it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("交办给我/本单位")
    SENT_BACK = "sent_back", _("被退回")
    DECIDED = "decided", _("已审批/已验收")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    URGED = "urged", _("被催办")
    ESCALATED = "escalated", _("逾期升级")
    ROUND_OPENED = "round_opened", _("报送轮次开启")
    RANKING = "ranking", _("晾晒排名发布")
    REPORT_READY = "report_ready", _("分析报告已生成")
    OTHER = "other", _("其他")


class Notification(models.Model):
    """One message to one user about one item; ``url`` is the item's page (a relative path)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        # The unread inbox and the count (recipient, read_at IS NULL, newest first), and the whole inbox.
        indexes = [
            models.Index(fields=["recipient", "read_at", "id"], name="notice_inbox"),
            models.Index(fields=["recipient", "id"], name="notice_inbox_all"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
