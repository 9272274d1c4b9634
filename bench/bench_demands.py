"""Citizen demands at province scale: import rate beside PostgreSQL COPY, and the monthly ranking of the
root's child units from rollups beside the same figures by a GROUP BY over the raw tickets.

For each database (a fresh SQLite file in a temporary folder; PostgreSQL ``luoshi_bench``, created and
dropped here), a worker process migrates, builds an org tree of ``--units`` units, writes a hotline
export of the tickets (12 months, CSV, deterministic), then

- loads the file with ``COPY … FROM STDIN (FORMAT csv)`` into a plain staging table of text columns
  (PostgreSQL; the limit of what the server can take in), and on SQLite with ``executemany`` into the
  same staging table;
- imports the same file through ``luoshi.demands.imports.import_demands`` (validation, encryption of
  personal data, tickets and rollups, all or nothing), and prints both rates side by side, with the
  import's phases (read, check and stage; duplicate check; write of tickets and rollups);
- on PostgreSQL, writes the imported tickets once more by ``INSERT … SELECT`` into a copy of the ticket
  table with its indexes: what storing converted tickets costs the server alone, the floor under any import;
  and once more into a copy without indexes, building the same indexes afterwards (``CREATE INDEX``, which
  sorts): the floor of a bulk load that may take the table offline;
- times the import's Python work alone on the file's first 40,000 rows (reading, checking and
  converting; of that the encryption of personal data), in µs of one core a ticket;
- times ``rates.ranking`` (the three rates and the composite score of every child unit of the root
  for the last month, read from the monthly rollups) and the same figures by one GROUP BY over the
  raw tickets, p50 and p95 over ``--runs`` runs, and checks that both give the same figures.

    uv run python -m bench.bench_demands [--units 100000] [--tickets-pg 10000000] [--tickets-sqlite 1000000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
COPY_CHUNK = 1 << 20


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    units: int = 0
    tickets: int = 0
    file_mb: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    per_ticket_us: dict[str, float] = field(default_factory=dict)
    ranking_ms: dict[str, float] = field(default_factory=dict)
    groupby_ms: dict[str, float] = field(default_factory=dict)
    rollup_rows: dict[str, int] = field(default_factory=dict)
    same_figures: bool = False
    children: int = 0
    month: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--tickets-pg", type=int, default=10_000_000)
    parser.add_argument("--tickets-sqlite", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    parser.add_argument("--tickets", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parent: one worker process per backend, then the table -------------------------------------------


def _options(args: argparse.Namespace, backend: str, tickets: int) -> list[str]:
    options = ["--worker", backend, "--units", str(args.units), "--tickets", str(tickets)]
    return [*options, "--runs", str(args.runs), "--seed", str(args.seed)]


def _result(backend: str, found: dict[str, Any] | str) -> Result:
    return Result(backend, error=found) if isinstance(found, str) else Result(**found)


def run_sqlite(args: argparse.Namespace) -> Result:
    return _result("sqlite", run_on_sqlite("bench.bench_demands", _options(args, "sqlite", args.tickets_sqlite)))


def run_postgresql(args: argparse.Namespace) -> Result:
    options = _options(args, "postgresql", args.tickets_pg)
    return _result("postgresql", run_on_postgresql("bench.bench_demands", args.pg, options))


def print_figures(r: Result) -> None:
    print(f"\n{r.backend} {r.version}")
    if r.error:
        print(f"  {r.error}")
        return
    s = r.seconds
    copy_rate, import_rate = r.tickets / s["copy"], r.tickets / s["import"]
    copy_label = "COPY (staging table)" if r.backend == "postgresql" else "executemany (staging table)"
    print(f"  {r.units:,} units, {r.tickets:,} tickets over 12 months, file {r.file_mb:,.0f} MB")
    print(f"  {copy_label:<30} {s['copy']:9.1f} s  {copy_rate:>10,.0f} rows/s")
    print(f"  {'import_demands':<30} {s['import']:9.1f} s  {import_rate:>10,.0f} tickets/s")
    print(f"  import / load rate             {import_rate / copy_rate:9.1%}   (target ≥ 25 % of COPY)")
    phases = ", ".join(f"{name} {s[name]:.1f} s" for name in PHASES.values() if name in s)
    print(f"    phases of the import: {phases}")
    if r.backend == "postgresql":
        print("    (on PostgreSQL tickets are written while the file is read; write is the rest and the rollups)")
    if r.per_ticket_us:
        us, budget = r.per_ticket_us, 1e6 / (0.25 * copy_rate)
        print(f"    one core a ticket: read {us['read']} µs, check and convert {us['check']} µs (encryption,")
        print(f"    index and mask {us['crypto']} µs of it); 25 % of the load rate leaves {budget:.1f} µs a ticket")
    if "ticket_table" in s:
        floor = r.tickets / s["ticket_table"]
        print(f"  {'INSERT … SELECT into a copy':<30} {s['ticket_table']:9.1f} s  {floor:>10,.0f} tickets/s")
        print(f"    of the ticket table (its indexes, no FK checks, no rollups): {floor / copy_rate:.1%} of COPY")
    if "bulk_table" in s:
        bulk = r.tickets / s["bulk_table"]
        print(f"  {'the same, indexes built after':<30} {s['bulk_table']:9.1f} s  {bulk:>10,.0f} tickets/s")
        print(f"    (INSERT into a bare copy, then CREATE INDEX for each index): {bulk / copy_rate:.1%} of COPY")
    print(f"  rollup rows: {r.rollup_rows}")
    print(f"  ranking of {r.children} child units of the root, {r.month}:")
    print(f"    from monthly rollups          p50 {r.ranking_ms['p50']:8.1f} ms  p95 {r.ranking_ms['p95']:8.1f} ms")
    print(f"    GROUP BY over raw tickets     p50 {r.groupby_ms['p50']:8.1f} ms  p95 {r.groupby_ms['p95']:8.1f} ms")
    print(f"    same figures: {'yes' if r.same_figures else 'NO'}; target ≤ 100 ms")


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    print(f"machine: {describe()}; load average {os.getloadavg()[0]:.1f} at start")
    runners = {"sqlite": run_sqlite, "postgresql": run_postgresql}
    for backend in args.backends.split(","):
        log(f"== {backend}")
        print_figures(runners[backend.strip()](args))


# -- the worker ---------------------------------------------------------------------------------------


def _timed_runs(fn: Callable[[], Any], runs: int) -> tuple[dict[str, float], Any]:
    fn()  # warm-up
    samples, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"p50": round(statistics.median(samples), 2), "p95": round(p95, 2)}, value


def _staging_columns() -> list[str]:
    from luoshi.demands.imports import COLUMNS

    return [f"c{i}" for i in range(len(COLUMNS))]


def load_reference(path: Path) -> float:
    """Seconds to load the file into a staging table of text columns: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    columns = _staging_columns()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_staging ({', '.join(c + ' text' for c in columns)})")
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _copy(path, columns)
    else:
        _executemany(path, columns)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_staging")
    return seconds


