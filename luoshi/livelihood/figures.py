"""The figures of livelihood work, as pure functions: progress of a project and a campaign, satisfaction rate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


def one_place(value: Decimal) -> Decimal:
    """A percent shown to one decimal place (68.85 → 68.9)."""
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def weighted_progress(tasks: Iterable[tuple[int, int]]) -> Decimal | None:
    """The mean of the tasks' percents weighted by their weights; None when there are no tasks.

    Each task is ``(weight, percent)`` with a finished task's percent already 100."""
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for weight, percent in tasks:
        total_weight += weight
        weighted += Decimal(weight) * Decimal(percent)
    if not total_weight:
        return None
    return one_place(weighted / total_weight)


def project_progress(finished: bool, tasks: Sequence[tuple[int, int]], reported: int) -> Decimal:
    """A project's progress: 100 once finished, else its tasks' weighted mean, else its own last reported percent."""
    if finished:
        return one_place(HUNDRED)
    from_tasks = weighted_progress(tasks)
    return from_tasks if from_tasks is not None else one_place(Decimal(reported))


def mean_progress(progresses: Iterable[Decimal]) -> Decimal:
    """A campaign's overall progress: the plain mean of its projects' progress (0 without projects)."""
    values = list(progresses)
    return mean_from_sum(sum(values, Decimal(0)), len(values))


def mean_from_sum(total: Decimal | None, count: int) -> Decimal:
    """The mean of ``count`` percents that add up to ``total``, to one decimal (0 when there are none)."""
    if not count:
        return one_place(Decimal(0))
    return one_place(Decimal(total or 0) / count)


def satisfaction_rate(satisfied: int, basically: int, dissatisfied: int) -> Decimal | None:
    """(满意 + 基本满意) / total, as a percent to one decimal; None when nobody was asked."""
    total = satisfied + basically + dissatisfied
    if total <= 0:
        return None
    return one_place(Decimal(satisfied + basically) * HUNDRED / total)
