"""Rollups of demand figures (日汇总 / 月汇总), kept as tickets change; rates and lists read only these.

A ticket counts once, in the row of the day it was received (local time), the unit that holds it
(the handling unit once dispatched, the dispatcher unit before), its category, company and project.
Its counts say where it stands now:

- ``received``: 1 for every ticket;
- ``response_due``: 1 once its response was judged (``responded_on_time`` is True or False);
- ``responded_on_time``: 1 if the citizen was contacted within the time limit;
- ``finished``: 1 once finished (办结, an outcome is set); ``resolved``: 1 if the outcome is resolved;
- ``rated``: 1 once the callback gave a satisfaction; ``satisfied`` / ``basic``: 1 for 满意 / 基本满意.

The monthly row of a unit (``DemandMonthRollup``) holds the totals of its whole subtree for that month
(its own tickets and those of every unit below it, all categories, companies and projects): a ticket
counts in the monthly row of its unit and of each ancestor, changed in the same transaction as its
daily row. A ranking of child units then reads one row per child.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from luoshi.core import paths
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import Demand, DemandMonthRollup, DemandRollup, RollupCounts
from luoshi.orgs.models import Unit

COUNTS: tuple[str, ...] = (
    "received",
    "response_due",
    "responded_on_time",
    "finished",
    "resolved",
    "rated",
    "satisfied",
    "basic",
)
KEY_FIELDS: tuple[str, ...] = ("day", "unit_id", "category_id", "company_key", "project_key")


@dataclass(frozen=True)
class RollupKey:
    """Which rollup row a ticket counts in."""

    day: dt.date
    unit_id: int
    category_id: int
    company_key: int
    project_key: int
    org_path: str

    def lookup(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in KEY_FIELDS}


@dataclass(frozen=True)
class Facts:
    """A ticket's contribution to the rollups: its row and its counts (in the order of ``COUNTS``)."""

    key: RollupKey
    counts: tuple[int, ...]


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def facts(demand: Demand) -> Facts:
    """What a ticket contributes to the rollups right now (taken before a change, compared after)."""
    unit_id = demand.handling_unit_id or demand.dispatcher_unit_id
    key = RollupKey(
        day=demand.received_at.astimezone(local_zone()).date(),
        unit_id=unit_id,
        category_id=demand.category_id,
        company_key=demand.company_id or 0,
        project_key=demand.project_id or 0,
        org_path=demand.org_path,
    )
    finished = bool(demand.outcome)
    rated = bool(demand.satisfaction)
    counts = (
        1,
        int(demand.responded_on_time is not None),
        int(demand.responded_on_time is True),
        int(finished),
        int(finished and demand.outcome == Outcome.RESOLVED),
        int(rated),
        int(rated and demand.satisfaction == Satisfaction.SATISFIED),
        int(rated and demand.satisfaction == Satisfaction.BASIC),
    )
    return Facts(key, counts)


def _changes(counts: Sequence[int]) -> dict[str, Any]:
    return {name: F(name) + n for name, n in zip(COUNTS, counts, strict=True) if n}


def _add_daily(key: RollupKey, counts: Sequence[int]) -> None:
    """Add ``counts`` (may be negative) to the daily row of ``key``, creating it if needed; safe under concurrency."""
    changes = _changes(counts)
    if not changes:
        return
    rows = DemandRollup.objects.filter(**key.lookup())
    if not rows.update(**changes, org_path=key.org_path):
        DemandRollup.objects.bulk_create([DemandRollup(org_path=key.org_path, **key.lookup())], ignore_conflicts=True)
        rows.update(**changes, org_path=key.org_path)
    if min(counts) < 0:
        rows.filter(received=0).delete()


MonthDeltas = dict[tuple[dt.date, str], list[int]]


def _month_deltas(pairs: Iterable[tuple[Facts, int]]) -> MonthDeltas:
    """Per (month, unit path): the change of that unit's subtree totals, for each ancestor of each ticket."""
    deltas: MonthDeltas = {}
    for fact, sign in pairs:
        month = fact.key.day.replace(day=1)
        for path in paths.ancestors(fact.key.org_path):
            sums = deltas.setdefault((month, path), [0] * len(COUNTS))
            for i, n in enumerate(fact.counts):
                sums[i] += sign * n
    return deltas


