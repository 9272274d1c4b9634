"""Abstract models shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class PathField(models.CharField):
    """A materialized org path like ``00001.00003.``; compared byte-wise on every backend."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Scoped(models.Model):
    """A row that belongs to one unit; ``org_path`` copies the unit's path for range scans."""

    org_path = PathField(_("组织路径"), db_index=True, editable=False)

    class Meta:
        abstract = True


class Counter(models.Model):
    """One fixed window of an atomic counter (``luoshi.core.counters``): rate limits and the login throttle."""

    name = models.CharField(_("计数项"), max_length=200)
    window_start = models.BigIntegerField(_("窗口起点"))
    count = models.PositiveIntegerField(_("次数"), default=0)
    expires_at = models.BigIntegerField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("计数器")
        verbose_name_plural = _("计数器")
        constraints = [models.UniqueConstraint(fields=["name", "window_start"], name="core_counter_window")]

    def __str__(self) -> str:
        return f"{self.name}@{self.window_start}: {self.count}"
