"""Choices of key tasks (重点任务) and their assignments (任务分解交办)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    PENDING_SIGN = "pending_sign", _("待签收")
    IN_PROGRESS = "in_progress", _("进行中")
    FINISH_REQUESTED = "finish_requested", _("申请办结")
    DONE = "done", _("已办结")
    REVOKED = "revoked", _("已撤销")


OPEN_STATES: tuple[str, ...] = (State.PENDING_SIGN, State.IN_PROGRESS, State.FINISH_REQUESTED)
CLOSED_STATES: tuple[str, ...] = (State.DONE, State.REVOKED)


class AssignRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    ASSIST = "assist", _("配合")


class Cycle(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    SEMIMONTHLY = "semimonthly", _("每半月")
    MONTHLY = "monthly", _("每月")
    ONCE = "once", _("一次")


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", pgettext_lazy("timeline event", "交办")
    PASSED_DOWN = "passed_down", pgettext_lazy("timeline event", "逐级下达")
    SIGNED = "signed", pgettext_lazy("timeline event", "签收")
    PROGRESS = "progress", pgettext_lazy("timeline event", "报送进展")
    FINISH_REQUESTED = "finish_requested", pgettext_lazy("timeline event", "申请办结")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "验收办结")
    SENT_BACK = "sent_back", pgettext_lazy("timeline event", "退回")
    REVOKED = "revoked", pgettext_lazy("timeline event", "撤销")
    REOPENED = "reopened", pgettext_lazy("timeline event", "重启")
    EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("timeline event", "申请延期")
    EXTENSION_APPROVED = "extension_approved", pgettext_lazy("timeline event", "同意延期")
    EXTENSION_REJECTED = "extension_rejected", pgettext_lazy("timeline event", "不同意延期")


# The sources every campaign starts with (任务来源); each campaign may add its own.
DEFAULT_SOURCES: tuple[str, ...] = ("会议部署", "领导批示", "上级交办", "自定")
