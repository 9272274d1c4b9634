"""Key tasks at province scale: the board of a task assigned to 10,000 units, a street's assignment page,
assigning one task to 10,000 units in one action, and the weighted roll-up of a 3-level task.

Builds ``--units`` units (the demo's org tree), one campaign, ``--tasks`` key tasks in three levels,
``--assignments`` assignments and ``--progress`` progress reports in bulk, in a fresh database per
backend (SQLite in a temporary folder; PostgreSQL ``luoshi_bench``, created and dropped here). Then, in
the same run:

- 交办: ``tasks.services.assign`` of one task to ``--wide`` units named in one action (timed once, as the
  office would do it), and by unit kind under the root (every village and community of the city);
- the task board (``tasks:detail``: first page with counts by state and by light) of that task as the
  city office, and a street's assignment page (``tasks:assignments``) as the street's liaison: p50 / p95
  over ``--runs`` requests after a warm-up;
- the weighted roll-up (``tasks.queries.task_percent``) of a 3-level task whose sub-tasks hold
  ``--wide`` assignments: p50 / p95.

    uv run python -m bench.bench_tasks [--units 100000 --tasks 20000 --assignments 1000000
        --progress 5000000 --wide 10000 --runs 20 --backends postgresql]

Develop at a tenth: ``--units 10000 --tasks 2000 --assignments 100000 --progress 500000 --wide 1000``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
BUDGETS_MS = {"board": 150.0, "street": 150.0, "rollup": 100.0, "assign": 5000.0}
ROLLUP_TASKS = 4 + 4 * 5
STATES = ("pending_sign", "in_progress", "in_progress", "in_progress", "finish_requested", "done")


@dataclass
class Timing:
    label: str
    budget_ms: float
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    status: int = 200
    queries: int = 0
    note: str = ""


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[Timing] = field(default_factory=list)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--progress", type=int, default=5_000_000)
    parser.add_argument("--wide", type=int, default=10_000, help="units of the wide task and of the roll-up task")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parent: one worker process per backend, then the table -------------------------------


def _options(args: argparse.Namespace) -> list[str]:
    names = ("units", "tasks", "assignments", "progress", "wide", "runs", "warmup", "seed")
    return [item for name in names for item in (f"--{name}", str(getattr(args, name)))]


def _result(backend: str, found: dict[str, Any] | str) -> Result:
    if isinstance(found, str):
        return Result(backend, error=found)
    timings = [Timing(**t) for t in found.pop("timings")]
    return Result(**found, timings=timings)


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print(
        f"\n重点任务：{args.units:,} 个单位，{args.tasks:,} 项任务，{args.assignments:,} 条交办，"
        f"{args.progress:,} 条进展；宽任务 {args.wide:,} 个单位"
    )
    print(f"页面预热 {args.warmup} 次后计时 {args.runs} 次；p50 / p95 毫秒；交办计时一次")
    print(f"机器：{describe()}\n")
    for result in results:
        name = f"{result.backend} {result.version}".strip()
        if result.error:
            print(f"{name:<18} {result.error}")
            continue
        print(f"{name:<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in result.build_s.items()))
        print(f"{'':<18} 行数 " + "，".join(f"{k} {v:,}" for k, v in result.counts.items()))
        for t in result.timings:
            verdict = "达标" if t.status == 200 and t.p50_ms <= t.budget_ms else "超出"
            cell = f"{t.p50_ms:9.1f} / {t.p95_ms:9.1f}" if t.status == 200 else f"HTTP {t.status}"
            print(f"  {t.label:<28} {cell}  目标 p50 ≤ {t.budget_ms:.0f}  {verdict}  {t.queries} 次查询  {t.note}")
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
            found = run_on_sqlite("bench.bench_tasks", options)
        else:
            found = run_on_postgresql("bench.bench_tasks", args.pg, options)
        results.append(_result(backend, found))
    print_table(results, args)


# -- the worker: build in bulk, then time ---------------------------------------------------------


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def time_calls(label: str, budget: float, call: Any, runs: int, warmup: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timing = Timing(label, budget)
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        status = call()
        samples.append((time.perf_counter() - started) * 1000)
        if isinstance(status, int) and status != 200:
            timing.status = status
            return timing
    with CaptureQueriesContext(connection) as captured:
        call()
    timing.p50_ms, timing.p95_ms, timing.queries = _percentile(samples, 0.5), _percentile(samples, 0.95), len(captured)
    return timing


@dataclass
class World:
    tree: Any
    campaign: Any
    office: Any
    street: Any
    liaison: Any
    source: Any
    units: list[Any]


def _people(tree: Any) -> tuple[Any, Any, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from luoshi.access.models import RoleAssignment
    from luoshi.orgs.models import Unit

    users = get_user_model()
    unusable = make_password(None)
    office = users.objects.create(username="bench_office", display_name="市办公室", password=unusable)
    RoleAssignment.objects.create(user=office, role="office", unit=tree.city)
    street = Unit.objects.filter(kind__code="street").order_by("path")[0]
    liaison = users.objects.create(username="bench_street", display_name="街道联络员", password=unusable)
    RoleAssignment.objects.create(user=liaison, role="liaison", unit=street)
    return office, street, liaison


def build_world(args: argparse.Namespace, result: Result, rng: random.Random) -> World:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from luoshi.demo.campaign import setup_campaign
    from luoshi.demo.orgtree import build_org_tree
    from luoshi.orgs.models import Unit
    from luoshi.tasks.services import sources_for

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result.build_s["迁移"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        office, street, liaison = _people(tree)
        campaign = setup_campaign(tree.city, timezone.localdate()).campaign
    units = list(Unit.objects.exclude(pk=tree.city.pk).only("id", "path"))
    result.build_s["单位"] = time.perf_counter() - started
    return World(tree, campaign, office, street, liaison, sources_for(campaign)[0], units)


def _task(world: World, title: str, parent: Any = None, weight: int = 1) -> Any:
    from django.utils import timezone

    from luoshi.tasks.models import Task

    city = world.tree.city
    return Task(
        campaign=world.campaign,
        unit=city,
        org_path=city.path,
        parent=parent,
        level=1 if parent is None else parent.level + 1,
        title=title,
        source=world.source,
        weight=Decimal(weight),
        due_on=timezone.localdate() + timedelta(days=90),
        cycle="monthly",
    )


def make_tasks(world: World, total: int, rng: random.Random) -> list[Any]:
    """A third of the tasks at each level: level-2 under level-1, level-3 under level-2."""
    from luoshi.tasks.models import Task

    top = Task.objects.bulk_create([_task(world, f"重点任务{i + 1}") for i in range(max(1, total // 3))])
    middle = Task.objects.bulk_create(
        [_task(world, f"子任务{i + 1}", rng.choice(top), rng.randint(1, 3)) for i in range(max(1, total // 3))]
    )
    rest = max(1, total - len(top) - len(middle))
    bottom = Task.objects.bulk_create(
        [_task(world, f"三级任务{i + 1}", rng.choice(middle), rng.randint(1, 3)) for i in range(rest)]
    )
    return [*top, *middle, *bottom]


def _assignment(task: Any, unit: Any, rng: random.Random, today: Any) -> Any:
    from luoshi.tasks.models import TaskAssignment

    state = rng.choice(STATES)
    due = today + timedelta(days=rng.randint(-20, 90))
    light = "red" if due < today and state != "done" else ("yellow" if (due - today).days <= 3 else "green")
    return TaskAssignment(
        task=task,
        unit=unit,
        org_path=unit.path,
        role="lead" if rng.random() < 0.7 else "assist",
        due_on=due,
        state=state,
        light="green" if state == "done" else light,
        percent=100 if state == "done" else rng.randint(0, 95),
        signed_on=None if state == "pending_sign" else today - timedelta(days=rng.randint(7, 60)),
        last_report_on=today - timedelta(days=rng.randint(0, 40)),
    )


def bulk_assign(tasks: list[Any], units: list[Any], total: int, rng: random.Random, chunk: int = 20_000) -> int:
    """``total`` assignments spread over ``tasks``, each task to distinct units."""
    from django.db import transaction
    from django.utils import timezone

    from luoshi.tasks.models import TaskAssignment

    today = timezone.localdate()
    per_task = max(1, math.ceil(total / len(tasks)))
    made, batch = 0, list[Any]()
    for i, task in enumerate(tasks):
        for unit in rng.sample(units, min(per_task, len(units), total - made - len(batch))):
            batch.append(_assignment(task, unit, rng, today))
        if len(batch) >= chunk or i == len(tasks) - 1 or made + len(batch) >= total:
            with transaction.atomic():
                TaskAssignment.objects.bulk_create(batch)
            made, batch = made + len(batch), []
            log(f"  交办 {made:,} / {total:,}")
        if made >= total:
            break
    return made


PROGRESS_SQL = """
INSERT INTO tasks_taskprogress
    (created_at, updated_at, org_path, author_id, text, assignment_id, percent, difficulties, next_steps, reported_on)
