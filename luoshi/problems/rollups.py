"""Subtree rollups of problem figures (问题分级汇总), kept as problems change; dashboards read only these.

``ProblemRollup`` holds, per campaign and unit, the figures of the unit's WHOLE subtree (its own problems
and those of every unit below it): a problem counts in the row of its unit and of each ancestor. Its
counts say where it stands now:

- ``total``: 1 for every problem; ``pending_claim`` … ``closed``: 1 in the column of its state;
- ``green`` / ``yellow`` / ``red``: 1 in the column of its light, open problems only;
- ``closed_on_time``: 1 if it is closed and was closed (local date) on or before its deadline.

``ProblemFacetRollup`` holds, per campaign and unit, the subtree's problems per aspect and per channel.

Every change of a problem moves its contribution inside the same transaction: the tracker's
``facts``/``moved`` hooks (transitions and extensions), ``services.file_problem`` and
``services.edit_problem`` (unit, aspect, channel, deadline), the daily light sweep
(``services.refresh_lights``), the ledger import (``batched``: one write for the whole file) and unit
moves (``orgs.signals.unit_moved``). ``rebuild`` recomputes every row from the problems in a few
GROUP BY queries (``luoshi rebuild_problem_rollups``).

Overdue (open and past the deadline) depends on the day asked about, so it is not a column: once the
daily sweep has computed a campaign's lights for that day (``ProblemLightsDay``), and transitions since
computed theirs for the same day, it equals ``red``. For any other day (or before the sweep has run) it
is ``red`` corrected by the open problems whose light is behind the day (red but not yet due, or not red
but already due), counted from the problems. Either way it is exact.

Rows are changed root first (in path order), so concurrent changes wait on the root's row instead of
deadlocking.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from luoshi.core import paths
from luoshi.orgs.models import Unit
from luoshi.problems.choices import Light, State
from luoshi.problems.models import Problem, ProblemFacetRollup, ProblemLightsDay, ProblemRollup

COUNTS: tuple[str, ...] = (
    "total",
    "pending_claim",
    "rectifying",
    "pending_review",
    "closed",
    "green",
    "yellow",
    "red",
    "closed_on_time",
)
OPEN_STATES: tuple[str, ...] = (State.PENDING_CLAIM, State.RECTIFYING, State.PENDING_REVIEW)
LIGHTS: tuple[str, ...] = (Light.GREEN, Light.YELLOW, Light.RED)
NOT_RED: tuple[str, ...] = (Light.GREEN, Light.YELLOW)
ASPECT, CHANNEL = ProblemFacetRollup.ASPECT, ProblemFacetRollup.CHANNEL
UPSERT_FROM = 24  # row groups from which one upsert beats an UPDATE per group


@dataclass(frozen=True)
class Facts:
    """A problem's contribution to the rollups: where it counts and its counts (in the order of ``COUNTS``)."""

    campaign_id: int
    org_path: str
    aspect_id: int
    channel_id: int
    counts: tuple[int, ...]


def closed_on_time(state: str, closed_at: dt.datetime | None, deadline: dt.date) -> bool:
    return state == State.CLOSED and closed_at is not None and timezone.localtime(closed_at).date() <= deadline


def facts(problem: Problem) -> Facts:
    """What a problem contributes right now (taken before a change, compared after)."""
    is_open = problem.state != State.CLOSED
    counts = (
        1,
        *(int(problem.state == s) for s in State.values),
        *(int(is_open and problem.light == c) for c in LIGHTS),
        int(closed_on_time(problem.state, problem.closed_at, problem.deadline)),
    )
    return Facts(problem.campaign_id, problem.org_path, problem.aspect_id, problem.channel_id, counts)


# --- writing ------------------------------------------------------------------------------------------

MainDeltas = dict[tuple[int, str], list[int]]  # (campaign, unit path) -> change of each count
FacetDeltas = dict[tuple[int, str, str, int], int]  # (campaign, unit path, facet, facet id) -> change of total

_pending: contextvars.ContextVar[list[tuple[Facts, int]] | None] = contextvars.ContextVar(
    "problem_rollups_pending", default=None
)


@contextmanager
def batched() -> Iterator[None]:
    """Collect every change made inside the block and write them at its end in one go (bulk imports).
    Must run inside the caller's transaction: the rollups are written before it commits."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        pairs = _pending.get() or []
    finally:
        _pending.reset(token)
    _write(pairs)


def on_saved(before: Facts | None, problem: Problem | None) -> None:
    """Move a problem's contribution from ``before`` (None: new) to its current facts (None: deleted)."""
    after = facts(problem) if problem is not None else None
    if before == after:
        return
    pairs = [(f, sign) for f, sign in ((before, -1), (after, 1)) if f is not None]
    pending = _pending.get()
    if pending is not None:
        pending.extend(pairs)
    else:
        _write(pairs)


