"""Server time of every list page on its first, middle, deep and last page and on a filtered page.

Builds the demo (``luoshi demo``: 3,000 units, about 24,000 demand tickets by default) in a fresh SQLite
database (temporary folder) and, when asked and reachable, a PostgreSQL database ``luoshi_bench``
(created and dropped here). The demo has no reports and no background jobs, so ``--reports`` reports and
``--jobs`` finished jobs of the city office are added in bulk, enough for a page 481 in both lists.

Each page is requested through Django's test client in-process as the demo account that reads it
(demand list as the dispatcher and the city office, accounts as the security admin, audit log as the
auditor, the rest as the city office): one warm-up, then ``--runs`` timed requests, median and max, and
the SQL queries of one more request. The last page is the paginator's 末页 link; the deep page is
``--deep`` (481) or the deepest page if the list is shorter; the middle page is the farthest from both
ends, where the paginator's OFFSET over ids is longest. Beside them, in the same run, a plain
``SELECT … LIMIT 20 OFFSET n`` and the list's own ``ORDER BY … LIMIT 50 OFFSET n`` on the demand table
at the deep page's offset. A page over the budget is profiled once (cProfile, top 15 cumulative).

    uv run python -m bench.bench_lists [--units 3000 --demands 24000 --runs 5 --backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

BUDGET_MS = 300.0
DEEP_PAGE = 481


@dataclass
class PageTiming:
    list_name: str
    label: str
    user: str
    url: str
    status: int = 0
    rows: str = ""
    median_ms: float = 0.0
    max_ms: float = 0.0
    queries: int = 0
    profile: str = ""

    @property
    def within(self) -> bool:
        return self.status == 200 and self.max_ms <= BUDGET_MS


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pages: list[PageTiming] = field(default_factory=list)
    floor: list[PageTiming] = field(default_factory=list)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=None, help="units of the demo (default: the demo's, 3,000)")
    parser.add_argument("--demands", type=int, default=None, help="demand tickets (default: the demo's, 8 a unit)")
    parser.add_argument("--reports", type=int, default=25_000, help="reports added to the demo (it has none)")
    parser.add_argument("--jobs", type=int, default=25_000, help="finished jobs of demo_office added (none in demo)")
    parser.add_argument("--deep", type=int, default=DEEP_PAGE, help="the deep page's number")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=None, help="the demo's random seed (default: the demo's)")
    parser.add_argument("--backends", default="sqlite", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parent: one worker process per backend, then the table -------------------------------


def _options(args: argparse.Namespace) -> list[str]:
    options = ["--reports", str(args.reports), "--jobs", str(args.jobs), "--deep", str(args.deep)]
    options += ["--runs", str(args.runs), "--warmup", str(args.warmup)]
    for name in ("units", "demands", "seed"):
        if getattr(args, name) is not None:
            options += [f"--{name}", str(getattr(args, name))]
    return options


def _result(backend: str, found: dict[str, Any] | str) -> Result:
    if isinstance(found, str):
        return Result(backend, error=found)
    pages = [PageTiming(**p) for p in found.pop("pages")]
    floor = [PageTiming(**p) for p in found.pop("floor")]
    return Result(**found, pages=pages, floor=floor)


def run_sqlite(args: argparse.Namespace) -> Result:
    return _result("sqlite", run_on_sqlite("bench.bench_lists", ["--worker", "sqlite", *_options(args)]))


def run_postgresql(args: argparse.Namespace) -> Result:
    options = ["--worker", "postgresql", *_options(args)]
    return _result("postgresql", run_on_postgresql("bench.bench_lists", args.pg, options))


def _width(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns, counting CJK characters as two."""
    used = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    return text + " " * max(0, width - used)


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print(f"\n列表页的服务端耗时（测试客户端，进程内）：每页预热 {args.warmup} 次后计时 {args.runs} 次")
    print("中位数 / 最大值，毫秒")
    print(f"预算 ≤ {BUDGET_MS:.0f} ms（以最大值判断）；深页 = 第 {args.deep} 页，列表较短时为最深一页")
    print(f"机器：{describe()}\n")
    for result in results:
        name = f"{result.backend} {result.version}".strip()
        if result.error:
            print(f"{name}: {result.error}\n")
            continue
        build = "，".join(f"{k} {v:.1f}s" for k, v in result.build_s.items())
        counts = "，".join(f"{k} {v:,}" for k, v in result.counts.items())
        print(f"{name}  建库 {build}\n  数据：{counts}\n")
        header = f"  {_width('列表', 12)}{_width('页', 16)}{_width('账号', 16)}{_width('行（本页 / 共）', 20)}"
        print(f"{header}{'中位':>8}{'最大':>8}  查询  ≤{BUDGET_MS:.0f}ms")
        for page in result.pages:
            cells = f"  {_width(page.list_name, 12)}{_width(page.label, 16)}{_width(page.user, 16)}"
            cells += _width(page.rows, 20)
            if page.status != 200:
                print(f"{cells}HTTP {page.status}（未计时）  {page.url}")
                continue
            verdict = "是" if page.within else "否"
            print(f"{cells}{page.median_ms:8.1f}{page.max_ms:8.1f}  {page.queries:4d}  {verdict}   {page.url}")
        print("\n  对照：诉求工单表上的 SQL 本身（同一进程，同一数据库）")
        for row in result.floor:
            print(f"  {_width(row.label, 44)}{_width(row.rows, 12)}{row.median_ms:8.2f}{row.max_ms:8.2f}   {row.url}")
        over = [p for p in result.pages if p.status == 200 and not p.within]
        print(f"\n  超出预算的页面：{len(over)} 个" if over else "\n  全部页面在预算内。")
        for page in over:
            print(f"\n  cProfile（一次请求，累计时间前 15 行）：{page.list_name} {page.label} {page.url}")
            print(page.profile)
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


