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
