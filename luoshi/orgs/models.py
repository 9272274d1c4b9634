from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import PathField, TimeStamped
from luoshi.core.paths import SEGMENT, subtree_q

PATH_LENGTH = 120
MAX_DEPTH = PATH_LENGTH // (SEGMENT + 1)


class UnitKind(models.Model):
    """A kind of unit (单位类型: 党委, 党支部, 县市区, 乡镇街道 …); the list is configurable."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("单位类型")
        verbose_name_plural = _("单位类型")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(ScopedQuerySet["Unit"]):
    path_field = "path"

    def subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(subtree_q(unit.path, "path"))


class Unit(TimeStamped):
    """A unit of the org tree (组织/单位); ``path`` is its materialized path."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=40, unique=True)
    kind = models.ForeignKey(UnitKind, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = PathField(_("路径"), max_length=PATH_LENGTH, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    child_seq = models.PositiveIntegerField(_("下级编号计数"), default=0, editable=False)
    member_count = models.PositiveIntegerField(_("成员数"), default=0)
    leaders = models.CharField(_("负责人"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return self.path