def _deltas(pairs: Iterable[tuple[Facts, int]]) -> tuple[MainDeltas, FacetDeltas]:
    main: MainDeltas = {}
    facets: FacetDeltas = {}
    for fact, sign in pairs:
        for path in paths.ancestors(fact.org_path):
            sums = main.setdefault((fact.campaign_id, path), [0] * len(COUNTS))
            for i, n in enumerate(fact.counts):
                sums[i] += sign * n
            for facet, facet_id in ((ASPECT, fact.aspect_id), (CHANNEL, fact.channel_id)):
                key = (fact.campaign_id, path, facet, facet_id)
                facets[key] = facets.get(key, 0) + sign
    return main, facets


def _write(pairs: Sequence[tuple[Facts, int]]) -> None:
    if pairs:
        apply_deltas(*_deltas(pairs))


def apply_deltas(main: MainDeltas, facets: FacetDeltas) -> None:
    """Add the deltas to their rows (creating missing ones, removing emptied ones), root first."""
    main = {k: v for k, v in main.items() if any(v)}
    facets = {k: v for k, v in facets.items() if v}
    with transaction.atomic():
        _apply_main(main)
        _apply_facets(facets)


def _changes(names: Sequence[str], delta: Sequence[int]) -> dict[str, Any]:
    return {name: F(name) + n for name, n in zip(names, delta, strict=True) if n}


def _unit_ids(unit_paths: Iterable[str]) -> dict[str, int]:
    wanted, found = sorted(set(unit_paths)), dict[str, int]()
    for start in range(0, len(wanted), 500):
        found.update(Unit.objects.filter(path__in=wanted[start : start + 500]).values_list("path", "pk"))
    return found


def _apply_main(deltas: MainDeltas) -> None:
    groups: dict[tuple[int, tuple[int, ...]], list[str]] = {}
    for (campaign_id, path), delta in sorted(deltas.items()):
        groups.setdefault((campaign_id, tuple(delta)), []).append(path)
    if len(groups) >= UPSERT_FROM:
        rows = [(c, p, *d) for (c, p), d in sorted(deltas.items())]
        _upsert(ProblemRollup, ("campaign_id",), COUNTS, rows)
    else:
        for (campaign_id, change), group in groups.items():
            _update_or_create(ProblemRollup, {"campaign_id": campaign_id}, group, COUNTS, change)
    if any(min(d) < 0 for d in deltas.values()):
        for campaign_id, group in _by_campaign(deltas):
            ProblemRollup.objects.filter(campaign_id=campaign_id, org_path__in=group, total=0).delete()


def _apply_facets(deltas: FacetDeltas) -> None:
    groups: dict[tuple[int, str, int, int], list[str]] = {}
    for (campaign_id, path, facet, facet_id), n in sorted(deltas.items()):
        groups.setdefault((campaign_id, facet, facet_id, n), []).append(path)
    if len(groups) >= UPSERT_FROM:
        rows = [(c, f, i, p, n) for (c, p, f, i), n in sorted(deltas.items())]
        _upsert(ProblemFacetRollup, ("campaign_id", "facet", "facet_id"), ("total",), rows)
    else:
        for (campaign_id, facet, facet_id, n), group in groups.items():
            key = {"campaign_id": campaign_id, "facet": facet, "facet_id": facet_id}
            _update_or_create(ProblemFacetRollup, key, group, ("total",), (n,))
    if any(n < 0 for n in deltas.values()):
        for campaign_id, group in _by_campaign(deltas):
            ProblemFacetRollup.objects.filter(campaign_id=campaign_id, org_path__in=group, total=0).delete()


def _by_campaign(deltas: dict[Any, Any]) -> list[tuple[int, list[str]]]:
    found: dict[int, set[str]] = {}
    for key in deltas:
        found.setdefault(key[0], set()).add(key[1])
    return [(c, sorted(p)) for c, p in sorted(found.items())]