def _copy(path: Path, columns: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as fh:
        statement = f"COPY bench_staging ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        with cursor.cursor.copy(statement) as copy:
            while chunk := fh.read(COPY_CHUNK):
                copy.write(chunk)


def _executemany(path: Path, columns: list[str]) -> None:
    from django.db import connection, transaction

    marks = ", ".join("%s" for _ in columns)
    with transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        while batch := list(itertools.islice(rows, 10_000)):
            cursor.executemany(f"INSERT INTO bench_staging VALUES ({marks})", batch)


def _importer(city: Any) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from luoshi.access.models import RoleAssignment
    from luoshi.access.roles import Role

    user = get_user_model().objects.create(
        username="bench_dispatcher", display_name="市热线", password=make_password(None)
    )
    RoleAssignment.objects.create(user=user, role=Role.DISPATCHER, unit=city)
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, unit=city)
    return user


PHASES = {82: "read_check_stage", 88: "duplicates", 100: "write"}


def import_file(actor: Any, path: Path) -> dict[str, float]:
    """Seconds of the whole import and of its phases, told apart by the import's own progress reports."""
    from luoshi.demands.imports import import_demands

    started = time.perf_counter()
    marks = {"start": started}

    def progress(percent: int, _message: str) -> None:
        if percent in PHASES:
            marks[PHASES[percent]] = time.perf_counter()

    with path.open("rb") as fh:
        result = import_demands(actor, fh, path.name, progress=progress)
    if getattr(result, "errors", None):
        raise RuntimeError(f"import rejected the file: {result.errors[:3]}")
    ends = list(marks.items())
    seconds = {name: round(end - ends[i][1], 2) for i, (name, end) in enumerate(ends[1:])}
    return {"import": round(time.perf_counter() - started, 2), **seconds}


COST_ROWS = 40_000


def python_cost(actor: Any, path: Path, rows: int = COST_ROWS) -> dict[str, float]:
    """Microseconds of one core a ticket for the import's Python work, on the file's first ``rows`` rows:
    reading and parsing the CSV, then checking and converting each row (``RowChecker.check``, nothing
    staged), and of the latter the personal data's encryption, index and mask alone."""
    from luoshi.demands.imports import ErrorList, header_positions, open_csv
    from luoshi.demands.imports_rows import RowChecker

    with path.open("rb") as fh:
        source = open_csv(fh)
        checker = RowChecker(actor, header_positions(source.header), ErrorList())
        started = time.perf_counter()
        sample = list(itertools.islice(source.rows, rows))
        read = time.perf_counter() - started
        started = time.perf_counter()
        for number, values in sample:
            checker.check(number, values)
        check = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(len(sample)):
        checker._personal("张三丰", "13812341234")
    crypto_seconds = time.perf_counter() - started
    return {
        name: round(value * 1e6 / len(sample), 1)
        for name, value in {"read": read, "check": check, "crypto": crypto_seconds}.items()
    }


