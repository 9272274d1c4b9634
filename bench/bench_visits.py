"""The visit calendar (走访报备) at province scale: the pile-up rule check when filing, and the heat view of a county.

Builds ``--units`` units (the demo's org tree), one campaign over the last 300 days and the next 65, and
``--visits`` visits in bulk (COPY on PostgreSQL), skewed as real visits are: a tenth of the units (the "star
villages") receive half of them, from 2,000 organisers (supervision groups and research plans), a few cancelled.
Then it times:

- ``visits.rules.check_visit`` for ~200 random units and dates (p50, p95; target ≤ 50 ms p95);
- the heat view of a county's subtree, as its page reads it: ``visits.queries.heat`` and the first page of the
  never-visited list with its count (p50, p95 over the districts; target ≤ 300 ms);
- if ``luoshi.supervision.documents.render_report`` exists, the Word report of the busiest unit (12 recorded
  visits with scores and questionnaires, 24 findings; the slowest of 5 renderings, target ≤ 2 s); skipped
  otherwise.

    uv run python -m bench.bench_visits [--units 100000 --visits 1000000 --backends postgresql]

Develop at a tenth: ``--units 10000 --visits 100000``. Set ``LUOSHI_BENCH_DB`` for a database of its own.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
CHECK_BUDGET_MS = 50.0
HEAT_BUDGET_MS = 300.0
REPORT_BUDGET_S = 2.0
CHUNK = 50_000
ORGANISERS = 2_000
CHECKS = 200
PAST_DAYS, FUTURE_DAYS = 300, 65


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    check_ms: dict[str, float] = field(default_factory=dict)
    heat_ms: dict[str, float] = field(default_factory=dict)
    report_s: float | None = None
    report_note: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _verdict(value: float, budget: float) -> str:
    return "达标" if value <= budget else "超出"


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    options = ["--units", str(args.units), "--visits", str(args.visits), "--seed", str(args.seed)]
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"== {backend} ==")
        run = run_on_sqlite if backend == "sqlite" else lambda m, o: run_on_postgresql(m, args.pg, o)
        found = run("bench.bench_visits", ["--worker", backend, *options])
        results.append(Result(backend, error=found) if isinstance(found, str) else Result(**found))
    print(f"\n走访报备：{args.units:,} 个单位，{args.visits:,} 条走访报备")
    print(f"机器：{describe()}\n")
    for r in results:
        name = f"{r.backend} {r.version}".strip()
        if r.error:
            print(f"{name:<18} {r.error}")
            continue
        print(f"{name:<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in r.build_s.items()))
        print(f"{'':<18} 行数 " + "，".join(f"{k} {v:,}" for k, v in r.counts.items()))
        c, h = r.check_ms, r.heat_ms
        print(
            f"  报备规则校验 check_visit  p50 {c['p50']:6.1f} ms  p95 {c['p95']:6.1f} ms"
            f"  目标 p95 ≤ {CHECK_BUDGET_MS:.0f} ms  {_verdict(c['p95'], CHECK_BUDGET_MS)}"
        )
        print(
            f"  县级热力图（含从未走访）  p50 {h['p50']:6.1f} ms  p95 {h['p95']:6.1f} ms"
            f"  目标 ≤ {HEAT_BUDGET_MS:.0f} ms  {_verdict(h['p95'], HEAT_BUDGET_MS)}"
        )
        if r.report_s is not None:
            print(
                f"  单位督导报告（Word）      {r.report_s:8.2f} s  目标 ≤ {REPORT_BUDGET_S:.0f} s"
                f"  {_verdict(r.report_s, REPORT_BUDGET_S)}"
            )
        else:
            print(f"  单位督导报告（Word）      未测：{r.report_note}")
    print()


def _weights(units: list[Any], rng: random.Random) -> list[Any]:
    """A pool to draw visited units from: a tenth of the units (star villages) draw half of the visits."""
    stars = rng.sample(units, max(1, len(units) // 10))
    return stars * 9 + units


def _rows(campaign: Any, units: list[Any], total: int, today: date, rng: random.Random) -> Any:
    pool = _weights(units, rng)
    keys = [f"group:{n}" if n % 3 else f"plan:{n}" for n in range(1, ORGANISERS + 1)]
    for n in range(total):
        unit = rng.choice(pool)
        organiser = rng.choice(keys)
        day = today + timedelta(days=rng.randint(-PAST_DAYS, FUTURE_DAYS))
        state = "cancelled" if n % 50 == 0 else ("recorded" if day < today else "planned")
        kinds = [rng.random() < 0.6 for _ in range(4)]
        yield (unit, day, rng.randint(2, 12), organiser, state, kinds)


COLUMNS = (
    "created_at",
    "updated_at",
    "org_path",
    "campaign_id",
    "unit_id",
    "date",
    "headcount",
    "team",
    "organiser",
    "organiser_key",
    "hears",
    "looks",
    "checks",
    "talks",
    "purpose",
    "state",
    "warnings",
    "override_reason",
)


def _copy_visits(campaign: Any, units: list[Any], total: int, rng: random.Random) -> int:
    """1,000,000 rows: COPY on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection, transaction
    from django.utils import timezone

    from luoshi.visits.models import Visit

    today, now = timezone.localdate(), timezone.now()
    made = 0
    rows = _rows(campaign, units, total, today, rng)
    while made < total:
        part = [next(rows) for _ in range(min(CHUNK, total - made))]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for unit, day, headcount, key, state, kinds in part:
                    flags = "\t".join("t" if k else "f" for k in kinds)
                    buffer.write(
                        f"{now.isoformat()}\t{now.isoformat()}\t{unit.path}\t{campaign.pk}\t{unit.pk}\t{day}\t"
                        f"{headcount}\t组员{headcount}人\t{key}\t{key}\t{flags}\t\t{state}\t[]\t\n"
                    )
                with connection.cursor() as cursor:
                    sql = f"COPY visits_visit ({', '.join(COLUMNS)}) FROM STDIN"
                    with cursor.cursor.copy(sql) as copy:
                        copy.write(buffer.getvalue())
            else:
                Visit.objects.bulk_create(
                    [
                        Visit(
                            campaign=campaign,
                            unit=unit,
                            org_path=unit.path,
                            date=day,
                            headcount=headcount,
                            team=f"组员{headcount}人",
                            organiser=key,
                            organiser_key=key,
                            state=state,
                            hears=kinds[0],
                            looks=kinds[1],
                            checks=kinds[2],
                            talks=kinds[3],
                        )
                        for unit, day, headcount, key, state, kinds in part
                    ]
                )
        made += len(part)
        log(f"  走访 {made:,} / {total:,}")
    return made


