"""Notifications (消息提醒): one row per recipient, read once the recipient opens or marks it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.models import Scoped


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
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notice_inbox_all (recipient, id) serves it
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # When the daily digest (每日汇总) listed it; the next digest leaves it out.
    digested_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        # The unread inbox and its count (recipient, read_at IS NULL, newest first), the whole inbox, and the inbox
        # by kind: each one's rows in id order under an equality prefix, so PostgreSQL never walks the primary key
        # backwards past everybody else's rows (bench/bench_inbox.py: 100,000 notifications of one user).
        indexes = [
            models.Index(fields=["recipient", "id"], condition=models.Q(read_at__isnull=True), name="notice_unread"),
            models.Index(fields=["recipient", "id"], name="notice_inbox_all"),
            models.Index(fields=["recipient", "kind", "id"], name="notice_inbox_kind"),
            # The daily digest's scan: unread, not yet digested, by time.
            models.Index(
                fields=["created_at"],
                condition=models.Q(read_at__isnull=True, digested_at__isnull=True),
                name="notice_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# Kinds that go out at once on the recipient's own channels (e-mail, SMS) instead of waiting for the digest.
URGENT_KINDS = frozenset({NoticeKind.URGED, NoticeKind.ESCALATED})
# Kinds that a unit's group robot (WeCom / DingTalk) receives when they are addressed to users of the unit.
GROUP_KINDS = frozenset({NoticeKind.URGED, NoticeKind.ESCALATED, NoticeKind.ROUND_OPENED})


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class GroupKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("已跳过")


class NoticePreference(models.Model):
    """A user's channels (消息设置); a user without a row has the defaults: e-mail and the digest on, SMS off.

    The SMS number is personal data: stored encrypted (SM4), shown masked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.BooleanField(_("紧急消息发邮件"), default=True)
    sms = models.BooleanField(_("紧急消息发短信"), default=False)
    digest = models.BooleanField(_("每日汇总"), default=True)
    phone_enc = models.TextField(_("手机号（密文）"), blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")

    def __str__(self) -> str:
        return str(self.user_id)


class UnitChannel(Scoped):
    """A unit's group robot (单位群机器人): its webhook address and, for DingTalk, the signing secret."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=GroupKind.choices)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位群机器人")
        verbose_name_plural = _("单位群机器人")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="notice_unit_channel_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class Delivery(Scoped):
    """One message out of the inbox on one channel (送达记录): an urgent notification, a unit group's
    message or a user's daily digest. ``target`` is masked; ``last_error`` never holds personal data.
    ``org_path`` is the unit's (a group) or the recipient's unit's (empty for a user without a unit): the
    office reads the log of its subtree."""

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit_channel = models.ForeignKey(
        UnitChannel, verbose_name=_("单位群机器人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)
    target = models.CharField(_("发送对象"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("计划发送时间"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        indexes = [models.Index(fields=["status", "id"], name="notice_delivery_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target}"
