"""Choices of the lecture menu (宣讲菜单): order states and timeline events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderState(models.TextChoices):
    ORDERED = "ordered", _("已点单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已接单")
    HELD = "held", _("已宣讲")
    RATED = "rated", _("已评单")
    DECLINED = "declined", pgettext_lazy("lecture order", "已退回")
    CANCELLED = "cancelled", pgettext_lazy("lecture order", "已取消")


# States in which an order holds its speaker's half-day (a second booking of that half-day is refused).
BOOKED: tuple[str, ...] = (OrderState.DISPATCHED, OrderState.ACCEPTED, OrderState.HELD, OrderState.RATED)
OPEN_STATES: tuple[str, ...] = (OrderState.ORDERED, OrderState.DISPATCHED, OrderState.ACCEPTED)


class OrderEventKind(models.TextChoices):
    ORDERED = "ordered", pgettext_lazy("timeline event", "点单")
    DISPATCHED = "dispatched", pgettext_lazy("timeline event", "派单")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "接单")
    HELD = "held", pgettext_lazy("timeline event", "宣讲")
    RATED = "rated", pgettext_lazy("timeline event", "评单")
    DECLINED = "declined", pgettext_lazy("timeline event", "退回点单")
    CANCELLED = "cancelled", pgettext_lazy("timeline event", "取消点单")