def ticket_table_floor() -> float:
    """Seconds for PostgreSQL to write the imported tickets, already converted, into a copy of the ticket
    table with all its indexes and constraints (no foreign-key checks, no rollups, no Python): what storing
    the tickets costs the server alone."""
    from django.db import connection, transaction

    from luoshi.demands.models import Demand

    table = connection.ops.quote_name(Demand._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_tickets (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO bench_tickets SELECT * FROM {table}")
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_tickets")
    return seconds


def bulk_table_floor() -> float:
    """Seconds for PostgreSQL to write the imported tickets into a copy of the ticket table without
    indexes and then build the ticket table's indexes on it: the least a bulk load that ends with the
    same indexed table can cost the server (no constraints checked, no rollups, no Python)."""
    from django.db import connection, transaction

    from luoshi.demands.models import Demand

    table = Demand._meta.db_table
    quoted = connection.ops.quote_name(table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"CREATE TABLE bench_bulk (LIKE {quoted} INCLUDING DEFAULTS)")
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO bench_bulk SELECT * FROM {quoted}")
        for number, definition in enumerate(definitions):
            on_copy = f"INDEX bench_bulk_{number} ON bench_bulk "
            cursor.execute(re.sub(r"INDEX \S+ ON \S+ ", on_copy, definition, count=1))
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bulk")
    return seconds


def groupby_figures(parent: Any, period: Any) -> dict[str, Any]:
    """The figures of each child branch by one GROUP BY over the raw tickets (the reference)."""
    from django.db.models.functions import Substr

    from luoshi.core.paths import SEGMENT, subtree_q
    from luoshi.demands.models import Demand
    from luoshi.demands.rates import Figures
    from luoshi.demands.rollups import local_zone, ticket_counts

    zone = local_zone()
    start = dt.datetime.combine(period.start, dt.time(), zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), zone)
    rows = (
        Demand.objects.filter(subtree_q(parent.path), received_at__gte=start, received_at__lt=end)
        .exclude(org_path=parent.path)
        .annotate(branch=Substr("org_path", 1, len(parent.path) + SEGMENT + 1))
        .values("branch")
        .annotate(**ticket_counts())
        .order_by()
    )
    return {row["branch"]: Figures.of(row) for row in rows}


def build(args: argparse.Namespace, result: Result, folder: Path) -> tuple[Any, Path]:
    from django.core.management import call_command
    from django.db import transaction

    from luoshi.demands.imports_sample import write_sample_csv
    from luoshi.demo.orgtree import build_org_tree

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        tree = build_org_tree(args.units, random.Random(args.seed))
    result.units = tree.count
    path = folder / "hotline.csv"
    log(f"  writing {args.tickets:,} tickets …")
    started = time.perf_counter()
    write_sample_csv(path, args.tickets, seed=args.seed)
    result.seconds["write_file"] = round(time.perf_counter() - started, 1)
    result.file_mb = round(path.stat().st_size / 1e6, 1)
    return tree.city, path


def measure_ranking(args: argparse.Namespace, result: Result, city: Any) -> None:
    from django.db.models import Max

    from luoshi.demands import rates
    from luoshi.demands.models import DemandMonthRollup

    last = DemandMonthRollup.objects.aggregate(m=Max("month"))["m"]
    period = rates.Period.month(last.year, last.month)
    result.month = period.key
    result.ranking_ms, rows = _timed_runs(lambda: rates.ranking(city, period), args.runs)
    result.groupby_ms, raw = _timed_runs(lambda: groupby_figures(city, period), max(3, args.runs // 5))
    result.children = len(rows)
    from_rollups = {row.entity.path: row.figures for row in rows if row.figures.received}
    result.same_figures = from_rollups == raw


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from luoshi.demands.models import Demand, DemandMonthRollup, DemandRollup

    folder = Path(os.environ["LUOSHI_DATA_DIR"])
    result = Result(args.worker, version=database_version(), tickets=args.tickets)
    city, path = build(args, result, folder)
    log("  loading the file into a staging table …")
    result.seconds["copy"] = round(load_reference(path), 2)
    importer = _importer(city)
    result.per_ticket_us = python_cost(importer, path)
    log("  importing …")
    result.seconds.update(import_file(importer, path))
    result.tickets = Demand.objects.count()
    if args.worker == "postgresql":
        log("  writing the tickets again into a copy of the ticket table …")
        result.seconds["ticket_table"] = round(ticket_table_floor(), 2)
        log("  … and into a bare copy, building its indexes afterwards …")
        result.seconds["bulk_table"] = round(bulk_table_floor(), 2)
    result.rollup_rows = {"daily": DemandRollup.objects.count(), "monthly": DemandMonthRollup.objects.count()}
    analyze()
    log("  ranking …")
    measure_ranking(args, result, city)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