WITH RECURSIVE rounds(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM rounds WHERE n < %(rounds)s)
SELECT {now}, {now}, a.org_path, NULL, '本轮推进情况', a.id, a.percent, '', '', {day}
FROM tasks_taskassignment a CROSS JOIN rounds
WHERE a.id <= %(last)s
"""


def bulk_progress(total: int) -> int:
    """``total`` progress reports, a few rounds per assignment, written by the database itself."""
    from django.db import connection, transaction

    from luoshi.tasks.models import TaskAssignment, TaskProgress

    assignments = TaskAssignment.objects.count()
    rounds = max(1, math.ceil(total / max(1, assignments)))
    last = TaskAssignment.objects.order_by("id").values_list("id", flat=True)[min(assignments, total // rounds) - 1]
    if connection.vendor == "postgresql":
        now, day = "now()", "CURRENT_DATE - (rounds.n * 7)"
    else:
        now, day = "datetime('now')", "date('now', '-' || (rounds.n * 7) || ' days')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PROGRESS_SQL.format(now=now, day=day), {"rounds": rounds, "last": last})
    return TaskProgress.objects.count()


def build(args: argparse.Namespace, result: Result) -> tuple[World, Any, Any]:
    """Everything but the wide task's assignments; returns the world, the wide task and the roll-up root."""
    rng = random.Random(args.seed)
    world = build_world(args, result, rng)
    started = time.perf_counter()
    wide, rollup_root = _task(world, "全域推进的重点任务"), _task(world, "三级分解的重点任务")
    wide.save()
    rollup_root.save()
    tasks = make_tasks(world, args.tasks - 2 - ROLLUP_TASKS, rng)
    result.build_s["任务"] = time.perf_counter() - started
    started = time.perf_counter()
    _rollup_tree(world, rollup_root, args.wide, rng)
    made = bulk_assign(tasks, world.units, args.assignments - 2 * args.wide, rng)
    result.build_s["交办"] = time.perf_counter() - started
    started = time.perf_counter()
    reports = bulk_progress(args.progress)
    result.build_s["进展"] = time.perf_counter() - started
    analyze()
    result.counts = {"units": world.tree.count, "tasks": len(tasks) + 2 + ROLLUP_TASKS}
    result.counts["assignments"] = made + args.wide
    result.counts["progress"] = reports
    return world, wide, rollup_root


