"""The monthly analysis report (月度分析报告) of the root campaign at province scale: taking the snapshot and
rendering the Word document, target ≤ 30 s in all.

Builds ``--units`` units (the demo's org tree), one campaign at the root, ``--problems`` problems (with
their rollups rebuilt) and ``--assignments`` key-task assignments in bulk, in a fresh database per backend
(SQLite in a temporary folder; PostgreSQL ``luoshi_bench_analysis``, created and dropped here), then times
``analysis.services.take_snapshot`` (every figure, read from rollups and grouped queries) and
``analysis.services.store_document`` (the .docx with its charts) once each, with the snapshot's queries.

    uv run python -m bench.bench_monthly_report [--units 100000 --problems 300000 --assignments 100000
        --backends postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, _run, analyze, database_version, print_result, run_on_sqlite

SEED = 2026
BUDGET_S = 30.0
BENCH_DB = "luoshi_bench_analysis"  # its own database: other benches may run at the same time


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    queries: int = 0
    bytes: int = 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--problems", type=int, default=300_000)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parent ------------------------------------------------------------------------------------


def _pg_admin(server: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DB)))


def run_on_postgresql(module: str, server: str, options: list[str]) -> dict[str, Any] | str:
    import shutil
    import tempfile

    server = server.rstrip("/")
    try:
        _pg_admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _pg_admin(server, "CREATE DATABASE {}")
    except Exception as exc:
        return f"不可用（{server}）：{str(exc).strip().splitlines()[0]}"
    folder = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
    try:
        return _run(module, f"{server}/{BENCH_DB}", folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _pg_admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _options(args: argparse.Namespace) -> list[str]:
    names = ("units", "problems", "assignments", "seed")
    return [item for name in names for item in (f"--{name}", str(getattr(args, name)))]


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print(f"\n月度分析报告：{args.units:,} 个单位，{args.problems:,} 个问题，{args.assignments:,} 条任务交办")
    print(f"机器：{describe()}\n")
    for r in results:
        name = f"{r.backend} {r.version}".strip()
        if r.error:
            print(f"{name:<18} {r.error}")
            continue
        total = sum(r.timings_s.values())
        verdict = "达标" if total <= BUDGET_S else "超出"
        print(f"{name:<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in r.build_s.items()))
        snapshot, document = r.timings_s["snapshot"], r.timings_s["document"]
        print(f"{'':<18} 快照 {snapshot:.2f}s（{r.queries} 次查询），文档 {document:.2f}s")
        print(f"{'':<18} 合计 {total:.2f}s  目标 ≤ {BUDGET_S:.0f}s  {verdict}；文档 {r.bytes:,} 字节")
    print()


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"== {backend} ==")
        options = ["--worker", backend, *_options(args)]
        if backend == "sqlite":
            found = run_on_sqlite("bench.bench_monthly_report", options)
        else:
            found = run_on_postgresql("bench.bench_monthly_report", args.pg, options)
        results.append(Result(backend, error=found) if isinstance(found, str) else Result(**found))
    print_table(results, args)


# -- the worker ------------------------------------------------------------------------------------


def build(args: argparse.Namespace, result: Result) -> tuple[Any, Any]:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench.bench_problems import ProblemFactory, _make_people
    from bench.bench_tasks import World as TaskWorld
    from bench.bench_tasks import bulk_assign, make_tasks
    from luoshi.demo.campaign import setup_campaign
    from luoshi.demo.orgtree import build_org_tree
    from luoshi.orgs.models import Unit
    from luoshi.problems.models import Problem
    from luoshi.tasks.services import sources_for

    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result.build_s["迁移"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        office, leaders = _make_people(tree)
        demo = setup_campaign(tree.city, timezone.localdate())
    result.build_s["单位"] = time.perf_counter() - started
    started = time.perf_counter()
    factory = ProblemFactory(tree, demo.campaign, leaders, office, rng)
    chunk = 5000
    for first in range(0, args.problems, chunk):
        with transaction.atomic():
            Problem.objects.bulk_create([factory.make() for _ in range(min(chunk, args.problems - first))])
    result.build_s["问题"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("rebuild_problem_rollups", verbosity=0)
    result.build_s["汇总"] = time.perf_counter() - started
    started = time.perf_counter()
    units = list(Unit.objects.exclude(pk=tree.city.pk).only("id", "path"))
    world = TaskWorld(tree, demo.campaign, office, units[0], office, sources_for(demo.campaign)[0], units)
    with transaction.atomic():
        tasks = make_tasks(world, 60, rng)
        made = bulk_assign(tasks, units, args.assignments, rng)
    result.build_s["任务"] = time.perf_counter() - started
    analyze()
    result.counts = {"units": tree.count, "problems": args.problems, "assignments": made}
    return office, demo.campaign


def measure(result: Result, office: Any, campaign: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from luoshi.analysis import services

    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        snapshot = services.take_snapshot(office, campaign, month)
    result.timings_s["snapshot"] = time.perf_counter() - started
    result.queries = len(captured)
    started = time.perf_counter()
    snapshot = services.store_document(snapshot)
    result.timings_s["document"] = time.perf_counter() - started
    result.bytes = len(services.document_bytes(snapshot))


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    result = Result(args.worker)
    result.version = database_version()
    log(f"  建库：{args.units:,} 个单位，{args.problems:,} 个问题 …")
    office, campaign = build(args, result)
    log("  计时 …")
    measure(result, office, campaign)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
