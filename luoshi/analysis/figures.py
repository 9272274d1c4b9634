"""The figures of one monthly report, gathered once into plain JSON (the snapshot's ``figures``).

Everything is read from the mechanisms' read side, by district (the children of the campaign's unit):

- 问题整改: ``luoshi.problems.rollups.subtree_figures`` (rollups, never a scan of every problem);
- 重点任务: top-level key-task assignments grouped by district in one query, and the campaign's weighted percent;
- 民生实事: ``luoshi.livelihood.queries.campaign_figures`` per district;
- 接诉即办: ``luoshi.demands.rates`` on the monthly rollups of the tickets received in the month;
- 定期报送: ``luoshi.collection.queries.month_completion`` (the rounds due in the month);
- 晾晒: ``luoshi.rankings.queries.latest_published`` (the latest ranking whose period ended by the month's end);
- 环比: the headline of the latest snapshot of the previous month, and the previous month's demand rates.

Rates and progress are percents (0–100) to six places, or None where nothing is counted; counts
are integers. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from luoshi.analysis.models import MonthlySnapshot
from luoshi.campaigns.models import Campaign
from luoshi.collection.queries import month_completion
from luoshi.core.paths import SEGMENT, subtree_q
from luoshi.demands import rates
from luoshi.livelihood.queries import campaign_figures
from luoshi.orgs.models import Unit
from luoshi.problems.rollups import ProblemFigures, subtree_figures
from luoshi.rankings.queries import latest_published
from luoshi.tasks.choices import State as TaskState
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.queries import campaign_percent, overdue_q

FORMAT_VERSION = 1
LOWEST_NAMED = 3
HEADLINE_KEYS = (
    "problems_total",
    "problems_closed",
    "problems_open",
    "problems_overdue",
    "closure_rate",
    "on_time_rate",
    "tasks_total",
    "tasks_done",
    "tasks_progress",
    "livelihood_completed",
    "livelihood_progress",
    "demand_score",
)
Number = int | float | Decimal | Fraction | None


def percent(value: Number, *, fraction: bool = False) -> float | None:
    """A percent (0–100) to six places (shown to one, half up); ``fraction`` when ``value`` is a share (0–1)."""
    if value is None:
        return None
    exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    return round(float(exact * 100 if fraction else exact), 6)


def districts_of(campaign: Campaign) -> list[Unit]:
    """The units a report compares: the children of the campaign's unit, in tree order."""
    return list(Unit.objects.filter(parent=campaign.unit).order_by("path"))


def _unit_entry(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "path": unit.path}


# --- 问题整改 ---------------------------------------------------------------------------------------


def _problem_row(found: ProblemFigures) -> dict[str, Any]:
    return {
        "total": int(found.total),
        "open": int(found.open),
        "closed": int(found.closed),
        "overdue": int(found.overdue),
        "closed_on_time": int(found.closed_on_time),
        "red": int(found.red),
        "yellow": int(found.yellow),
        "closure_rate": percent(found.closure_rate),
        "on_time_rate": percent(found.on_time_rate),
    }


def problem_figures(campaign: Campaign, districts: list[Unit]) -> dict[str, Any]:
    found = subtree_figures(campaign.pk, [campaign.unit, *districts])
    empty = _problem_row(ProblemFigures(0, 0, 0, 0, 0, 0, 0))
    rows = [{**_unit_entry(u), **(_problem_row(found[u.pk]) if u.pk in found else empty)} for u in districts]
    total = _problem_row(found[campaign.unit.pk]) if campaign.unit.pk in found else empty
    return {"rows": rows, "total": total}


# --- 重点任务 ---------------------------------------------------------------------------------------


def _task_figures(group: Mapping[str, Any]) -> dict[str, Any]:
    total = int(group.get("total") or 0)
    progress = percent(Fraction(int(group.get("percent_sum") or 0), total)) if total else None
    return {
        "total": total,
        "done": int(group.get("done") or 0),
        "overdue": int(group.get("overdue") or 0),
        "progress": progress,
    }