def _rollup_tree(world: World, root: Any, wide: int, rng: random.Random) -> None:
    """Three levels under ``root`` (4 sub-tasks of 5 sub-sub-tasks), ``wide`` assignments spread over them."""
    from luoshi.tasks.models import Task

    middles = Task.objects.bulk_create([_task(world, f"分解{i + 1}", root, i + 1) for i in range(4)])
    leaves = Task.objects.bulk_create([_task(world, f"细化{i + 1}", m, 1 + i % 3) for m in middles for i in range(5)])
    bulk_assign(leaves, world.units, wide, rng)


def time_assign(world: World, task: Any, wide: int, rng: random.Random) -> list[Timing]:
    from django.utils import timezone

    from luoshi.orgs.models import Unit, UnitKind
    from luoshi.tasks import services

    due = timezone.localdate() + timedelta(days=60)
    units = rng.sample(world.units, wide)
    started = time.perf_counter()
    made = services.assign(world.office, task, role="lead", due_on=due, units=units).count
    listed = Timing("交办 指定单位 assign(units)", BUDGETS_MS["assign"], note=f"{made:,} 个单位")
    listed.p50_ms = listed.p95_ms = (time.perf_counter() - started) * 1000
    kind = UnitKind.objects.get(code="community")
    other = _task(world, "按类型交办")
    other.save()
    started = time.perf_counter()
    by_kind = services.assign(world.office, other, role="lead", due_on=due, kind=kind, root=world.tree.city).count
    kinds = Timing("交办 按类型 assign(kind, root)", BUDGETS_MS["assign"], note=f"{by_kind:,} 个村社区")
    kinds.p50_ms = kinds.p95_ms = (time.perf_counter() - started) * 1000
    assert Unit.objects.filter(kind=kind).count() >= by_kind
    return [listed, kinds]


def measure(args: argparse.Namespace, world: World, wide: Any, rollup_root: Any) -> list[Timing]:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from luoshi.tasks import queries
    from luoshi.testing.twofactor import verified_login

    rng = random.Random(args.seed + 1)
    timings = time_assign(world, wide, args.wide, rng)
    office, street = Client(), Client()
    verified_login(office, world.office)
    street.force_login(world.liaison)
    board = reverse("tasks:detail", args=[wide.pk])
    mine = reverse("tasks:assignments")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        timings.append(
            time_calls(
                "任务看板 board（首页与计数）",
                BUDGETS_MS["board"],
                lambda: office.get(board).status_code,
                args.runs,
                args.warmup,
            )
        )
        timings.append(
            time_calls(
                "街道本单位任务 assignments",
                BUDGETS_MS["street"],
                lambda: street.get(mine).status_code,
                args.runs,
                args.warmup,
            )
        )
    rolled = time_calls(
        "三级任务加权汇总 roll-up",
        BUDGETS_MS["rollup"],
        lambda: queries.task_percent(rollup_root),
        args.runs,
        args.warmup,
    )
    rolled.note = f"{queries.task_percent(rollup_root):.1f}%，{args.wide:,} 条交办"
    timings.append(rolled)
    timings[2].note = f"{wide.assignments.count():,} 条交办"
    return timings


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    (Path(os.environ["LUOSHI_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    result = Result(args.worker)
    result.version = database_version()
    log(f"  建库：{args.units:,} 个单位，{args.tasks:,} 项任务 …")
    world, wide, rollup_root = build(args, result)
    log("  计时 …")
    result.timings = measure(args, world, wide, rollup_root)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