def _vacuum() -> None:
    """What autovacuum does to a table after a bulk load: statistics, and on PostgreSQL the visibility map that lets
    the heat view and the never-visited list read the covering indexes alone."""
    from django.db import connection

    analyze()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) visits_visit")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max": ordered[-1],
    }


def _time_checks(campaign: Any, units: list[Any], rng: random.Random) -> dict[str, float]:
    from django.utils import timezone

    from luoshi.orgs.models import Unit
    from luoshi.visits.rules import check_visit

    today = timezone.localdate()
    samples = []
    for pk in [u.pk for u in rng.sample(units, min(CHECKS, len(units)))]:
        unit = Unit.objects.get(pk=pk)
        day = today + timedelta(days=rng.randint(-30, FUTURE_DAYS))
        started = time.perf_counter()
        check_visit(campaign, unit, day, rng.randint(2, 14), f"group:{rng.randint(1, ORGANISERS)}")
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def _time_heat(campaign: Any, office: Any, districts: list[Any]) -> dict[str, float]:
    from django.http import QueryDict

    from luoshi.orgs.models import Unit
    from luoshi.visits.queries import heat, never_visited_page

    samples = []
    for node in districts:
        unit = Unit.objects.get(pk=node.saved().pk)
        started = time.perf_counter()
        rows = heat(office, campaign, unit)
        missing = never_visited_page(campaign, unit, QueryDict())
        samples.append((time.perf_counter() - started) * 1000)
        assert rows
        assert missing.count >= len(missing.rows)
    return _percentiles(samples)