def task_figures(campaign: Campaign, districts: list[Unit], today: dt.date) -> dict[str, Any]:
    """Top-level assignments (not revoked) by district: how many, done, overdue and their mean percent
    (done counting 100); one grouped query, plus the campaign's progress weighted by task weights."""
    counted = Case(When(state=TaskState.DONE, then=Value(100)), default=F("percent"), output_field=IntegerField())
    sums = {
        "total": Count("id"),
        "done": Count("id", filter=Q(state=TaskState.DONE)),
        "overdue": Count("id", filter=overdue_q(today)),
        "percent_sum": Sum(counted),
    }
    path = campaign.unit.path
    rows = (
        TaskAssignment.objects.filter(task__campaign=campaign, parent__isnull=True)
        .exclude(state=TaskState.REVOKED)
        .filter(subtree_q(path))
        .order_by()
    )
    by_branch = {
        g["branch"]: g
        for g in rows.annotate(branch=Substr("org_path", 1, len(path) + SEGMENT + 1)).values("branch").annotate(**sums)
    }
    total = rows.aggregate(**sums)
    return {
        "rows": [{**_unit_entry(u), **_task_figures(by_branch.get(u.path, {}))} for u in districts],
        "total": _task_figures(total),
        "campaign_progress": percent(campaign_percent(campaign)),
    }


# --- 民生实事 ---------------------------------------------------------------------------------------


def _livelihood(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "projects": int(found["projects_total"]),
        "completed": int(found["projects_completed"]),
        "stopped": int(found["projects_stopped"]),
        "tasks": int(found["tasks_total"]),
        "tasks_done": int(found["tasks_done"]),
        "progress": percent(found["progress"]) if found["projects_total"] else None,
        "satisfaction": percent(found["satisfaction_rate"]),
    }


def livelihood_figures(campaign: Campaign, districts: list[Unit]) -> dict[str, Any]:
    rows = [{**_unit_entry(u), **_livelihood(campaign_figures(campaign, u))} for u in districts]
    return {"rows": rows, "total": _livelihood(campaign_figures(campaign))}


# --- 接诉即办 ---------------------------------------------------------------------------------------


def _demand(found: rates.Figures, config: rates.RateSettings) -> dict[str, Any]:
    shares = rates.rates_of(found)
    status, failures = rates.classify(found, config)
    return {
        "received": found.received,
        "timeliness": percent(shares[rates.TIMELINESS], fraction=True),
        "resolution": percent(shares[rates.RESOLUTION], fraction=True),
        "satisfaction": percent(shares[rates.SATISFACTION], fraction=True),
        "score": percent(rates.composite_score(found, config.weights), fraction=True),
        "status": status,
        "failures": [str(f.label) for f in failures],
    }


def _named(rows: list[rates.RateRow], status: str) -> list[str]:
    return [row.name for row in rows if row.status == status]


def demand_figures(campaign: Campaign, period: rates.Period, previous: rates.Period) -> dict[str, Any]:
    """The three rates and the composite score by district for the tickets received in ``period``, the
    ranking, and the red and black lists (units, property companies, projects)."""
    config = rates.RateSettings.current()
    unit = campaign.unit
    ranked = {row.entity.pk: row for row in rates.ranking(unit, period, config)}
    rows = []
    for child, found in rates.child_figures(unit, period):
        row = ranked.get(child.pk)
        place = {"rank": row.rank if row else None, "lowest": bool(row and row.lowest)}
        rows.append({**_unit_entry(child), **_demand(found, config), **place})
    lists = {}
    for kind in ("units", "companies", "projects"):
        listed = rates.red_black(kind, unit, period, config)
        lists[kind] = {"red": _named(listed, rates.RED), "black": _named(listed, rates.BLACK)}
    return {
        "rows": rows,
        "total": _demand(rates.figures_for(period, unit=unit), config),
        "previous_total": _demand(rates.figures_for(previous, unit=unit), config),
        "lists": lists,
        "weights": {name: percent(value, fraction=True) for name, value in config.weights.items()},
    }


# --- 定期报送 and 晾晒 ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as JSON: dates as ISO text, numbers as numbers (two places), anything else as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{moment:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal | Fraction):
        return round(float(value), 2)
    return str(value)


