"""The four lists of a leadership group (四张清单: 学习、问题、调研、创新举措).

Problems, research plans and innovation measures (key tasks and rectification measures marked 创新举措)
come from the mechanisms that hold them, and so do the items of approved study plans (学习计划) on the study
list; the study list and the innovation list may also hold plain items (``ListItem``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.fourlists.choices import ItemStatus, ListKind

USER = settings.AUTH_USER_MODEL


class ListItem(TimeStamped, Scoped):
    """A plain item of a unit's list (清单事项); ``org_path`` is the unit's path."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="list_items"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("清单"), max_length=12, choices=ListKind.choices)
    title = models.CharField(pgettext_lazy("list item", "事项"), max_length=200)
    owner = models.CharField(_("责任人"), max_length=60)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "kind", "due_date", "id"]
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        indexes = [models.Index(fields=["campaign", "unit", "kind"])]

    def __str__(self) -> str:
        return self.title
