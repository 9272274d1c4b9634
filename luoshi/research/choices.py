"""Choices of research (调查研究): plan states, review decisions, timeline events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("research plan", "草拟")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", pgettext_lazy("research plan", "已退回")
    APPROVED = "approved", _("已通过")
    FIELDWORK = "fieldwork", _("调研中")
    REPORTED = "reported", _("已形成成果")
    CONVERTED = "converted", _("已转化")


class Decision(models.TextChoices):
    APPROVED = "approved", _("通过")
    RETURNED = "returned", pgettext_lazy("review decision", "退回修改")


class EventKind(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("timeline event", "制定方案")
    EDITED = "edited", pgettext_lazy("timeline event", "修改方案")
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "提交审核")
    RETURNED = "returned", pgettext_lazy("timeline event", "退回修改")
    APPROVED = "approved", pgettext_lazy("timeline event", "审核通过")
    STARTED = "started", pgettext_lazy("timeline event", "开展调研")
    VISIT_FILED = "visit_filed", pgettext_lazy("timeline event", "报备走访")
    REPORTED = "reported", pgettext_lazy("timeline event", "提交成果")
    CONVERTED = "converted", pgettext_lazy("timeline event", "成果转化")


# A plan is open until its result (成果) is reported: it is reminded and may be urged until then.
OPEN_STATES: tuple[str, ...] = (
    PlanState.DRAFT,
    PlanState.SUBMITTED,
    PlanState.RETURNED,
    PlanState.APPROVED,
    PlanState.FIELDWORK,
)
