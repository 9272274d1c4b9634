from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import RuleViolation

UNDELETABLE = _("审计记录不可删除或修改。")


class Action(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("状态变更")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    VIEW_PERSONAL = "view_personal", _("查看个人信息")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuleViolation(str(UNDELETABLE))

    def update(self, **kwargs: Any) -> int:
        raise RuleViolation(str(UNDELETABLE))


class AuditEvent(models.Model):
    """One audit record (审计日志); each carries the HMAC-SM3 of itself and its predecessor's hash, under the
    audit key ``key_id`` names (kept outside the database, docs/audit.md).

    Retention: records are kept at least 180 days and the application never deletes or changes
    one — no page, API or command offers it, and ``delete()``/``update()`` refuse. Accounts that
    acted are protected from deletion too (deactivate them instead). Archiving older records is
    a database operator's task; any removal or change breaks the hash chain, and
    ``luoshi verify_audit`` and the "校验完整性" page name the first record affected.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    ip = models.CharField(_("来源地址"), max_length=45, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_name"], name="audit_actor_name_idx"),
            models.Index(fields=["request_id"], name="audit_request_id_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuleViolation(str(UNDELETABLE))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuleViolation(str(UNDELETABLE))

    @property
    def object_label(self) -> str:
        """问题 WT000183: the object as the auditor's pages name it."""
        from luoshi.audit.labels import object_label

        return object_label(self.object_type, self.object_id, self.object_repr)

    @property
    def object_kind(self) -> str:
        """The object's type by its Chinese name (``问题``), or as stored when the model is gone."""
        from luoshi.audit.labels import model_of

        model = model_of(self.object_type)
        return str(model._meta.verbose_name) if model else self.object_type


class ChainHead(models.Model):
    """The single row that serialises appends to the chain; signed checkpoints of it are kept elsewhere."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head #{self.seq}"
