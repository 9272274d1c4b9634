"""Progress roll-up by weight (进度加权汇总), as one pure function over rows.

A task's own part is the mean percent of its top-level assignments, lead and assisting alike (an
assignment that is done counts 100, a revoked one not at all). A task with sub-tasks takes the mean of
its sub-tasks' percents weighted by their weights, its own assignments counting as one more part of
weight 1 (the default weight of a task). A task with nothing that counts has no percent (None).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

OWN_WEIGHT = Decimal(1)


@dataclass(frozen=True)
class TaskRow:
    id: int
    parent_id: int | None
    weight: Decimal


@dataclass(frozen=True)
class AssignmentSum:
    """The top-level assignments of one task: the sum of their percents (done as 100) and how many."""

    task_id: int
    total: Decimal
    count: int


def weighted_mean(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ weight × percent / Σ weight over (weight, percent) pairs; None when nothing weighs."""
    pairs = [(Decimal(w), Decimal(p)) for w, p in parts]
    weights = sum((w for w, _p in pairs), Decimal(0))
    if weights <= 0:
        return None
    return sum((w * p for w, p in pairs), Decimal(0)) / weights


def rollup(tasks: Iterable[TaskRow], sums: Iterable[AssignmentSum]) -> dict[int, Decimal | None]:
    """The percent of every task in ``tasks`` from its own assignments and its sub-tasks among ``tasks``."""
    rows = {row.id: row for row in tasks}
    own = {s.task_id: s.total / s.count for s in sums if s.count}
    children: dict[int, list[int]] = defaultdict(list)
    for row in rows.values():
        if row.parent_id in rows:
            children[row.parent_id].append(row.id)
    done: dict[int, Decimal | None] = {}

    def percent(task_id: int) -> Decimal | None:
        if task_id not in done:
            parts = [(rows[c].weight, p) for c in children[task_id] if (p := percent(c)) is not None]
            if task_id in own:
                parts.append((OWN_WEIGHT, own[task_id]))
            done[task_id] = weighted_mean(parts)
        return done[task_id]

    for task_id in rows:
        percent(task_id)
    return done
