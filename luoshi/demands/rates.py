"""The three rates of citizen demands (三率), the composite score, rankings and the red/black list (红黑榜).

Everything here reads ``DemandRollup`` rows only, never raw tickets, so its cost grows with units and
days, not with tickets. A period counts the tickets *received* in it (by local day), wherever they
stand now; see docs/demand-rates.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from luoshi.core.paths import SEGMENT, subtree_q
from luoshi.demands.models import Company, DemandMonthRollup, DemandRateConfig, DemandRollup, Project
from luoshi.demands.rollups import COUNTS
from luoshi.orgs.models import Unit

TIMELINESS, RESOLUTION, SATISFACTION = "timeliness", "resolution", "satisfaction"
RATE_NAMES: tuple[str, ...] = (TIMELINESS, RESOLUTION, SATISFACTION)
RATE_LABELS = {TIMELINESS: _("响应及时率"), RESOLUTION: _("问题解决率"), SATISFACTION: _("群众满意率")}
BLACK, RED = "black", "red"
LOWEST_NAMED = 3

DEFAULTS: dict[str, dict[str, float]] = {
    "weights": {TIMELINESS: 30, RESOLUTION: 35, SATISFACTION: 35},
    "black_below": {TIMELINESS: 95, RESOLUTION: 80, SATISFACTION: 80},
    "red_from": {TIMELINESS: 99, RESOLUTION: 95, SATISFACTION: 95},
}


# --- period and settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of received days, both ends included."""

    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def parse_month(cls, text: str | None, today: dt.date) -> Period:
        """``2026-10`` as a period; the month of ``today`` for anything else."""
        try:
            year, month = (int(part) for part in (text or "").split("-"))
            return cls.month(year, month)
        except ValueError:
            return cls.month(today.year, today.month)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a first and ends on a last day of a month (monthly rows suffice)."""
        return self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1


def _percent(value: float | int | str) -> Fraction:
    return Fraction(Decimal(str(value))) / 100


@dataclass(frozen=True)
class RateSettings:
    """Weights of the composite score and the red/black thresholds (fractions), from ``settings.DEMAND_RATES``."""

    weights: dict[str, Fraction]
    black_below: dict[str, Fraction]
    red_from: dict[str, Fraction]

    @classmethod
    def configured(cls, stored: dict[str, dict[str, Any]] | None = None) -> RateSettings:
        """The defaults (30/35/35; black under 95 %/80 %/80 %; red from 99 %/95 %/95 %), overridden by
        ``settings.DEMAND_RATES``, overridden in turn by ``stored`` values."""
        given: dict[str, dict[str, Any]] = getattr(settings, "DEMAND_RATES", {})
        stored = stored or {}
        merged = {part: {**values, **given.get(part, {}), **stored.get(part, {})} for part, values in DEFAULTS.items()}
        return cls(**{part: {k: _percent(v) for k, v in values.items()} for part, values in merged.items()})

    @classmethod
    def current(cls) -> RateSettings:
        """The configured settings with the values saved on the settings page (one query)."""
        return cls.configured(_stored_rate_values())


def _stored_rate_values() -> dict[str, dict[str, Any]]:
    """The saved ``DemandRateConfig`` as ``{part: {rate: percent}}``; empty when none is saved."""
    row = DemandRateConfig.objects.filter(pk=DemandRateConfig.SINGLETON).first()
    if row is None:
        return {}
    return {part: {rate: getattr(row, f"{part}_{rate}") for rate in values} for part, values in DEFAULTS.items()}


# --- the figures and the three rates -----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Summed rollup counts of a set of tickets."""

    received: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    finished: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    basic: int = 0

    @classmethod
    def of(cls, values: dict[str, Any]) -> Figures:
        return cls(**{name: int(values.get(name) or 0) for name in COUNTS})


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def response_timeliness_rate(f: Figures) -> Fraction | None:
    """响应及时率 = responded on time / response judged.

    Denominator: tickets received in the period whose response has been judged, i.e. the citizen was
    contacted (on time or late) or the contact deadline passed without contact (marked late by the
    sweep). Numerator: those of them contacted within the time limit. None when nothing was judged.
    """
    return _ratio(f.responded_on_time, f.response_due)