def _update_or_create(
    model: type[models.Model], key: dict[str, Any], group: list[str], names: Sequence[str], delta: Sequence[int]
) -> None:
    """UPDATE the rows of ``group`` (unit paths) by ``delta``; create the missing ones first if needed."""
    manager = model._default_manager
    rows = manager.filter(**key, org_path__in=group)
    if rows.update(**_changes(names, delta)) < len(group):
        missing = set(group) - set(rows.values_list("org_path", flat=True))
        ids = _unit_ids(missing)
        manager.bulk_create([model(**key, unit_id=ids[p], org_path=p) for p in sorted(missing)], ignore_conflicts=True)
        manager.filter(**key, org_path__in=missing).update(**_changes(names, delta))


def _upsert(
    model: type[models.Model], key: tuple[str, ...], names: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Add many deltas at once (``rows``: key values, unit path, counts; in key and path order): first the
    missing rows are inserted empty (a row whose delta has a negative count exists already), then every
    delta is added by one UPDATE each, sent as a batch, root first."""
    width = len(key) + 1
    rising = [row[:width] for row in rows if min(row[width:]) >= 0]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if rising:
            ids = _unit_ids(row[len(key)] for row in rising)
            columns = ", ".join((*key, "unit_id", "org_path", *names))
            marks = ", ".join(["%s"] * (width + 1 + len(names)))
            conflict = ", ".join((*key, "unit_id"))
            # Table and column names are the model's own; every value is a parameter.
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({conflict}) DO NOTHING"  # noqa: S608
            empty = [(*row[: len(key)], ids[row[len(key)]], row[len(key)], *[0] * len(names)) for row in rising]
            for start in range(0, len(empty), 1000):
                cursor.executemany(insert, empty[start : start + 1000])
        changes = ", ".join(f"{n} = {n} + %s" for n in names)
        where = " AND ".join(f"{k} = %s" for k in (*key, "org_path"))
        update = f"UPDATE {table} SET {changes} WHERE {where}"  # noqa: S608
        for start in range(0, len(rows), 1000):
            cursor.executemany(update, [(*row[width:], *row[:width]) for row in rows[start : start + 1000]])


def lights_changed(campaign_id: int, changes: Iterable[tuple[str, str, str]], day: dt.date) -> None:
    """The daily sweep moved open problems from one light to another (org path, old light, new light) and
    every open problem of the campaign now has its light as of ``day``."""
    defaults = {"day": day, "swept_on": timezone.localdate()}
    ProblemLightsDay.objects.update_or_create(campaign_id=campaign_id, defaults=defaults)
    index = {light: COUNTS.index(light) for light in LIGHTS}
    own: dict[str, list[int]] = {}
    for path, old, new in changes:
        sums = own.setdefault(path, [0] * len(COUNTS))
        if old in index:
            sums[index[old]] -= 1
        if new in index:
            sums[index[new]] += 1
    main: MainDeltas = {}
    for path, sums in own.items():
        for above in paths.ancestors(path):
            into = main.setdefault((campaign_id, above), [0] * len(COUNTS))
            for i, n in enumerate(sums):
                into[i] += n
    apply_deltas(main, {})


def on_unit_moved(sender: Any, unit: Unit, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A moved subtree's totals leave its old ancestors and join its new ones (its own rows and those
    below it moved with their paths)."""
    old_above, new_above = paths.ancestors(old_path)[:-1], paths.ancestors(new_path)[:-1]
    leaving, joining = set(old_above) - set(new_above), set(new_above) - set(old_above)
    main: MainDeltas = {}
    for row in ProblemRollup.objects.filter(unit=unit):
        counts = [getattr(row, name) for name in COUNTS]
        for path in leaving:
            main[(row.campaign_id, path)] = [-n for n in counts]
        for path in joining:
            main[(row.campaign_id, path)] = counts
    facets: FacetDeltas = {}
    for facet in ProblemFacetRollup.objects.filter(unit=unit):
        for path in leaving:
            facets[(facet.campaign_id, path, facet.facet, facet.facet_id)] = -facet.total
        for path in joining:
            facets[(facet.campaign_id, path, facet.facet, facet.facet_id)] = facet.total
    apply_deltas(main, facets)


# --- recomputing --------------------------------------------------------------------------------------


def problem_counts() -> dict[str, Count]:
    """The rollup counts as aggregates over problem rows (the same counts as ``facts``)."""
    is_open = Q(state__in=OPEN_STATES)
    found = {"total": Count("id")}
    found.update({s: Count("id", filter=Q(state=s)) for s in State.values})
    found.update({c: Count("id", filter=is_open & Q(light=c)) for c in LIGHTS})
    found["closed_on_time"] = Count("id", filter=Q(state=State.CLOSED, closed_at__date__lte=F("deadline")))
    return found


Table = tuple[dict[tuple[int, str], tuple[int, ...]], dict[tuple[int, str, str, int], int]]


def recomputed(problems: models.QuerySet[Problem] | None = None) -> Table:
    """Every rollup row as it should be, from a GROUP BY over the problems: (main rows, facet rows)."""
    problems = Problem.objects.all() if problems is None else problems
    main: dict[tuple[int, str], list[int]] = {}
    groups = problems.values("campaign_id", "org_path").annotate(**problem_counts()).order_by()
    for group in groups.iterator(chunk_size=5000):
        for path in paths.ancestors(group["org_path"]):
            sums = main.setdefault((group["campaign_id"], path), [0] * len(COUNTS))
            for i, name in enumerate(COUNTS):
                sums[i] += group[name]
    facets: dict[tuple[int, str, str, int], int] = {}
    for facet, field in ((ASPECT, "aspect_id"), (CHANNEL, "channel_id")):
        rows = problems.values_list("campaign_id", "org_path", field).annotate(n=Count("id")).order_by()
        for campaign_id, org_path, facet_id, n in rows.iterator(chunk_size=5000):
            for path in paths.ancestors(org_path):
                key = (campaign_id, path, facet, facet_id)
                facets[key] = facets.get(key, 0) + n
    return {k: tuple(v) for k, v in main.items()}, facets


def current() -> Table:
    """The rollup rows as stored, in the shape of ``recomputed`` (for checks and tests)."""
    rows = ProblemRollup.objects.values_list("campaign_id", "org_path", *COUNTS)
    main = {(c, p): tuple(rest) for c, p, *rest in rows}
    facet_rows = ProblemFacetRollup.objects.values_list("campaign_id", "org_path", "facet", "facet_id", "total")
    facets = {(c, p, f, i): n for c, p, f, i, n in facet_rows}
    return main, facets


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Plain INSERT of many rows: COPY on PostgreSQL, one prepared statement per batch elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)  # noqa: S608


