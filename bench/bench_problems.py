"""Server time of the problems dashboard and the filtered problem list at city scale.

Builds 30,000 units and 100,000 problems in bulk in a fresh SQLite database (temporary folder) and,
when reachable, a PostgreSQL database ``luoshi_bench_problems`` (created and dropped here), fills the subtree
rollups (``luoshi rebuild_problem_rollups``, timed), then times ``problems:dashboard`` (read from the
rollups) and a filtered ``problems:list`` as an office user scoped at the city root, through Django's
test client in-process: p50 and p95 over ``--runs`` requests after a warm-up. Side by side, the
dashboard's figures as function calls: from the rollups (``queries.dashboard``) and counted from the
problems as before the rollups (``queries.direct_dashboard``; ``--direct-runs``, 0 to skip).
Each backend runs in its own process, configured through the environment before Django starts.

    uv run python -m bench.bench_problems [--units 30000 --problems 100000 --runs 30]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench import workers
from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

workers.BENCH_DB = "luoshi_bench_problems"  # its own database: other benchmarks may run on the same server

SEED = 2025
# Share of problems by level of the responsible unit: city and departments, districts, streets, villages, branches.
LEVEL_WEIGHTS = {"city": 2, "district": 8, "street": 30, "village": 45, "branch": 15}
CHANNEL_WEIGHTS = (6, 22, 5, 6, 12, 25, 14, 10)
STATE_WEIGHTS_OPEN = {"pending_claim": 2, "rectifying": 6, "pending_review": 2}


@dataclass
class PageTiming:
    label: str
    url: str
    status: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int = 0
    rows: str = ""


@dataclass
class BackendResult:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pages: list[PageTiming] = field(default_factory=list)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--direct-runs", type=int, default=5, help="timed calls of the old direct count (0: skip)")
    parser.add_argument("--q", default="会议", help="the word searched for in the list")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parent: one worker process per backend, then the table -------------------------------


def _options(args: argparse.Namespace) -> list[str]:
    options = ["--units", str(args.units), "--problems", str(args.problems), "--runs", str(args.runs)]
    options += ["--direct-runs", str(args.direct_runs)]
    return [*options, "--warmup", str(args.warmup), "--q", args.q, "--seed", str(args.seed)]


def _result(backend: str, found: dict[str, Any] | str) -> BackendResult:
    if isinstance(found, str):
        return BackendResult(backend, error=found)
    pages = [PageTiming(**p) for p in found.pop("pages")]
    return BackendResult(**found, pages=pages)


def run_sqlite(args: argparse.Namespace) -> BackendResult:
    return _result("sqlite", run_on_sqlite("bench.bench_problems", ["--worker", "sqlite", *_options(args)]))


def run_postgresql(args: argparse.Namespace) -> BackendResult:
    options = ["--worker", "postgresql", *_options(args)]
    return _result("postgresql", run_on_postgresql("bench.bench_problems", args.pg, options))


def _cell(page: PageTiming) -> str:
    if page.status != 200:
        return f"HTTP {page.status}（未计时）"
    return f"{page.p50_ms:7.1f} / {page.p95_ms:7.1f}  ({page.queries} 次查询)"


def print_table(results: list[BackendResult], args: argparse.Namespace) -> None:
    print(f"\n问题看板与问题清单的服务端耗时：{args.units:,} 个单位，{args.problems:,} 个问题")
    print(f"每个页面预热 {args.warmup} 次后计时 {args.runs} 次；p50 / p95 毫秒；办公室账号，范围为市级根单位")
    print(f"机器：{describe()}\n")
    for result in results:
        name = f"{result.backend} {result.version}".strip()
        if result.error:
            print(f"{name:<22} {result.error}")
            continue
        build = "，".join(f"{k} {v:.1f}s" for k, v in result.build_s.items())
        print(f"{name:<22} 建库 {build}")
        for page in result.pages:
            print(f"  {page.label:<20} {_cell(page)}  {page.rows}")
            print(f"  {'':<20} {page.url}")
    print()


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    runners = {"sqlite": run_sqlite, "postgresql": run_postgresql}
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"== {backend} ==")
        results.append(runners[backend](args))
    print_table(results, args)


# -- the worker: build the data in bulk, then time the pages ----------------------------------


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def time_page(client: Any, label: str, url: str, runs: int, warmup: int) -> PageTiming:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = PageTiming(label, url)
    for _ in range(warmup):
        page.status = client.get(url).status_code
        if page.status != 200:
            return page
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            page.status = response.status_code
            return page
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    page.p50_ms, page.p95_ms, page.queries = _percentile(samples, 0.5), _percentile(samples, 0.95), len(captured)
    return page


class ProblemFactory:
    """Problems spread over the tree like a real campaign: most found at villages and streets, older ones closed."""

    def __init__(self, tree: Any, campaign: Any, leaders: dict[str, Any], office: Any, rng: random.Random):
        from django.utils import timezone

        from luoshi.demo.content import PROBLEM_TITLES

        today = timezone.localdate()
        self.titles = PROBLEM_TITLES
        self.tree, self.campaign, self.leaders, self.office, self.rng = tree, campaign, leaders, office, rng
        self.channels = list(campaign.channels.order_by("order"))
        self.aspects = list(campaign.aspects.order_by("order"))
        self.classes = list(campaign.problemclass_set.all())
        self.groups = self._unit_groups()
        self.today = today

    def _unit_groups(self) -> dict[str, list[Any]]:
        groups: dict[str, list[Any]] = {level: [] for level in LEVEL_WEIGHTS}
        groups["city"] = [self.tree.city] + [d.saved() for d in self.tree.departments]
        for district in self.tree.districts:
            groups["district"].append(district.saved())
            for node in district.descendants():
                groups[{"street": "street", "village": "village"}.get(node.kind, "branch")].append(node.saved())
        groups["branch"] += [b.saved() for d in self.tree.departments for b in d.children]
        return groups

    def _leader_for(self, unit: Any) -> Any:
        """The street's leader below street level, the district's at district level, the city's above."""
        for prefix_len in (18, 12):
            leader = self.leaders.get(unit.path[:prefix_len])
            if leader is not None:
                return leader
        return self.leaders[self.tree.city.path]

    def _state(self, age: int) -> str:
        if self.rng.random() < 0.1 + 0.8 * age / 180:
            return "closed"
        return self.rng.choices(list(STATE_WEIGHTS_OPEN), weights=list(STATE_WEIGHTS_OPEN.values()))[0]

    def make(self) -> Any:
        from django.utils import timezone

        from luoshi.problems.models import Problem
        from luoshi.problems.workflow import light_for

        rng = self.rng
        level = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]
        unit = rng.choice(self.groups[level] or self.groups["district"])
        aspect_index = rng.randrange(len(self.aspects))
        title = rng.choice(self.titles[aspect_index % len(self.titles)])
        age = rng.randint(0, 180)
        found = self.today - timedelta(days=age)
        deadline = found + timedelta(days=rng.randint(15, 120))
        state = self._state(age)
        claimed = state != "pending_claim"
        moment = timezone.make_aware(datetime.combine(found + timedelta(days=rng.randint(1, 7)), datetime.min.time()))
        return Problem(
            campaign=self.campaign,
            title=title,
            description=f"{unit.name}：{title}。",
            channel=rng.choices(self.channels, weights=CHANNEL_WEIGHTS[: len(self.channels)])[0],
            aspect=self.aspects[aspect_index],
            unit=unit,
            org_path=unit.path,
            responsible_leader=self._leader_for(unit) if claimed else None,
            severity=rng.choices(("normal", "serious", "grave"), weights=(6, 3, 1))[0],
            kind=rng.choices(("immediate", "deadline", "long_term"), weights=(3, 6, 1))[0],
            found_on=found,
            deadline=deadline,
            state=state,
            light=light_for(state, deadline, self.today, self.campaign.yellow_days),
            problem_class=rng.choice(self.classes) if self.classes and rng.random() < 0.05 else None,
            filed_by=self.office,
            claimed_at=moment if claimed else None,
            closed_at=min(moment + timedelta(days=rng.randint(10, 60)), timezone.now()) if state == "closed" else None,
        )


