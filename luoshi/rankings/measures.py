"""The measures of a ranking, each a percent (0–100) per ranked unit over the unit's whole subtree; None when the
unit has no data on it.

- 整改销号率 / 按期销号率: ``luoshi.problems.rollups.subtree_figures`` (the campaign's problems as they stand when
  the ranking is computed).
- 重点任务进展: the progress of the campaign's key-task assignments held in the unit's subtree, as ``luoshi.tasks``
  counts it (``queries._sums``): top-level assignments only (a passed-down copy is not counted twice), revoked
  ones left out, a finished one as 100, otherwise its reported percent; weighted by the task's weight
  (``rollup.weighted_mean``). As they stand when the ranking is computed.
- 接诉即办综合得分: ``luoshi.demands.rates.composite_score`` of the tickets received in the ranking's period in the
  unit's subtree (× 100), with the platform's rate weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from luoshi.campaigns.models import Campaign
from luoshi.core.paths import ancestors
from luoshi.demands import rates
from luoshi.orgs.models import Unit
from luoshi.problems import rollups as problem_rollups
from luoshi.rankings.choices import Measure
from luoshi.rankings.periods import Period
from luoshi.rankings.scoring import rounded
from luoshi.tasks.choices import State as TaskState
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.rollup import weighted_mean

Values = dict[int, dict[str, float | None]]


def _problem_values(campaign: Campaign, units: Sequence[Unit], wanted: set[str]) -> Values:
    found = problem_rollups.subtree_figures(campaign.pk, list(units))
    values: Values = {u.pk: {} for u in units}
    for unit in units:
        figures = found.get(unit.pk)
        if Measure.CLOSURE in wanted:
            values[unit.pk][Measure.CLOSURE] = rounded(getattr(figures, "closure_rate", None))
        if Measure.ON_TIME in wanted:
            values[unit.pk][Measure.ON_TIME] = rounded(getattr(figures, "on_time_rate", None))
    return values


def task_progress(campaign: Campaign, units: Sequence[Unit]) -> dict[int, float | None]:
    """Per unit: the weighted progress of the campaign's assignments in its subtree (module doc); one query."""
    by_path = {u.path: u.pk for u in units}
    parts: dict[int, list[tuple[Decimal, Decimal]]] = {u.pk: [] for u in units}
    rows = (
        TaskAssignment.objects.filter(task__campaign=campaign, parent__isnull=True)
        .exclude(state=TaskState.REVOKED)
        .values_list("org_path", "state", "percent", "task__weight")
    )
    for path, state, percent, weight in rows:
        done = Decimal(100) if state == TaskState.DONE else Decimal(percent or 0)
        for above in ancestors(path):
            if above in by_path:
                parts[by_path[above]].append((Decimal(weight), done))
    return {pk: rounded(weighted_mean(found)) for pk, found in parts.items()}


def demand_score(period: Period, units: Sequence[Unit]) -> dict[int, float | None]:
    """Per unit: the composite score (0–100) of the tickets received in ``period`` in its subtree."""
    span = rates.Period(period.start, period.end)
    weights = rates.RateSettings.current().weights
    if span.whole_months:
        months = rates.subtree_months(span).filter(unit__in=[u.pk for u in units])
        per_unit = rates.grouped(months, "unit_id")
        figures = {u.pk: per_unit.get(u.pk, rates.Figures()) for u in units}
    else:
        figures = {u.pk: rates.figures_for(span, unit=u) for u in units}
    found: dict[int, float | None] = {}
    for pk, f in figures.items():
        score = rates.composite_score(f, weights)
        found[pk] = rounded(score * 100) if score is not None else None
    return found


def values_for(campaign: Campaign, units: Sequence[Unit], period: Period, weights: dict[str, Any]) -> Values:
    """Each unit's value of every measure that carries weight."""
    wanted = {key for key, weight in weights.items() if weight}
    values: Values = {u.pk: {} for u in units}
    if wanted & {Measure.CLOSURE, Measure.ON_TIME}:
        for pk, found in _problem_values(campaign, units, wanted).items():
            values[pk].update(found)
    if Measure.TASKS in wanted:
        for pk, value in task_progress(campaign, units).items():
            values[pk][Measure.TASKS] = value
    if Measure.DEMANDS in wanted:
        for pk, value in demand_score(period, units).items():
            values[pk][Measure.DEMANDS] = value
    return values