def rebuild() -> int:
    """Replace every rollup row by a recomputation from the problems; returns the number of rows written.

    On PostgreSQL the rollup tables are locked first: changes under way finish before the recount reads
    the problems, and those that follow wait until the new rows are written, so none is lost or doubled."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (ProblemRollup, ProblemFacetRollup))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        main, facets = recomputed()
        ids = dict(Unit.objects.values_list("path", "pk"))
        ProblemRollup.objects.all().delete()
        ProblemFacetRollup.objects.all().delete()
        _insert(
            ProblemRollup,
            ("campaign_id", "unit_id", "org_path", *COUNTS),
            ((c, ids[p], p, *counts) for (c, p), counts in sorted(main.items())),
        )
        _insert(
            ProblemFacetRollup,
            ("campaign_id", "unit_id", "org_path", "facet", "facet_id", "total"),
            ((c, ids[p], p, f, i, n) for (c, p, f, i), n in sorted(facets.items())),
        )
    return len(main) + len(facets)


# --- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemFigures:
    """A subtree's headline figures (for rankings and reports)."""

    total: int
    open: int
    closed: int
    overdue: int
    closed_on_time: int
    red: int
    yellow: int

    @property
    def closure_rate(self) -> float | None:
        """销号率 in percent; None without problems."""
        return self.closed / self.total * 100 if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        """按期销号率 in percent of the closed problems; None when none is closed."""
        return self.closed_on_time / self.closed * 100 if self.closed else None


def _outermost(unit_paths: Iterable[str]) -> list[str]:
    tops: list[str] = []
    for path in sorted(set(unit_paths)):
        if not tops or not paths.is_within(path, tops[-1]):
            tops.append(path)
    return tops