# -- the worker: build the demo, add reports and jobs, then time the pages ------------------------


def build(args: argparse.Namespace, result: Result) -> None:
    from django.core.management import call_command

    from luoshi.demo.builder import DEFAULT_SEED, DEFAULT_UNITS, build_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result.build_s["迁移"] = time.perf_counter() - started
    started = time.perf_counter()
    units = args.units or DEFAULT_UNITS
    build_demo(units=units, seed=DEFAULT_SEED if args.seed is None else args.seed, demands=args.demands)
    result.build_s["演示数据"] = time.perf_counter() - started
    started = time.perf_counter()
    _add_reports(args.reports)
    _add_jobs(args.jobs)
    result.build_s["报告与任务"] = time.perf_counter() - started
    analyze()


def _add_reports(count: int) -> None:
    """Finished reports spread over the districts and streets of the demo city, as uploads would leave them."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from luoshi.campaigns.models import Campaign
    from luoshi.orgs.models import Unit
    from luoshi.reports.choices import ReportKind, ReportStatus
    from luoshi.reports.models import Report

    campaign = Campaign.objects.order_by("id").first()
    office = get_user_model().objects.get(username="demo_office")
    units = list(Unit.objects.filter(kind__name__in=("县市区", "乡镇街道")).order_by("path"))
    units = units or list(Unit.objects.order_by("path"))
    kinds = list(ReportKind.values)
    now = timezone.now()
    with transaction.atomic():
        for first in range(0, count, 5000):
            Report.objects.bulk_create(
                [
                    Report(
                        campaign=campaign,
                        unit=(unit := units[i % len(units)]),
                        org_path=unit.path,
                        title=f"{unit.name}学习教育工作简报第{i // len(units) + 1}期",
                        kind=kinds[i % len(kinds)],
                        file=f"reports/bench/{i}.docx",
                        original_name=f"简报{i}.docx",
                        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        size=20_000 + i % 5000,
                        sha256=f"{i:064x}",
                        status=ReportStatus.DONE,
                        text=f"{unit.name}召开专题会议，部署学习教育工作。",
                        uploaded_by=office,
                        processed_at=now,
                    )
                    for i in range(first, min(first + 5000, count))
                ]
            )


def _add_jobs(count: int) -> None:
    """Finished exports of the city office: the job list shows only one's own jobs."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from luoshi.jobs.models import Job

    office = get_user_model().objects.get(username="demo_office")
    now = timezone.now()
    with transaction.atomic():
        for first in range(0, count, 5000):
            Job.objects.bulk_create(
                [
                    Job(
                        name="导出诉求工单",
                        kind="demands.export",
                        owner=office,
                        status="done",
                        progress=100,
                        log="已导出。",
                        result={"rows": i},
                        started_at=now,
                        finished_at=now,
                    )
                    for i in range(first, min(first + 5000, count))
                ]
            )


@dataclass
class ListSpec:
    name: str
    user: str
    path: str
    filtered: str = ""  # query string of the filtered page
    kind: str = "paginator"  # paginator, audit, children, tree


