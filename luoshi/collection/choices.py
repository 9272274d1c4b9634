"""Choices of periodic collection (定期报送): field kinds, cycles, submission states and timeline events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    TEXT = "text", _("文本")
    CHOICE = "choice", _("选项")
    DATE = "date", _("日期")
    FILE = "file", _("附件")


NUMERIC_KINDS: tuple[str, ...] = (FieldKind.INTEGER, FieldKind.DECIMAL)


class RuleKind(models.TextChoices):
    LTE = "lte", _("A ≤ B")
    SUM = "sum", _("A + B = C")


class Cycle(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    ADHOC = "adhoc", _("不定期")


class State(models.TextChoices):
    PENDING = "pending", _("未填报")
    DRAFT = "draft", _("暂存")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已审核")
    RETURNED = "returned", _("已退回")


# Not yet filed (urged, counted as pending): nothing submitted, or sent back.
UNFILED_STATES: tuple[str, ...] = (State.PENDING, State.DRAFT, State.RETURNED)
FILED_STATES: tuple[str, ...] = (State.SUBMITTED, State.ACCEPTED)


class EventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("timeline event", "开启报送")
    SAVED = "saved", pgettext_lazy("timeline event", "暂存")
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "报送")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "审核通过")
    RETURNED = "returned", pgettext_lazy("timeline event", "退回")
