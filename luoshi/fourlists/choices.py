"""Choices of the four lists (四张清单)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    STUDY = "study", _("学习清单")
    PROBLEM = "problem", _("问题清单")
    RESEARCH = "research", _("调研清单")
    INNOVATION = "innovation", _("创新举措清单")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    ONGOING = "ongoing", _("推进中")
    DONE = "done", _("已完成")