def resolution_rate(f: Figures) -> Fraction | None:
    """问题解决率 = finished as resolved / finished.

    Denominator: tickets received in the period that are finished (办结, an outcome given, and not
    sent back for redoing since). Numerator: those finished with the outcome 已解决. None when none is finished.
    """
    return _ratio(f.resolved, f.finished)


def satisfaction_rate(f: Figures) -> Fraction | None:
    """群众满意率 = (满意 + 基本满意) / rated.

    Denominator: tickets received in the period whose callback (回访) gave a satisfaction. Numerator:
    those rated 满意 or 基本满意 (不满意 counts against). None when none is rated.
    """
    return _ratio(f.satisfied + f.basic, f.rated)


RATE_FUNCTIONS = {TIMELINESS: response_timeliness_rate, RESOLUTION: resolution_rate, SATISFACTION: satisfaction_rate}


def rates_of(f: Figures) -> dict[str, Fraction | None]:
    return {name: function(f) for name, function in RATE_FUNCTIONS.items()}


def composite_score(f: Figures, weights: dict[str, Fraction] | None = None) -> Fraction | None:
    """综合得分 = Σ weight × rate / Σ weight over the rates that exist (0–1); None when none exists."""
    weights = weights or RateSettings.current().weights
    present = {name: rate for name, rate in rates_of(f).items() if rate is not None}
    total = sum((weights[name] for name in present), Fraction(0))
    if not total:
        return None
    return sum((weights[name] * rate for name, rate in present.items()), Fraction(0)) / total


@dataclass(frozen=True)
class Failure:
    """One threshold a row falls under: the rate, its value and the threshold."""

    rate: str
    value: Fraction
    threshold: Fraction

    @property
    def label(self) -> str:
        return str(RATE_LABELS[self.rate])


def classify(f: Figures, config: RateSettings) -> tuple[str, list[Failure]]:
    """(``black``/``red``/``""``, thresholds fallen under): black if any rate is under its black threshold,
    red if all three rates exist and each is at or above its red mark; a rate that does not exist counts for neither.
    """
    rates = rates_of(f)
    failures = [
        Failure(name, rate, config.black_below[name])
        for name, rate in rates.items()
        if rate is not None and rate < config.black_below[name]
    ]
    if failures:
        return BLACK, failures
    if all(rate is not None and rate >= config.red_from[name] for name, rate in rates.items()):
        return RED, []
    return "", []


# --- reading rollups -----------------------------------------------------------------------------------


def rollups_in(period: Period, path: str | None = None) -> QuerySet[DemandRollup]:
    """Rollup rows of the tickets received in ``period``, held within the subtree at ``path``."""
    rows = DemandRollup.objects.filter(day__gte=period.start, day__lte=period.end)
    return rows.filter(subtree_q(path)) if path else rows


def _sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in COUNTS}


def figures(rows: QuerySet[Any]) -> Figures:
    """The summed figures of some rollup rows (one query)."""
    return Figures.of(rows.aggregate(**_sums()))


def figures_for(
    period: Period, *, unit: Unit | None = None, company: Company | None = None, project: Project | None = None
) -> Figures:
    """The figures of a period for a unit's subtree, a company or a project (any combination)."""
    path = unit.path if unit else None
    if company is None and project is None and period.whole_months:
        months = subtree_months(period)
        return figures(months.filter(unit=unit) if unit else months.filter(unit__parent__isnull=True))
    rows = rollups_in(period, path)
    if company is not None:
        rows = rows.filter(company_key=company.pk)
    if project is not None:
        rows = rows.filter(project_key=project.pk)
    return figures(rows)


def grouped(rows: QuerySet[Any], key: Any) -> dict[Any, Figures]:
    """Summed figures per value of ``key`` (a field name or expression), one query."""
    groups = (
        rows.annotate(group_key=F(key) if isinstance(key, str) else key)
        .values("group_key")
        .annotate(**_sums())
        .order_by()
    )
    return {g["group_key"]: Figures.of(g) for g in groups}


