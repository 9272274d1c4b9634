"""Choices of published rankings (晾晒排名): how the ranked units are chosen, the period cycle and the measures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitsMode(models.TextChoices):
    CHILDREN = "children", _("根单位的直接下级单位")
    KIND = "kind", _("根单位下某类型的全部单位")


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    WEEKLY = "weekly", _("按周")


class Measure(models.TextChoices):
    """The measures a scheme weighs; every value is a percent (0–100)."""

    CLOSURE = "closure_rate", _("整改销号率")
    ON_TIME = "on_time_rate", _("按期销号率")
    TASKS = "task_progress", _("重点任务进展")
    DEMANDS = "demand_score", _("接诉即办综合得分")


MEASURE_KEYS: tuple[str, ...] = tuple(Measure.values)
DEFAULT_WEIGHTS: dict[str, int] = {
    Measure.CLOSURE: 30,
    Measure.ON_TIME: 20,
    Measure.TASKS: 30,
    Measure.DEMANDS: 20,
}
DEFAULT_HIGHLIGHT = 3
MAX_HIGHLIGHT = 20