class Probe:
    """One request with templates instrumented, to read what the page showed (rows, 末页 link)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, url: str) -> Any:
        from django.test.utils import setup_test_environment, teardown_test_environment

        setup_test_environment()
        try:
            return self.client.get(url)
        finally:
            teardown_test_environment()


def _context(response: Any, key: str) -> Any:
    try:
        return response.context[key]
    except (KeyError, TypeError):
        return None


def _rows(response: Any) -> str:
    page = _context(response, "page")
    if page is not None and hasattr(page, "count"):
        total = f"{page.count:,}" if page.exact else f">{page.limit:,}"
        return f"{len(page.rows)} / {total}"
    for key in ("rows", "matches", "nodes"):
        found = _context(response, key)
        if found:
            return str(len(found))
    return "?"


def _median_max(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), max(samples)


def time_url(client: Any, page: PageTiming, runs: int, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        page.status = client.get(page.url).status_code
        if page.status != 200:
            return
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(page.url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            page.status = response.status_code
            return
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    page.status = 200
    page.median_ms, page.max_ms = _median_max(samples)
    page.queries = len(captured)


def profile_url(client: Any, url: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


def _join(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _paginated_urls(probe: Probe, spec: ListSpec, deep: int) -> list[tuple[str, str]]:
    """(label, URL) of page 1, the middle, the deep and the last page, and the filtered page and its last."""
    first = probe.get(spec.path)
    page = _context(first, "page")
    if page is None:
        return [("第 1 页", spec.path)]
    last_url = spec.path + page.last_link if page.has_other_pages else spec.path
    pages = page.num_pages
    urls = [("第 1 页", spec.path)]
    if pages > 2:
        urls.append((f"中间 第 {(pages + 1) // 2} 页", _join(spec.path, f"page={(pages + 1) // 2}")))
    if pages > 1:
        urls.append((f"深页 第 {min(deep, pages)} 页", _join(spec.path, f"page={min(deep, pages)}")))
        urls.append(("末页（链接）", last_url))
    if spec.filtered:
        filtered = _join(spec.path, spec.filtered)
        urls.append(("筛选 第 1 页", filtered))
        found = _context(probe.get(filtered), "page")
        if found is not None and found.has_other_pages:
            urls.append(("筛选 末页", spec.path + found.last_link))
    return urls


def _audit_urls(spec: ListSpec, deep: int) -> list[tuple[str, str]]:
    """The audit log pages by ``seq`` (keyset, newest first): ``before`` the row ending the previous page."""
    from luoshi.audit.models import AuditEvent
    from luoshi.audit.views import PAGE_SIZE

    seqs = list(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True))
    pages = max(1, -(-len(seqs) // PAGE_SIZE))
    urls = [("第 1 页", spec.path)]

    def before(number: int) -> str:
        return _join(spec.path, f"before={seqs[(number - 1) * PAGE_SIZE - 1]}")

    if pages > 2:
        urls.append((f"中间 第 {(pages + 1) // 2} 页", before((pages + 1) // 2)))
    if pages > 1:
        urls.append((f"深页 第 {min(deep, pages)} 页", before(min(deep, pages))))
        urls.append(("最早一页", _join(spec.path, "after=0")))
    if spec.filtered:
        urls.append(("筛选 第 1 页", _join(spec.path, spec.filtered)))
    return urls


def _children_urls(spec: ListSpec) -> list[tuple[str, str]]:
    from luoshi.orgs.models import Unit
    from luoshi.orgs.queries import CHILDREN_PAGE

    count = Unit.objects.filter(parent_id=int(spec.path.rstrip("/").split("/")[-2])).count()
    urls = [("第 1 批", spec.path)]
    if count > CHILDREN_PAGE:
        urls.append((f"末批 offset {(count - 1) // CHILDREN_PAGE * CHILDREN_PAGE}", _last_batch(spec.path, count)))
    return urls


def _last_batch(path: str, count: int) -> str:
    from luoshi.orgs.queries import CHILDREN_PAGE

    return _join(path, f"offset={(count - 1) // CHILDREN_PAGE * CHILDREN_PAGE}")


def list_specs() -> list[ListSpec]:
    from django.db.models import Count
    from django.urls import reverse

    from luoshi.audit.models import AuditEvent
    from luoshi.orgs.models import Unit

    district = (
        Unit.objects.filter(kind__name="县市区").order_by("path").first() or Unit.objects.order_by("path").first()
    )
    assert district is not None
    widest = Unit.objects.annotate(n=Count("children")).order_by("-n", "path").first()
    assert widest is not None
    action = AuditEvent.objects.values_list("action").annotate(n=Count("seq")).order_by("-n").first()
    demands = reverse("demands:list")
    return [
        ListSpec("诉求工单", "demo_dispatcher", demands, f"state=archived&q=物业&unit={district.pk}"),
        ListSpec("诉求工单", "demo_office", demands, "state=responded&state=finished&late=true"),
        ListSpec("问题清单", "demo_office", reverse("problems:list"), "state=rectifying&light=red&q=会议"),
        ListSpec("组织架构", "demo_office", reverse("orgs:tree"), "q=社区", kind="tree"),
        ListSpec("单位下级", "demo_office", reverse("orgs:children", args=[widest.pk]), kind="children"),
        ListSpec("单位页", "demo_office", reverse("orgs:detail", args=[widest.pk]), kind="tree"),
        ListSpec("工作报告", "demo_office", reverse("reports:list"), f"kind=briefing&unit={district.pk}"),
        ListSpec("后台任务", "demo_office", reverse("jobs:list")),
        ListSpec("账号", "demo_secadmin", reverse("accounts:users"), "q=示范&status=active"),
        ListSpec(
            "审计日志",
            "demo_auditor",
            reverse("audit:list"),
            f"action={action[0] if action else 'create'}",
            kind="audit",
        ),
    ]


def _floor(args: argparse.Namespace, offset: int) -> list[PageTiming]:
    """Plain OFFSET queries on the demand table at the deep page's offset, timed like the pages."""
    from django.db import connection

    from luoshi.demands.models import Demand

    table = connection.ops.quote_name(Demand._meta.db_table)
    statements = [
        ("SELECT * LIMIT 20 OFFSET n（无排序）", f"SELECT * FROM {table} LIMIT 20 OFFSET {offset}"),
        (
            "列表排序 SELECT * … LIMIT 50 OFFSET n",
            f"SELECT * FROM {table} ORDER BY received_at DESC, id DESC LIMIT 50 OFFSET {offset}",
        ),
        (
            "列表排序 SELECT id … LIMIT 50 OFFSET n",
            f"SELECT id FROM {table} ORDER BY received_at DESC, id DESC LIMIT 50 OFFSET {offset}",
        ),
        ("COUNT(*) 全表", f"SELECT COUNT(*) FROM {table}"),
    ]
    rows = []
    for label, sql in statements:
        samples, found = [], 0
        with connection.cursor() as cursor:
            for run in range(args.warmup + args.runs):
                started = time.perf_counter()
                cursor.execute(sql)
                found = len(cursor.fetchall())
                if run >= args.warmup:
                    samples.append((time.perf_counter() - started) * 1000)
        timing = PageTiming("SQL", label, "", sql, status=200, rows=f"{found} 行")
        timing.median_ms, timing.max_ms = _median_max(samples)
        rows.append(timing)
    return rows


