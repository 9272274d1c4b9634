"""The inbox (消息提醒) of one user with 100,000 notifications: the page (first page of unread and of all,
with the header's unread count) p50 / p95 over ``--runs`` requests after a warm-up; budget p50 ≤ 150 ms.

Builds, in a fresh database per backend (SQLite in a temporary folder; PostgreSQL ``luoshi_bench_inbox``,
created and dropped here), ``--users`` users with ``--notices`` notifications for the one measured user
(a third of them read, of every kind) and ``--others`` for the other users, in bulk. Also times the
daily digest's scan of the whole table (``delivery.collect_digests`` with no channel needing it
switched off: channels on, no address, so it scans and sends nothing).

    uv run python -m bench.bench_inbox [--notices 100000 --others 400000 --runs 20 --backends postgresql]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench import workers
from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
BUDGET_MS = 150.0
workers.BENCH_DB = os.environ.get("LUOSHI_BENCH_DB", "luoshi_bench_inbox")  # its own: others may run at once


@dataclass
class Timing:
    label: str
    budget_ms: float
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    status: int = 200
    queries: int = 0


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
    parser.add_argument("--notices", type=int, default=100_000, help="notifications of the measured user")
    parser.add_argument("--others", type=int, default=400_000, help="notifications of the other users")
    parser.add_argument("--users", type=int, default=200, help="other users")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _options(args: argparse.Namespace) -> list[str]:
    names = ("notices", "others", "users", "runs", "warmup", "seed")
    return [item for name in names for item in (f"--{name}", str(getattr(args, name)))]


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
            found = run_on_sqlite("bench.bench_inbox", options)
        else:
            found = run_on_postgresql("bench.bench_inbox", args.pg, options)
        if isinstance(found, str):
            results.append(Result(backend, error=found))
        else:
            timings = [Timing(**t) for t in found.pop("timings")]
            results.append(Result(**found, timings=timings))
    print(f"\n消息提醒：一个用户 {args.notices:,} 条消息，另有 {args.users:,} 个用户共 {args.others:,} 条")
    print(f"页面预热 {args.warmup} 次后计时 {args.runs} 次；p50 / p95 毫秒")
    print(f"机器：{describe()}\n")
    for result in results:
        name = f"{result.backend} {result.version}".strip()
        if result.error:
            print(f"{name:<18} {result.error}")
            continue
        print(f"{name:<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in result.build_s.items()))
        for t in result.timings:
            verdict = "达标" if t.status == 200 and t.p50_ms <= t.budget_ms else "超出"
            cell = f"{t.p50_ms:9.1f} / {t.p95_ms:9.1f}" if t.status == 200 else f"HTTP {t.status}"
            print(f"  {t.label:<34} {cell}  目标 p50 ≤ {t.budget_ms:.0f}  {verdict}  {t.queries} 次查询")
    print()


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


def build(args: argparse.Namespace, result: Result) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from luoshi.notices.models import NoticeKind, Notification

    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result.build_s["迁移"] = time.perf_counter() - started
    started = time.perf_counter()
    users = get_user_model()
    unusable = make_password(None)
    me = users.objects.create(username="bench_inbox", display_name="收件人", password=unusable)
    others = users.objects.bulk_create(
        [users(username=f"bench_other{i}", display_name=f"同事{i}", password=unusable) for i in range(args.users)]
    )
    kinds = NoticeKind.values
    now = timezone.now()

    def rows(owner_ids: list[int], total: int) -> Any:
        for i in range(total):
            read = now if rng.random() < 1 / 3 else None
            yield Notification(
                recipient_id=owner_ids[i % len(owner_ids)],
                kind=rng.choice(kinds),
                title=f"第{i}条：关于重点任务的提醒",
                body="请及时处理。",
                url=f"/tasks/assignments/{i}/",
                read_at=read,
            )

    def insert(owner_ids: list[int], total: int) -> None:
        batch: list[Notification] = []
        for row in rows(owner_ids, total):
            batch.append(row)
            if len(batch) == 5000:
                Notification.objects.bulk_create(batch)
                batch = []
        if batch:
            Notification.objects.bulk_create(batch)

    insert([me.pk], args.notices)
    if others and args.others:
        insert([u.pk for u in others], args.others)
    result.build_s["消息"] = time.perf_counter() - started
    started = time.perf_counter()
    settle()
    result.build_s["VACUUM"] = time.perf_counter() - started
    result.counts = {"消息": Notification.objects.count(), "本人": Notification.objects.filter(recipient=me).count()}
    return me


def settle() -> None:
    """Planner statistics and, on PostgreSQL, the visibility map after the bulk load: what autovacuum does to an
    insert-only table on its own (PostgreSQL 13+, ``autovacuum_vacuum_insert_threshold``), so the inbox is timed
    in its steady state rather than in the minute after a load of half a million rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) notices_notification")
    analyze()


def measure(args: argparse.Namespace, me: Any) -> list[Timing]:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from luoshi.notices import delivery

    client = Client()
    client.force_login(me)
    inbox = reverse("notices:inbox")
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": static}
    timings = []
    with override_settings(STORAGES=storages):
        for label, query in (("收件箱 未读（首页与未读数）", ""), ("收件箱 全部（首页与未读数）", "?show=all")):
            timings.append(
                time_calls(label, BUDGET_MS, lambda q=query: client.get(inbox + q).status_code, args.runs, args.warmup)
            )
        timings.append(
            time_calls(
                "收件箱 按类型筛选",
                BUDGET_MS,
                lambda: client.get(inbox + "?show=all&kind=urged").status_code,
                args.runs,
                args.warmup,
            )
        )
    with override_settings(LUOSHI_NOTICE_EMAIL=True):
        timings.append(time_calls("每日汇总扫描（无人可发）", 1000.0, delivery.collect_digests, 5, 1))
    return timings


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    result = Result(args.worker)
    result.version = database_version()
    log(f"  建库：{args.notices:,} + {args.others:,} 条消息 …")
    me = build(args, result)
    log("  计时 …")
    result.timings = measure(args, me)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