def _make_people(tree: Any) -> tuple[Any, dict[str, Any]]:
    """An office account at the city root, and a leader (责任领导) for the city, each district and each street."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from luoshi.access.models import RoleAssignment

    user_model = get_user_model()
    unusable = make_password(None)
    office = user_model.objects.create(username="bench_office", display_name="市办公室", password=unusable)
    RoleAssignment.objects.create(user=office, role="office", unit=tree.city)
    units = [tree.city] + [d.saved() for d in tree.districts]
    units += [s.saved() for d in tree.districts for s in d.children]
    people = user_model.objects.bulk_create(
        [user_model(username=f"bench_leader_{u.pk}", display_name=f"{u.name}负责人", password=unusable) for u in units],
        batch_size=500,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=p, role="leader", unit=u) for p, u in zip(people, units, strict=True)], batch_size=500
    )
    return office, {u.path: p for p, u in zip(people, units, strict=True)}


def _make_classes(campaign: Any, city: Any) -> None:
    from luoshi.demo.content import CITY_PROBLEM_CLASSES
    from luoshi.problems.models import ProblemClass

    ProblemClass.objects.bulk_create(
        [
            ProblemClass(campaign=campaign, unit=city, org_path=city.path, name=name, description=text)
            for name, text, _ in CITY_PROBLEM_CLASSES
        ]
    )


def build(args: argparse.Namespace, result: BackendResult) -> tuple[Any, Any]:
    """Migrate and fill the database; returns (office user, the first district) for the requests."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from luoshi.demo.campaign import setup_campaign
    from luoshi.demo.orgtree import build_org_tree
    from luoshi.problems.models import Problem
    from luoshi.problems.services import refresh_lights

    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result.build_s["迁移"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        office, leaders = _make_people(tree)
        demo = setup_campaign(tree.city, timezone.localdate())
        _make_classes(demo.campaign, tree.city)
    result.build_s["单位"] = time.perf_counter() - started
    started = time.perf_counter()
    factory = ProblemFactory(tree, demo.campaign, leaders, office, rng)
    chunk = 5000
    for first in range(0, args.problems, chunk):
        with transaction.atomic():
            Problem.objects.bulk_create([factory.make() for _ in range(min(chunk, args.problems - first))])
        log(f"  问题 {min(first + chunk, args.problems):,} / {args.problems:,}")
    result.build_s["问题"] = time.perf_counter() - started
    analyze()
    started = time.perf_counter()
    call_command("rebuild_problem_rollups", verbosity=0)
    result.build_s["汇总"] = time.perf_counter() - started
    started = time.perf_counter()
    refresh_lights()  # the nightly sweep, as in production: the day's lights, so overdue is read from the rollups
    result.build_s["预警刷新"] = time.perf_counter() - started
    analyze()
    result.counts = {"units": tree.count, "problems": args.problems}
    return office, tree.districts[0].saved()


def time_call(label: str, call: Any, runs: int, warmup: int, what: str) -> PageTiming:
    """p50 / p95 of a function call (no HTTP), e.g. one way of computing the dashboard's figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = PageTiming(label, what, status=200)
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    page.p50_ms, page.p95_ms, page.queries = _percentile(samples, 0.5), _percentile(samples, 0.95), len(captured)
    return page


def figure_timings(args: argparse.Namespace, office: Any, district: Any) -> list[PageTiming]:
    """The dashboard's figures from the rollups and counted from the problems (the old way), at the root
    and for one district; the two must agree."""
    from django.utils import timezone

    from luoshi.problems import queries

    today = timezone.localdate()
    timings = []
    for where, unit in (("市级", None), (district.name, district)):
        rolled = queries.dashboard(office, None, unit, today)
        timings.append(
            time_call(
                f"汇总读取 {where}",
                lambda unit=unit: queries.dashboard(office, None, unit, today),
                args.runs,
                args.warmup,
                "queries.dashboard",
            )
        )
        if args.direct_runs > 0:
            direct = queries.direct_dashboard(office, None, unit, today)
            timings.append(
                time_call(
                    f"直接计数 {where}",
                    lambda unit=unit: queries.direct_dashboard(office, None, unit, today),
                    args.direct_runs,
                    1,
                    "queries.direct_dashboard",
                )
            )
            timings[-1].rows = "与汇总一致" if direct == rolled else "与汇总不一致！"
    return timings


def measure(args: argparse.Namespace, office: Any, district: Any) -> list[PageTiming]:
    from urllib.parse import urlencode

    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from luoshi.problems.models import Problem
    from luoshi.testing.twofactor import verified_login

    client = Client()
    verified_login(client, office)
    query = {"state": "rectifying", "light": "red", "q": args.q, "unit": district.pk}
    list_url = f"{reverse('problems:list')}?{urlencode(query)}"
    hits = Problem.objects.filter(state="rectifying", light="red", org_path__startswith=district.path)
    hits = hits.filter(title__contains=args.q)
    # Static URLs without a collected manifest; the manifest lookup it skips is a dict access.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        pages = [
            time_page(client, "问题看板 dashboard", reverse("problems:dashboard"), args.runs, args.warmup),
            time_page(client, "筛选清单 list", list_url, args.runs, args.warmup),
        ]
    pages[0].rows = f"全部 {Problem.objects.count():,} 个问题（读汇总）"
    pages[1].rows = f"命中约 {hits.count():,} 个（{district.name}）"
    return [*pages, *figure_timings(args, office, district)]


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    (Path(os.environ["LUOSHI_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    result = BackendResult(args.worker)
    result.version = database_version()
    log(f"  建库：{args.units:,} 个单位，{args.problems:,} 个问题 …")
    office, district = build(args, result)
    log("  计时 …")
    result.pages = measure(args, office, district)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