COLLECTION_KEYS = ("round_id", "title", "deadline", "targets", "submitted", "accepted", "late", "returned", "pending")


def collection_figures(campaign: Campaign, period: rates.Period) -> dict[str, Any]:
    """The collection rounds (定期报送) whose deadline falls in the month, with their completion."""
    found = month_completion(campaign, period.start, period.end)
    return {"rounds": [{k: _plain(row.get(k)) for k in COLLECTION_KEYS} for row in found]}


def _ranking_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": _plain(row.get("rank")),
        "unit": str(row.get("unit_name") or ""),
        "score": _plain(row.get("score")),
        "band": str(row.get("band") or ""),
    }


def ranking_figures(campaign: Campaign, period: rates.Period) -> dict[str, Any] | None:
    """The latest published ranking (晾晒) whose period ended by the month's end: its top and bottom three."""
    after = period.end + dt.timedelta(days=1)
    found = latest_published(campaign, before=after)
    if found is None:
        return None
    rows = sorted(found.rows, key=lambda r: (r.get("rank") is None, r.get("rank") or 0, str(r.get("unit_name"))))
    ordered = [_ranking_row(r) for r in rows]
    return {
        "title": str(found),
        "period": found.period_key,
        "published_at": _plain(found.published_at),
        "top": ordered[:LOWEST_NAMED],
        "bottom": ordered[-LOWEST_NAMED:][::-1] if len(ordered) > LOWEST_NAMED else [],
    }


# --- 环比 and the whole snapshot -------------------------------------------------------------------------


def headline(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures compared month over month."""
    problems, tasks = figures["problems"]["total"], figures["tasks"]
    livelihood, demands = figures["livelihood"]["total"], figures["demands"]["total"]
    return {
        "problems_total": problems["total"],
        "problems_closed": problems["closed"],
        "problems_open": problems["open"],
        "problems_overdue": problems["overdue"],
        "closure_rate": problems["closure_rate"],
        "on_time_rate": problems["on_time_rate"],
        "tasks_total": tasks["total"]["total"],
        "tasks_done": tasks["total"]["done"],
        "tasks_progress": tasks["campaign_progress"],
        "livelihood_completed": livelihood["completed"],
        "livelihood_progress": livelihood["progress"],
        "demand_score": demands["score"],
    }


def previous_snapshot(campaign: Campaign, month: dt.date, before: dt.datetime) -> MonthlySnapshot | None:
    """The latest snapshot of the month before ``month`` taken by ``before``."""
    start = (month - dt.timedelta(days=1)).replace(day=1)
    found = MonthlySnapshot.objects.filter(campaign=campaign, month=start, taken_at__lte=before)
    return found.order_by("-taken_at", "-id").first()


def previous_period(period: rates.Period) -> rates.Period:
    last = period.start - dt.timedelta(days=1)
    return rates.Period.month(last.year, last.month)


def collect(campaign: Campaign, month: dt.date, taken_at: dt.datetime) -> dict[str, Any]:
    """Every figure of the report of ``campaign`` for ``month`` (its first day), as of ``taken_at``."""
    period = rates.Period.month(month.year, month.month)
    today = timezone.localtime(taken_at).date()
    districts = districts_of(campaign)
    figures: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "campaign": {"id": campaign.pk, "name": campaign.name, "unit": campaign.unit.name},
        "month": period.key,
        "taken_at": timezone.localtime(taken_at).isoformat(),
        "districts": [_unit_entry(u) for u in districts],
        "problems": problem_figures(campaign, districts),
        "tasks": task_figures(campaign, districts, today),
        "livelihood": livelihood_figures(campaign, districts),
        "demands": demand_figures(campaign, period, previous_period(period)),
        "collection": collection_figures(campaign, period),
        "ranking": ranking_figures(campaign, period),
    }
    figures["headline"] = headline(figures)
    before = previous_snapshot(campaign, month, taken_at)
    figures["previous"] = (
        None
        if before is None
        else {
            "snapshot": before.pk,
            "taken_at": before.figures.get("taken_at", before.taken_at.isoformat()),
            "headline": {k: before.figures.get("headline", {}).get(k) for k in HEADLINE_KEYS},
        }
    )
    return figures
