"""Urges (催办): the office presses the unit that owns an open tracked item, on the 督查 ladder
提醒 → 催办 → 督办; the owner acknowledges each one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.models import PathField

MESSAGE_MAX = 1500


class UrgeLevel(models.TextChoices):
    REMIND = "remind", _("提醒")
    URGE = "urge", _("催办")
    SUPERVISE = "supervise", _("督办")


LADDER = [UrgeLevel.REMIND, UrgeLevel.URGE, UrgeLevel.SUPERVISE]


class Urge(models.Model):
    """One urge (催办) of one item; ``org_path`` is the owner unit's path when it was urged."""

    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    title = models.CharField(_("事项"), max_length=200)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("被催办单位"), on_delete=models.CASCADE, related_name="+")
    org_path = PathField(_("组织路径"), editable=False)
    level = models.CharField(_("级别"), max_length=12, choices=UrgeLevel.choices, default=UrgeLevel.URGE)
    message = models.TextField(_("催办内容"), max_length=MESSAGE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("催办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("催办时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply = models.CharField(_("签收说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="urge_item"),
            models.Index(fields=["org_path", "acknowledged_at"], name="urge_scope"),
            models.Index(fields=["level", "acknowledged_at", "unit"], name="urge_supervised"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.title}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
