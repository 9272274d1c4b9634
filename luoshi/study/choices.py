"""Choices of study (学习): kinds of class, half-days, attendance, study plan states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClassKind(models.TextChoices):
    READING = "reading", _("读书班")
    TOPIC = "topic", _("专题学习")
    CENTRAL = "central", _("集中学习")
    ROTATION = "rotation", _("轮训班")


class HalfDay(models.TextChoices):
    MORNING = "am", _("上午")
    AFTERNOON = "pm", _("下午")
    EVENING = "ev", _("晚上")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    ABSENT = "absent", _("缺席")
    LEAVE = "leave", _("请假")


# Statuses that count a person as covered (参学): present or late.
ATTENDED: tuple[str, ...] = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class SignInMethod(models.TextChoices):
    ROSTER = "roster", _("名册签到")
    QR = "qr", _("扫码签到")


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("study plan", "草拟")
    SUBMITTED = "submitted", pgettext_lazy("study plan", "待审核")
    RETURNED = "returned", pgettext_lazy("study plan", "已退回")
    APPROVED = "approved", pgettext_lazy("study plan", "已通过")
    DONE = "done", pgettext_lazy("study plan", "已完成")


class PlanEventKind(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("timeline event", "制定学习计划")
    EDITED = "edited", pgettext_lazy("timeline event", "修改学习计划")
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "报送审核")
    RETURNED = "returned", pgettext_lazy("timeline event", "退回修改")
    APPROVED = "approved", pgettext_lazy("timeline event", "审核通过")
    DONE = "done", pgettext_lazy("timeline event", "完成学习计划")


OPEN_PLAN_STATES: tuple[str, ...] = (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.RETURNED, PlanState.APPROVED)
