"""Choices of supervision (督导): member roles, finding kinds and states, report states, timeline events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("组员")
    LIAISON = "liaison", _("联络员")


class FindingKind(models.TextChoices):
    PROBLEM = "problem", _("问题")
    RISK = "risk", _("风险隐患")
    PRACTICE = "practice", _("经验做法")


class FindingState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("finding", "草稿")
    CONFIRMED = "confirmed", _("已确认")
    TRANSFERRED = "transferred", _("已转问题")
    DISMISSED = "dismissed", _("已排除")


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("supervision report", "草稿")
    ISSUED = "issued", _("已印发")
    ACKNOWLEDGED = "acknowledged", _("已签收")


class EventKind(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("timeline event", "记录发现")
    CONFIRMED = "confirmed", pgettext_lazy("timeline event", "确认")
    TRANSFERRED = "transferred", pgettext_lazy("timeline event", "转为问题")
    DISMISSED = "dismissed", pgettext_lazy("timeline event", "排除")
    GENERATED = "generated", pgettext_lazy("timeline event", "生成报告")
    ISSUED = "issued", pgettext_lazy("timeline event", "印发")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("timeline event", "签收")
    WITHDRAWN = "withdrawn", pgettext_lazy("timeline event", "撤回")
