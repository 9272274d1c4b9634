from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.tracking.choices import Light as Light
from luoshi.tracking.choices import RequestState as RequestState


class State(models.TextChoices):
    PENDING_CLAIM = "pending_claim", _("待认领")
    RECTIFYING = "rectifying", _("整改中")
    PENDING_REVIEW = "pending_review", _("待审核")
    CLOSED = "closed", _("已销号")


class Kind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    DEADLINE = "deadline", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class Severity(models.TextChoices):
    NORMAL = "normal", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class MeasureState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class EventKind(models.TextChoices):
    FILED = "filed", pgettext_lazy("timeline event", "登记问题")
    EDITED = "edited", pgettext_lazy("timeline event", "修改问题")
    CLAIMED = "claimed", pgettext_lazy("timeline event", "认领")
    MEASURE_ADDED = "measure_added", pgettext_lazy("timeline event", "新增整改措施")
    MEASURE_DONE = "measure_done", pgettext_lazy("timeline event", "措施完成")
    PROGRESS = "progress", pgettext_lazy("timeline event", "报送进展")
    CLOSURE_REQUESTED = "closure_requested", pgettext_lazy("timeline event", "申请销号")
    CLOSED = "closed", pgettext_lazy("timeline event", "审核销号")
    SENT_BACK = "sent_back", pgettext_lazy("timeline event", "退回整改")
    REOPENED = "reopened", pgettext_lazy("timeline event", "回头看重新打开")
    EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("timeline event", "申请延期")
    EXTENSION_APPROVED = "extension_approved", pgettext_lazy("timeline event", "同意延期")
    EXTENSION_REJECTED = "extension_rejected", pgettext_lazy("timeline event", "不同意延期")
