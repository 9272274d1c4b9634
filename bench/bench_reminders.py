"""The daily reminder sweep at province scale: every open problem with a deadline, one liaison per unit.

Builds ``--units`` units (the demo's org tree), one campaign with the default reminder rule (3 days
before, on the day, every 3 days overdue, escalate at 7), one liaison and one leader per unit holding
problems, and ``--problems`` open problems in bulk whose deadlines spread over the 60 days behind and
the 90 days ahead. Then it times ``reminders.services.run_sweep`` for today once (every reminder and
escalation written to the inboxes), and a second call the same day (which must do nothing).

    uv run python -m bench.bench_reminders [--units 100000 --problems 1000000 --backends postgresql]

Develop at a tenth: ``--units 10000 --problems 100000``. The target: ≤ 60 s over 1,000,000 open items.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
BUDGET_S = 60.0
CHUNK = 20_000


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    sweep_s: float = 0.0
    again_s: float = 0.0
    sent: dict[str, int] = field(default_factory=dict)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    options = ["--units", str(args.units), "--problems", str(args.problems), "--seed", str(args.seed)]
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"== {backend} ==")
        run = run_on_sqlite if backend == "sqlite" else lambda m, o: run_on_postgresql(m, args.pg, o)
        found = run("bench.bench_reminders", ["--worker", backend, *options])
        results.append(Result(backend, error=found) if isinstance(found, str) else Result(**found))
    print(f"\n到期提醒：{args.units:,} 个单位，{args.problems:,} 个未销号问题；每日提醒批次计时一次")
    print(f"机器：{describe()}\n")
    for r in results:
        name = f"{r.backend} {r.version}".strip()
        if r.error:
            print(f"{name:<18} {r.error}")
            continue
        verdict = "达标" if r.sweep_s <= BUDGET_S else "超出"
        print(f"{name:<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in r.build_s.items()))
        print(f"{'':<18} 行数 " + "，".join(f"{k} {v:,}" for k, v in r.counts.items()))
        print(f"  提醒批次 run_sweep      {r.sweep_s:8.1f} s  目标 ≤ {BUDGET_S:.0f} s  {verdict}")
        print(f"  同日再次运行            {r.again_s * 1000:8.1f} ms")
        print("  提醒 " + "，".join(f"{k} {v:,}" for k, v in sorted(r.sent.items())))
    print()


def _people(units: list[Any], city: Any) -> int:
    """One liaison and one leader per unit, and the city office."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from luoshi.access.models import RoleAssignment

    users, unusable = get_user_model(), make_password(None)
    office = users.objects.create(username="bench_office", display_name="市办公室", password=unusable)
    RoleAssignment.objects.create(user=office, role="office", unit=city)
    made = 0
    for start in range(0, len(units), CHUNK):
        part = units[start : start + CHUNK]
        people = users.objects.bulk_create(
            [users(username=f"u{u.pk}{r}", display_name=f"{r}{u.pk}", password=unusable) for u in part for r in "lz"]
        )
        roles = [
            RoleAssignment(user=person, role="liaison" if i % 2 == 0 else "leader", unit=part[i // 2])
            for i, person in enumerate(people)
        ]
        RoleAssignment.objects.bulk_create(roles)
        made += len(people)
    return made + 1


def _problems(campaign: Any, units: list[Any], total: int, rng: random.Random) -> int:
    from django.db import transaction
    from django.utils import timezone

    from luoshi.campaigns.models import Aspect, Channel
    from luoshi.problems.models import Problem

    today = timezone.localdate()
    channel, aspect = (
        Channel.objects.filter(campaign=campaign).first(),
        Aspect.objects.filter(campaign=campaign).first(),
    )
    made = 0
    while made < total:
        batch: list[Problem] = []
        for _ in range(min(CHUNK, total - made)):
            unit = rng.choice(units)
            deadline = today + timedelta(days=rng.randint(-60, 90))
            batch.append(
                Problem(
                    campaign=campaign,
                    title=f"问题{made + len(batch)}",
                    channel=channel,
                    aspect=aspect,
                    unit=unit,
                    org_path=unit.path,
                    found_on=deadline - timedelta(days=30),
                    deadline=deadline,
                    state=rng.choice(("pending_claim", "rectifying", "rectifying", "pending_review")),
                    light="red" if deadline < today else "green",
                )
            )
        with transaction.atomic():
            Problem.objects.bulk_create(batch)
        made += len(batch)
        log(f"  问题 {made:,} / {total:,}")
    return made


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from luoshi.demo.campaign import setup_campaign
    from luoshi.demo.orgtree import build_org_tree
    from luoshi.notices.models import Notification
    from luoshi.orgs.models import Unit
    from luoshi.reminders.services import run_sweep

    result = Result(args.worker, version=database_version())
    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        campaign = setup_campaign(tree.city, timezone.localdate()).campaign
    units = list(Unit.objects.exclude(pk=tree.city.pk).only("id", "path"))
    result.build_s["单位"] = time.perf_counter() - started
    started = time.perf_counter()
    people = _people(units, tree.city)
    result.build_s["人员"] = time.perf_counter() - started
    started = time.perf_counter()
    problems = _problems(campaign, units, args.problems, rng)
    result.build_s["问题"] = time.perf_counter() - started
    analyze()
    result.counts = {"units": tree.count, "users": people, "problems": problems}
    log("  计时 …")
    started = time.perf_counter()
    result.sent = run_sweep()
    result.sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    run_sweep()
    result.again_s = time.perf_counter() - started
    result.counts["notifications"] = Notification.objects.count()
    print_result(asdict(result))


if __name__ == "__main__":
    main()