def late_corrections(swept: dict[int, dt.date | None], unit_paths: Iterable[str], today: dt.date) -> dict[str, int]:
    """Per org path, overdue minus red among open problems under ``unit_paths``: +1 for each not red but past
    its deadline, -1 for each red but not past it, in the campaigns of ``swept`` (campaign -> the day from
    which every open problem's light was computed, or None when unknown); one query.

    Asked about today or later, in a campaign whose lights were computed for days from ``d`` to today, no
    red one is due later and the not red ones past their deadline are due from ``d`` on: a narrow deadline
    range of the ``problem_light_late`` index instead of a scan of the subtree."""
    tops = _outermost(unit_paths)
    if not tops or not swept:
        return {}
    within = Q()
    for top in tops:
        within |= paths.subtree_q(top)
    late = Q()
    for campaign_id, day in sorted(swept.items(), key=lambda item: item[0]):
        if day is not None and day <= today and today >= timezone.localdate():
            late |= Q(campaign_id=campaign_id, light__in=NOT_RED, deadline__gte=day, deadline__lt=today)
        else:
            either = Q(light=Light.RED, deadline__gte=today) | Q(light__in=NOT_RED, deadline__lt=today)
            late |= Q(campaign_id=campaign_id) & either
    problems = Problem.objects.filter(late, within, state__in=OPEN_STATES)
    rows = (
        problems.values("org_path")
        .annotate(plus=Count("id", filter=~Q(light=Light.RED)), minus=Count("id", filter=Q(light=Light.RED)))
        .order_by()
    )
    return {row["org_path"]: row["plus"] - row["minus"] for row in rows}


def lights_swept(campaign_ids: Iterable[int]) -> dict[int, tuple[dt.date, dt.date] | None]:
    """Per campaign, (the day its lights were last swept for, the day that sweep ran), or None: never."""
    wanted = set(campaign_ids)
    found: dict[int, tuple[dt.date, dt.date] | None] = dict.fromkeys(wanted)
    for campaign_id, day, swept_on in ProblemLightsDay.objects.filter(campaign_id__in=wanted).values_list(
        "campaign_id", "day", "swept_on"
    ):
        found[campaign_id] = (day, swept_on)
    return found


def tallies(campaign_id: int | None, units: Sequence[Unit], today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per unit given: its subtree's counts (``COUNTS``) and ``overdue`` as of ``today``: two queries when the
    day's sweep has run, one more to correct overdue otherwise."""
    today = today or timezone.localdate()
    found: dict[int, dict[str, int]] = {u.pk: dict.fromkeys((*COUNTS, "overdue"), 0) for u in units}
    if not units:
        return found
    rows = ProblemRollup.objects.filter(unit_id__in=[u.pk for u in units])
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    campaigns: set[int] = set()
    for row_campaign, unit_id, *counts in rows.values_list("campaign_id", "unit_id", *COUNTS).order_by():
        campaigns.add(row_campaign)
        into = found[unit_id]
        for name, n in zip(COUNTS, counts, strict=True):
            into[name] += n
    for tally in found.values():
        tally["overdue"] = tally["red"]
    behind: dict[int, dt.date | None] = {}
    for campaign, sweep in lights_swept(campaigns).items():
        if sweep is None or sweep[0] > sweep[1]:  # never swept, or swept for a later day than it ran
            behind[campaign] = None
        elif sweep[0] != today:
            behind[campaign] = sweep[0]
    if not behind:
        return found
    by_path: dict[str, list[int]] = {}
    for unit in units:
        by_path.setdefault(unit.path, []).append(unit.pk)
    for org_path, n in late_corrections(behind, by_path, today).items():
        for path in paths.ancestors(org_path):
            for unit_id in by_path.get(path, ()):
                found[unit_id]["overdue"] += n
    return found


def facet_totals(campaign_id: int | None, units: Sequence[Unit]) -> tuple[dict[int, int], dict[int, int]]:
    """Problems per aspect and per channel in the subtrees of ``units`` (taken as disjoint), in one query."""
    aspects: dict[int, int] = {}
    channels: dict[int, int] = {}
    if not units:
        return aspects, channels
    rows = ProblemFacetRollup.objects.filter(unit_id__in=[u.pk for u in units])
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    for facet, facet_id, n in rows.values_list("facet", "facet_id", "total").order_by():
        into = aspects if facet == ASPECT else channels
        into[facet_id] = into.get(facet_id, 0) + n
    return aspects, channels


def figures_of(tally: dict[str, int]) -> ProblemFigures:
    return ProblemFigures(
        total=tally["total"],
        open=tally["total"] - tally["closed"],
        closed=tally["closed"],
        overdue=tally["overdue"],
        closed_on_time=tally["closed_on_time"],
        red=tally["red"],
        yellow=tally["yellow"],
    )


def subtree_figures(campaign_id: int | None, units: Sequence[Unit]) -> dict[int, ProblemFigures]:
    """For each unit given (by pk), its whole subtree's figures (campaign None: all campaigns), as of today.
    A few queries whatever the number of units or problems (``tallies``). Scope is the caller's business."""
    return {unit_id: figures_of(t) for unit_id, t in tallies(campaign_id, units).items()}