def _supervision_report(campaign: Any, office: Any) -> Any:
    """A group's report on the busiest unit: records of its visits there with scores and a questionnaire each,
    and a dozen confirmed findings; written directly, as a loaded database would hold them."""
    from decimal import Decimal

    from django.db.models import Count

    from luoshi.orgs.models import Unit
    from luoshi.supervision import models as sv
    from luoshi.visits.models import Visit

    busiest = Visit.objects.filter(campaign=campaign).values("unit_id").annotate(n=Count("id")).order_by("-n").first()
    unit = Unit.objects.get(pk=busiest["unit_id"]) if busiest else campaign.unit
    group = sv.SupervisionGroup.objects.create(
        campaign=campaign, unit=campaign.unit, org_path=campaign.unit.path, name="第一督导组", created_by=office
    )
    items = [
        sv.ChecklistItem.objects.create(campaign=campaign, text=f"评分项{n}", max_score=Decimal(10), order=n)
        for n in range(1, 11)
    ]
    visits = list(Visit.objects.filter(campaign=campaign, unit=unit).order_by("date")[:12])
    for n, visit in enumerate(visits):
        record = sv.VisitRecord.objects.create(
            visit=visit, group=group, org_path=unit.path, notes=f"察看现场、查阅台账，第{n + 1}次走访情况。" * 5
        )
        sv.ChecklistScore.objects.bulk_create(
            sv.ChecklistScore(record=record, item=item, score=Decimal(7 + n % 3)) for item in items
        )
        sv.Questionnaire.objects.create(
            record=record, org_path=unit.path, topic="群众满意度", respondents=30, satisfied=25, basically_satisfied=4
        )
        for k in range(2):
            sv.Finding.objects.create(
                group=group,
                unit=unit,
                record=record,
                org_path=unit.path,
                title=f"发现问题{n}-{k}",
                description="台账不全，整改不到位。" * 4,
                requirement="限期整改并报送整改情况。",
                state="confirmed",
                created_by=office,
            )
    return sv.SupervisionReport.objects.create(group=group, unit=unit, org_path=unit.path, state="draft")


def _time_report(result: Result, campaign: Any, office: Any) -> None:
    try:
        from luoshi.supervision.documents import render_report
    except ImportError:
        result.report_note = "luoshi.supervision.documents.render_report 尚不存在"
        return
    try:
        report = _supervision_report(campaign, office)
        render_report(report)  # the first call loads python-docx and the fonts
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            content = render_report(report)
            samples.append(time.perf_counter() - started)
        result.report_s = max(samples)
        result.counts["report_bytes"] = len(content)
    except Exception as exc:  # another part's unfinished model must not spoil the figures above
        result.report_note = f"出错：{type(exc).__name__}: {str(exc)[:80]}"


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from luoshi.access.models import RoleAssignment
    from luoshi.campaigns.models import Campaign
    from luoshi.demo.orgtree import build_org_tree
    from luoshi.orgs.models import Unit

    result = Result(args.worker, version=database_version())
    rng = random.Random(args.seed)
    today = timezone.localdate()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        campaign = Campaign.objects.create(
            name="走访报备基准",
            unit=tree.city,
            starts_on=today - timedelta(days=PAST_DAYS),
            ends_on=today + timedelta(days=FUTURE_DAYS),
        )
    office = get_user_model().objects.create(
        username="bench_office", display_name="市办公室", password=make_password(None)
    )
    RoleAssignment.objects.create(user=office, role="office", unit=tree.city)
    units = list(Unit.objects.exclude(pk=tree.city.pk).only("id", "path"))
    result.build_s["单位"] = time.perf_counter() - started
    started = time.perf_counter()
    visits = _copy_visits(campaign, units, args.visits, rng)
    result.build_s["走访"] = time.perf_counter() - started
    _vacuum()
    result.counts = {"units": tree.count, "visits": visits, "districts": len(tree.districts)}
    log("  计时 …")
    _time_checks(campaign, units, random.Random(args.seed + 1))  # warm the caches once
    result.check_ms = _time_checks(campaign, units, random.Random(args.seed + 2))
    _time_heat(campaign, office, tree.districts[:1])
    result.heat_ms = _time_heat(campaign, office, tree.districts)
    _time_report(result, campaign, office)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