def _unit_ids(unit_paths: Iterable[str]) -> dict[str, int]:
    wanted, found = sorted(set(unit_paths)), dict[str, int]()
    for start in range(0, len(wanted), 500):
        found.update(Unit.objects.filter(path__in=wanted[start : start + 500]).values_list("path", "pk"))
    return found


def _apply_month_deltas(deltas: MonthDeltas) -> None:
    """Add each delta to its monthly row, creating missing rows. Rows are locked root first (in path
    order), so concurrent changes wait on the root's row instead of deadlocking."""
    groups: dict[tuple[dt.date, tuple[int, ...]], list[str]] = {}
    for (month, path), delta in sorted(deltas.items()):
        if any(delta):
            groups.setdefault((month, tuple(delta)), []).append(path)
    for (month, change), group in groups.items():
        delta = list(change)
        rows = DemandMonthRollup.objects.filter(month=month, org_path__in=group)
        if rows.update(**_changes(delta)) < len(group):
            missing = set(group) - set(rows.values_list("org_path", flat=True))
            ids = _unit_ids(missing)
            empty = [DemandMonthRollup(month=month, unit_id=ids[p], org_path=p) for p in sorted(missing)]
            DemandMonthRollup.objects.bulk_create(empty, ignore_conflicts=True)
            DemandMonthRollup.objects.filter(month=month, org_path__in=missing).update(**_changes(delta))
        if min(delta) < 0:
            rows.filter(received=0).delete()


def on_demand_saved(before: Facts | None, demand: Demand) -> None:
    """Move the ticket's contribution from ``before`` to its current facts, inside the caller's transaction:
    first the daily rows, then the monthly subtree rows (always in that order, see ``_apply_month_deltas``)."""
    after = facts(demand)
    if before == after:
        return
    with transaction.atomic():
        if before is not None and before.key.lookup() != after.key.lookup():
            _add_daily(before.key, tuple(-n for n in before.counts))
            _add_daily(after.key, after.counts)
        else:
            old = before.counts if before else (0,) * len(COUNTS)
            _add_daily(after.key, tuple(a - b for a, b in zip(after.counts, old, strict=True)))
        pairs = [(after, 1)] if before is None else [(before, -1), (after, 1)]
        _apply_month_deltas(_month_deltas(pairs))