@dataclass
class RateRow:
    """One ranked or listed entity (unit, company or project) with its figures, rates, score and status."""

    entity: Any
    figures: Figures
    config: RateSettings
    rank: int | None = None
    lowest: bool = False
    rates: dict[str, Fraction | None] = field(init=False)
    score: Fraction | None = field(init=False)
    status: str = field(init=False)
    failures: list[Failure] = field(init=False)

    def __post_init__(self) -> None:
        self.rates = rates_of(self.figures)
        self.score = composite_score(self.figures, self.config.weights)
        self.status, self.failures = classify(self.figures, self.config)

    @property
    def name(self) -> str:
        return str(self.entity)

    def rate_list(self) -> list[Fraction | None]:
        return [self.rates[name] for name in RATE_NAMES]


def subtree_months(period: Period) -> QuerySet[DemandMonthRollup]:
    """Monthly subtree rows (each the totals of a unit's whole subtree) of a whole-month ``period``."""
    return DemandMonthRollup.objects.filter(month__gte=period.start, month__lte=period.end)


def child_figures(parent: Unit, period: Period) -> list[tuple[Unit, Figures]]:
    """The figures of each child unit of ``parent`` over its whole subtree, children in path order.

    Whole months read one monthly subtree row per child and month; other periods sum the daily rows.
    """
    if period.whole_months:
        by_branch = grouped(subtree_months(period).filter(unit__parent=parent), "org_path")
    else:
        prefix = Substr("org_path", 1, len(parent.path) + SEGMENT + 1)
        by_branch = grouped(rollups_in(period, parent.path), prefix)
    children = Unit.objects.filter(parent=parent).order_by("path")
    return [(child, by_branch.get(child.path, Figures())) for child in children]


def rank_rows(rows: list[RateRow]) -> list[RateRow]:
    """Rank scored rows best first, ties sharing a rank (1, 1, 3); mark the lowest (末三位) as
    ``docs/demand-rates.md`` states: a row whose score fewer than three rows fall below, when more than three
    rows are scored and its score is below the top one. Unscored rows come last, unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.entity.path))  # type: ignore[operator]
    first: dict[Fraction | None, int] = {}
    last: dict[Fraction | None, int] = {}
    for position, row in enumerate(scored):
        first.setdefault(row.score, position)
        last[row.score] = position
    for row in scored:
        row.rank = first[row.score] + 1
        below = len(scored) - last[row.score] - 1
        row.lowest = len(scored) > LOWEST_NAMED and below < LOWEST_NAMED and row.score != scored[0].score
    return scored + [r for r in rows if r.score is None]


def ranking(parent: Unit, period: Period, config: RateSettings | None = None) -> list[RateRow]:
    """Child units of ``parent`` by composite score, best first, ties sharing a rank; the lowest are marked."""
    config = config or RateSettings.current()
    return rank_rows([RateRow(unit, f, config) for unit, f in child_figures(parent, period)])


def lowest_named(rows: Iterable[RateRow]) -> list[RateRow]:
    """The lowest-scored units of a ranking (末三位, ties at the cut all named), lowest first."""
    return sorted((r for r in rows if r.lowest), key=lambda r: (r.score or 0, -(r.rank or 0)))


def _by_entity(rows: QuerySet[DemandRollup], field_name: str, model: type[Any], config: RateSettings) -> list[RateRow]:
    per_key = grouped(rows.exclude(**{field_name: 0}), field_name)
    entities = model.objects.in_bulk(list(per_key))
    found = [RateRow(entities[key], f, config) for key, f in per_key.items() if key in entities]
    return sorted(found, key=lambda r: (r.entity.name, r.entity.pk))


def red_black(kind: str, parent: Unit, period: Period, config: RateSettings | None = None) -> list[RateRow]:
    """Every unit (the children of ``parent``), company or project with figures in ``parent``'s subtree,
    with its status; the list pages show the black and red ones."""
    config = config or RateSettings.current()
    if kind == "units":
        return [RateRow(unit, f, config) for unit, f in child_figures(parent, period)]
    rows = rollups_in(period, parent.path)
    if kind == "companies":
        return _by_entity(rows, "company_key", Company, config)
    return _by_entity(rows, "project_key", Project, config)


LIST_KINDS = {"units": _("单位"), "companies": _("物业企业"), "projects": _("项目（小区）")}