def measure(args: argparse.Namespace, result: Result) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    from luoshi.testing.twofactor import verified_login

    clients: dict[str, Any] = {}
    # Static URLs without a collected manifest; the manifest lookup it skips is a dict access.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        for spec in list_specs():
            if spec.user not in clients:
                clients[spec.user] = Client()
                verified_login(clients[spec.user], get_user_model().objects.get(username=spec.user))
            client, probe = clients[spec.user], Probe(clients[spec.user])
            if spec.kind == "paginator":
                urls = _paginated_urls(probe, spec, args.deep)
            elif spec.kind == "audit":
                urls = _audit_urls(spec, args.deep)
            elif spec.kind == "children":
                urls = _children_urls(spec)
            else:
                urls = [("第 1 页", spec.path)] + ([("筛选", _join(spec.path, spec.filtered))] if spec.filtered else [])
            for label, url in urls:
                page = PageTiming(spec.name, label, spec.user, url)
                page.rows = _rows(probe.get(url))
                log(f"  {spec.name} {label} {url}")
                time_url(client, page, args.runs, args.warmup)
                if page.status == 200 and page.max_ms > BUDGET_MS:
                    page.profile = profile_url(client, url)
                result.pages.append(page)
        deep = next((p for p in result.pages if p.list_name == "诉求工单" and p.label.startswith("深页")), None)
        offset = (int(deep.label.split()[2]) - 1) * 50 if deep else (args.deep - 1) * 50
        result.floor = _floor(args, offset)


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()
    (Path(os.environ["LUOSHI_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    from luoshi.audit.models import AuditEvent
    from luoshi.demands.models import Demand
    from luoshi.jobs.models import Job
    from luoshi.orgs.models import Unit
    from luoshi.problems.models import Problem
    from luoshi.reports.models import Report

    result = Result(args.worker)
    result.version = database_version()
    log("  建库：演示数据 …")
    build(args, result)
    result.counts = {
        "单位": Unit.objects.count(),
        "诉求工单": Demand.objects.count(),
        "问题": Problem.objects.count(),
        "报告": Report.objects.count(),
        "任务": Job.objects.count(),
        "审计记录": AuditEvent.objects.count(),
    }
    log("  计时 …")
    measure(args, result)
    print_result(asdict(result))


if __name__ == "__main__":
    main()