def on_unit_moved(sender: Any, unit: Unit, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A moved subtree's monthly totals leave its old ancestors and join its new ones (its own rows and
    those below it moved with their paths)."""
    old_above, new_above = paths.ancestors(old_path)[:-1], paths.ancestors(new_path)[:-1]
    deltas: MonthDeltas = {}
    for row in DemandMonthRollup.objects.filter(unit=unit):
        counts = [getattr(row, name) for name in COUNTS]
        for path in set(old_above) - set(new_above):
            deltas[(row.month, path)] = [-n for n in counts]
        for path in set(new_above) - set(old_above):
            deltas[(row.month, path)] = counts
    _apply_month_deltas(deltas)


def add_new(tickets: Iterable[Facts], batch_size: int = 1000) -> int:
    """Add the facts of many new tickets at once (bulk import): summed per row in memory, then one
    upsert per batch of rows, daily and monthly. Returns the number of daily rows touched."""
    daily: dict[RollupKey, list[int]] = {}
    months: dict[tuple[dt.date, str], list[int]] = {}
    for ticket in tickets:
        sums = daily.setdefault(ticket.key, [0] * len(COUNTS))
        for i, n in enumerate(ticket.counts):
            sums[i] += n
    for key, counts in daily.items():
        month = key.day.replace(day=1)
        for path in paths.ancestors(key.org_path):
            sums = months.setdefault((month, path), [0] * len(COUNTS))
            for i, n in enumerate(counts):
                sums[i] += n
    ids = _unit_ids(path for _, path in months)
    with transaction.atomic():
        daily_rows = [(*(getattr(k, f) for f in KEY_FIELDS), k.org_path, *v) for k, v in daily.items()]
        _upsert(DemandRollup, (*KEY_FIELDS, "org_path"), KEY_FIELDS, daily_rows, batch_size)
        month_rows = [(m, ids[p], p, *v) for (m, p), v in sorted(months.items())]
        _upsert(DemandMonthRollup, ("month", "unit_id", "org_path"), ("month", "unit_id"), month_rows, batch_size)
    return len(daily_rows)


def _count_sums() -> str:
    """The rollup counts of a set of ticket rows as SQL aggregates named as ``COUNTS`` (as ``ticket_counts``)."""
    cases = (
        "1",
        "CASE WHEN responded_on_time IS NULL THEN 0 ELSE 1 END",
        "CASE WHEN responded_on_time THEN 1 ELSE 0 END",
        "CASE WHEN outcome <> '' THEN 1 ELSE 0 END",
        f"CASE WHEN outcome = '{Outcome.RESOLVED}' THEN 1 ELSE 0 END",
        "CASE WHEN satisfaction <> '' THEN 1 ELSE 0 END",
        f"CASE WHEN satisfaction = '{Satisfaction.SATISFIED}' THEN 1 ELSE 0 END",
        f"CASE WHEN satisfaction = '{Satisfaction.BASIC}' THEN 1 ELSE 0 END",
    )
    return ", ".join(f"SUM({case}) AS {name}" for case, name in zip(cases, COUNTS, strict=True))


def _merge(table: str, conflict: Sequence[str]) -> str:
    return f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET " + ", ".join(
        f"{c} = {table}.{c} + excluded.{c}" for c in COUNTS
    )


def add_new_from_table(source: str) -> None:
    """Add the facts of many new tickets that sit in the table ``source`` (bulk import), in two SQL
    statements and without reading a ticket into Python: daily rows grouped by their key, then monthly
    rows of every ancestor. ``source`` has the ticket's columns, ``r_day`` (the local day received),
    ``r_month`` (its first day) and ``ok`` (only rows with ``ok`` count)."""
    daily, monthly = (connection.ops.quote_name(m._meta.db_table) for m in (DemandRollup, DemandMonthRollup))
    names = ", ".join(COUNTS)
    key = (
        "r_day, COALESCE(handling_unit_id, dispatcher_unit_id), category_id, "
        "COALESCE(company_id, 0), COALESCE(project_id, 0), org_path"
    )
    # Rows go in key order: the unique indexes then take them page by page, not at random.
    key_order = ", ".join(str(n) for n in range(1, len(KEY_FIELDS) + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {daily} ({', '.join(KEY_FIELDS)}, org_path, {names}) "  # noqa: S608
            f"SELECT {key}, {_count_sums()} FROM {source} WHERE ok GROUP BY {key} ORDER BY {key_order} "
            f"{_merge(daily, KEY_FIELDS)}"
        )
        cursor.execute(f"SELECT MAX(LENGTH(org_path)) FROM {source} WHERE ok")  # noqa: S608
        levels = (cursor.fetchone()[0] or 0) // (paths.SEGMENT + 1)
        if not levels:
            return
        level_rows = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(1, levels + 1))
        width, units = paths.SEGMENT + 1, connection.ops.quote_name(Unit._meta.db_table)
        sums = ", ".join(f"SUM(t.{c})" for c in COUNTS)
        cursor.execute(
            f"INSERT INTO {monthly} (month, unit_id, org_path, {names}) "  # noqa: S608
            f"SELECT t.r_month, u.id, u.path, {sums} FROM ("
            f"SELECT r_month, org_path, {_count_sums()} FROM {source} WHERE ok GROUP BY r_month, org_path"
            f") t JOIN ({level_rows}) l ON l.n * {width} <= LENGTH(t.org_path) "
            f"JOIN {units} u ON u.path = SUBSTR(t.org_path, 1, l.n * {width}) "
            # SQLite needs a WHERE before GROUP BY to read ON CONFLICT as the upsert clause.
            f"WHERE TRUE GROUP BY t.r_month, u.id, u.path ORDER BY t.r_month, u.id "
            f"{_merge(monthly, ('month', 'unit_id'))}"
        )


def _upsert(
    model: type[RollupCounts],
    columns: tuple[str, ...],
    conflict: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    batch_size: int,
) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding the counts to existing rows. PostgreSQL takes the rows by
    COPY into a temporary table and merges them in one statement; SQLite runs one prepared statement
    per row. ``rows`` must not repeat a key."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join((*columns, *COUNTS))
    # Table and column names are the model's own; every value is a parameter or goes through COPY.
    merge = f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET " + ", ".join(
        f"{c} = {table}.{c} + excluded.{c}" for c in COUNTS
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE rollup_in AS SELECT {names} FROM {table} WITH NO DATA")  # noqa: S608
            with cursor.cursor.copy(f"COPY rollup_in ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM rollup_in {merge}")  # noqa: S608
            cursor.execute("DROP TABLE rollup_in")
            return
        marks = ", ".join(["%s"] * (len(columns) + len(COUNTS)))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) {merge}"  # noqa: S608
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])


def ticket_counts() -> dict[str, Count]:
    """The rollup counts as aggregates over raw tickets (the same counts as ``facts``)."""
    return {
        "received": Count("pk"),
        "response_due": Count("pk", filter=Q(responded_on_time__isnull=False)),
        "responded_on_time": Count("pk", filter=Q(responded_on_time=True)),
        "finished": Count("pk", filter=Q(outcome__gt="")),
        "resolved": Count("pk", filter=Q(outcome=Outcome.RESOLVED)),
        "rated": Count("pk", filter=Q(satisfaction__gt="")),
        "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basic": Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
    }


def _recomputed(demands: QuerySet[Demand]) -> QuerySet[Demand, dict[str, Any]]:
    """One grouped query over raw tickets giving every rollup row, the same counts as ``facts``."""
    return (
        demands.annotate(
            r_day=TruncDate("received_at", tzinfo=local_zone()),
            r_unit=Coalesce("handling_unit_id", "dispatcher_unit_id"),
            r_company=Coalesce("company_id", 0),
            r_project=Coalesce("project_id", 0),
        )
        .values("r_day", "r_unit", "category_id", "r_company", "r_project", "org_path")
        .annotate(**ticket_counts())
        .order_by()
    )


def _row(group: dict[str, Any]) -> DemandRollup:
    return DemandRollup(
        day=group["r_day"],
        unit_id=group["r_unit"],
        category_id=group["category_id"],
        company_key=group["r_company"],
        project_key=group["r_project"],
        org_path=group["org_path"],
        **{name: group[name] for name in COUNTS},
    )


def recomputed_rows() -> Iterator[DemandRollup]:
    """The rollup rows as they should be, computed from raw tickets (streamed)."""
    for group in _recomputed(Demand.objects.all()).iterator(chunk_size=5000):
        yield _row(group)


def recomputed_month_rows() -> Iterator[DemandMonthRollup]:
    """The monthly subtree rows as they should be, summed from the daily rows, month by month (streamed)."""
    groups = (
        DemandRollup.objects.annotate(r_month=TruncMonth("day"))
        .values("r_month", "org_path")
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by("r_month")
    )
    ids = dict(Unit.objects.values_list("path", "pk"))
    current: dt.date | None = None
    totals: dict[str, list[int]] = {}
    for group in groups.iterator(chunk_size=5000):
        if group["r_month"] != current:
            if current is not None:
                yield from _month_rows(current, totals, ids)
            current, totals = group["r_month"], {}
        for path in paths.ancestors(group["org_path"]):
            sums = totals.setdefault(path, [0] * len(COUNTS))
            for i, name in enumerate(COUNTS):
                sums[i] += group[name]
    if current is not None:
        yield from _month_rows(current, totals, ids)


def _month_rows(month: dt.date, totals: dict[str, list[int]], ids: dict[str, int]) -> Iterator[DemandMonthRollup]:
    for path, sums in sorted(totals.items()):
        yield DemandMonthRollup(month=month, unit_id=ids[path], org_path=path, **dict(zip(COUNTS, sums, strict=True)))


def _write_all(model: type[RollupCounts], rows: Iterable[RollupCounts], batch_size: int) -> int:
    written = 0
    model._default_manager.all().delete()
    batch: list[RollupCounts] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            written += len(model._default_manager.bulk_create(batch))
            batch = []
    return written + len(model._default_manager.bulk_create(batch))


def rebuild(batch_size: int = 5000) -> int:
    """Replace every daily and monthly rollup row by a recomputation from raw tickets; returns the
    number of daily rows written."""
    with transaction.atomic():
        written = _write_all(DemandRollup, recomputed_rows(), batch_size)
        _write_all(DemandMonthRollup, recomputed_month_rows(), batch_size)
    return written
