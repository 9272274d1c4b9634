"""Study at Ningbo's scale: importing the member register from Excel, a county's coverage, and QR sign-in under load.

Builds ``--units`` units (the demo's org tree) and one campaign, writes a register of ``--members`` invented
members as an .xlsx file (openpyxl write_only; its time is shown apart, not in the figure) and times:

- ``members.imports.import_members`` of that file by an office user of the city (target ≤ 120 s for 600,000);

then adds reading classes of ten half-days with rosters of ~500 and ``--attendance`` attendance rows (COPY on
PostgreSQL; mostly present or late, some absent or on leave) and times:

- ``study.coverage.people_covered`` (distinct people) of each county-level unit's subtree, three rounds after a
  warm-up (p50, p95; target ≤ 200 ms);
- ``study.signin.sign_in_by_scan`` from 200 threads released at once, each request reading its session and its
  member by number as the public page does, against new sessions of today with rosters of 200 (p50, p95, max per
  request and the throughput, over ``--rounds`` bursts; target p95 ≤ 50 ms). Each thread holds its own database
  connection; when the server allows fewer connections than threads, that many threads serve the 200 requests
  from a queue and the latency counts the wait. The threads share one Python process (one core for Python);
- the same sign-ins through the public page's POST with Django's test Client (the full middleware stack), when
  the page exists.

    uv run python -m bench.bench_study [--members 600000 --attendance 10000000 --backends postgresql]

Develop at a tenth: ``--members 60000 --attendance 1000000``; ``--quick`` for a smoke run. Set
``LUOSHI_BENCH_DB`` for a database of its own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.workers import DEFAULT_PG, analyze, database_version, print_result, run_on_postgresql, run_on_sqlite

SEED = 2026
IMPORT_BUDGET_S = 120.0
COVERAGE_BUDGET_MS = 200.0
SIGNIN_BUDGET_MS = 50.0
SIGNERS = 200
PAST_DAYS, FUTURE_DAYS = 200, 165
CONNECTION_MARGIN = 12  # connections left to the other users of the server


@dataclass
class Result:
    backend: str
    version: str = ""
    error: str = ""
    build_s: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    import_s: float | None = None
    import_note: str = ""
    import_cpu: dict[str, float] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)
    coverage_ms: dict[str, float] = field(default_factory=dict)
    street_ms: dict[str, float] = field(default_factory=dict)
    coverage_note: str = ""
    signin: dict[str, dict[str, float]] = field(default_factory=dict)
    signin_note: str = ""
    page: dict[str, dict[str, float]] = field(default_factory=dict)
    page_note: str = ""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--members", type=int, default=600_000)
    parser.add_argument("--attendance", type=int, default=10_000_000)
    parser.add_argument("--signers", type=int, default=SIGNERS, help="concurrent sign-ins per burst")
    parser.add_argument("--rounds", type=int, default=5, help="bursts of sign-ins (one new session each)")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which a hall's sign-ins arrive")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 units, 5,000 members, 50,000 rows")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--backends", default="postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG", DEFAULT_PG), help="PostgreSQL server URL")
    parser.add_argument("--worker", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.members, args.attendance, args.rounds = 2_000, 5_000, 50_000, 2
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _verdict(value: float, budget: float) -> str:
    return "达标" if value <= budget else "超出"


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    options = [
        *("--units", str(args.units), "--members", str(args.members), "--attendance", str(args.attendance)),
        *(
            "--signers",
            str(args.signers),
            "--rounds",
            str(args.rounds),
            "--spread",
            str(args.spread),
            "--seed",
            str(args.seed),
        ),
    ]
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"== {backend} ==")
        run = run_on_sqlite if backend == "sqlite" else lambda m, o: run_on_postgresql(m, args.pg, o)
        found = run("bench.bench_study", ["--worker", backend, *options])
        results.append(Result(backend, error=found) if isinstance(found, str) else Result(**found))
    print(
        f"\n学习：{args.units:,} 个单位，{args.members:,} 名党员干部，{args.attendance:,} 条考勤；"
        f"{args.signers} 人同时扫码签到 × {args.rounds} 轮"
    )
    print(f"机器：{describe()}（只有 {os.cpu_count()} 个核：数据库、Python 与全部线程共用）\n")
    for r in results:
        report(r, args)
    print()


def report(r: Result, args: argparse.Namespace) -> None:
    name = f"{r.backend} {r.version}".strip()
    if r.error:
        print(f"{name:<18} {r.error}")
        return
    if r.load:
        print(f"{name:<18} 负载（1 分钟平均）：开始 {r.load[0]:.1f}，计时前 {r.load[1]:.1f}，结束 {r.load[2]:.1f}")
    print(f"{'':<18} 建库 " + "，".join(f"{k} {v:.1f}s" for k, v in r.build_s.items()))
    print(f"{'':<18} 行数 " + "，".join(f"{k} {v:,}" for k, v in r.counts.items()))
    if r.import_s is not None:
        print(
            f"  名册导入（Excel，{args.members:,} 人） {r.import_s:8.1f} s"
            f"  目标 ≤ {IMPORT_BUDGET_S:.0f} s  {_verdict(r.import_s, IMPORT_BUDGET_S)}"
        )
        if r.import_cpu:
            cpu = r.import_cpu
            print(f"    其中 CPU 时间：Python {cpu['python']:.1f} s，PostgreSQL {cpu['db']:.1f} s")
    else:
        print(f"  名册导入（Excel）      未测：{r.import_note}")
    if r.coverage_ms:
        c, s = r.coverage_ms, r.street_ms
        print(
            f"  县级参学覆盖（去重人数） p50 {c['p50']:6.1f} ms  p95 {c['p95']:6.1f} ms  max {c['max']:6.1f} ms"
            f"  目标 ≤ {COVERAGE_BUDGET_MS:.0f} ms  {_verdict(c['p95'], COVERAGE_BUDGET_MS)}"
            f"（{int(c['samples'])} 次）"
        )
        print(f"  乡镇街道参学覆盖         p50 {s['p50']:6.1f} ms  p95 {s['p95']:6.1f} ms  max {s['max']:6.1f} ms")
        print(f"    每次 CPU 时间（Python 与 PostgreSQL）：县级 {c['cpu_ms']:.1f} ms，乡镇街道 {s['cpu_ms']:.1f} ms")
    else:
        print(f"  参学覆盖               未测：{r.coverage_note}")
    print(f"  扫码签到目标：{args.signers} 人并发时 p95 ≤ {SIGNIN_BUDGET_MS:.0f} ms")
    _report_signin("扫码签到·服务调用 sign_in_by_scan", r.signin, r.signin_note, args.spread)
    _report_signin("扫码签到·公开页 POST（Django 测试客户端，完整中间件）", r.page, r.page_note, args.spread)


MODE_LABELS = {
    "one": "一个接一个（单线程）",
    "burst": "同时到达",
    "spread": "{spread:.0f} 秒内陆续到达",
}


def _report_signin(label: str, figures: dict[str, dict[str, float]], note: str, spread: float) -> None:
    if not figures:
        print(f"  {label} 未测：{note}")
        return
    print(f"  {label}（每批 {int(figures['burst']['burst'])} 人；延迟自请求到达起算）")
    for key, f in figures.items():
        mode = MODE_LABELS[key].format(spread=spread)
        verdict = f"  {_verdict(f['p95'], SIGNIN_BUDGET_MS)}" if key != "one" else ""
        print(
            f"    {mode:<14} p50 {f['p50']:7.1f} ms  p95 {f['p95']:7.1f} ms  max {f['max']:7.1f} ms{verdict}"
            f"  （{int(f['threads'])} 线程，{int(f['requests'])} 次，失败 {int(f['errors'])}，"
            f"吞吐 {f['throughput']:.0f} 次/秒；线程内处理 p50 {f['service_p50']:.1f} / p95 {f['service_p95']:.1f} ms）"
        )
    one = figures["one"]
    python, db = one["python_cpu_ms"], one["db_cpu_ms"]
    rate = 1000 / max(python, (python + db) / 2, 0.001)  # Python holds one core (the GIL); the two cores in all
    size = figures["burst"]["burst"]
    print(
        f"    每次 CPU 时间：Python {python:.1f} ms + PostgreSQL {db:.1f} ms；按此估算空闲的 2 核约 {rate:.0f} 次/秒，"
        f"{int(size)} 人同时到达时 p95 约 {0.95 * size * 1000 / rate:.0f} ms"
    )
    if note:
        print(f"    {note}")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max": ordered[-1],
        "samples": len(ordered),
    }


# ---------------------------------------------------------------- the register


def _member_units() -> list[Any]:
    from django.db.models import F

    from luoshi.orgs.models import Unit

    return list(
        Unit.objects.annotate(kind_code=F("kind__code"))
        .only("id", "path", "code", "name", "member_count")
        .order_by("path")
    )


def _import_headers() -> tuple[list[str], str] | None:
    try:
        from luoshi.members import imports
    except ImportError:
        return None
    columns = getattr(imports, "COLUMNS", ())
    headers = [getattr(c, "header", c) for c in columns]
    return [str(h) for h in headers], str(getattr(imports, "SHEET", "党员干部名册"))


def _import_register(result: Result, office: Any, units: list[Any], args: argparse.Namespace) -> None:
    """The register from Excel through the importer; written directly (and not timed) while it is missing."""
    from bench import study_data

    specs = study_data.member_specs(units, args.members, random.Random(args.seed + 3))
    found = _import_headers()
    if found is None or not hasattr(sys.modules.get("luoshi.members.imports"), "import_members"):
        result.import_note = "luoshi.members.imports.import_members 尚不存在；名册直接写入"
        started = time.perf_counter()
        study_data.copy_members(specs, {u.code: u for u in units})
        result.build_s["名册（直接写入）"] = time.perf_counter() - started
        return
    from luoshi.members.imports import import_members

    headers, sheet = found
    path = Path(tempfile.mkdtemp(prefix="luoshi-bench-members-")) / "members.xlsx"
    started = time.perf_counter()
    study_data.write_members_xlsx(path, headers, specs, sheet)
    result.build_s["生成 Excel"] = time.perf_counter() - started
    result.counts["xlsx_mb"] = path.stat().st_size // 2**20
    log(f"  导入 {path.stat().st_size / 2**20:.0f} MB …")
    try:
        started = time.perf_counter()
        with path.open("rb") as fh, study_data.CpuMeter() as cpu:
            import_members(office, fh)
        result.import_s = time.perf_counter() - started
        result.import_cpu = {"python": cpu.python_s, "db": cpu.db_s or 0.0}
    except Exception as exc:  # a refused file must not spoil the figures below
        errors = getattr(exc, "errors", [])[:3]
        result.import_note = f"出错：{type(exc).__name__}: {str(exc)[:80]} {[str(e) for e in errors]}"
        study_data.copy_members(
            study_data.member_specs(units, args.members, random.Random(args.seed + 3)), {u.code: u for u in units}
        )
    finally:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- classes and attendance


def _load_attendance(result: Result, campaign: Any, units: list[Any], args: argparse.Namespace) -> None:
    from bench import study_data
    from luoshi.members.models import Member
    from luoshi.study.models import Attendance, ClassMember

    rng = random.Random(args.seed + 4)
    started = time.perf_counter()
    members = list(Member.objects.order_by("id").values_list("id", "org_path"))
    planned = study_data.plan_classes(study_data.organisers(units, members), args.attendance, rng)
    sessions = study_data.write_classes(campaign, planned, rng, campaign.starts_on)
    roster = study_data.bulk_write(ClassMember, study_data.ROSTER_COLUMNS, study_data.roster_rows(planned), "名单")
    result.build_s["班次与名单"] = time.perf_counter() - started
    started = time.perf_counter()
    rows = study_data.attendance_rows(campaign.pk, planned, rng)
    made = study_data.bulk_write(Attendance, study_data.ATTENDANCE_COLUMNS, rows, "考勤")
    result.build_s["考勤"] = time.perf_counter() - started
    started = time.perf_counter()
    _vacuum()
    result.build_s["VACUUM"] = time.perf_counter() - started
    result.counts.update(members=len(members), classes=len(planned), sessions=sessions, roster=roster, attendance=made)


def _vacuum() -> None:
    """What autovacuum does after a bulk load: statistics, and on PostgreSQL the visibility map that lets the
    coverage count read its covering index alone."""
    from django.db import connection

    analyze()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) study_attendance")
            cursor.execute("VACUUM (ANALYZE) members_member")


# ---------------------------------------------------------------- coverage


def _time_coverage(campaign: Any, units: list[Any], rounds: int) -> dict[str, float]:
    from bench.study_data import CpuMeter
    from luoshi.orgs.models import Unit
    from luoshi.study.coverage import people_covered

    samples, cpu = [], 0.0
    for _ in range(rounds):
        for pk in [u.pk for u in units]:
            unit = Unit.objects.get(pk=pk)
            started = time.perf_counter()
            with CpuMeter() as meter:
                covered = people_covered(campaign, unit)
            samples.append((time.perf_counter() - started) * 1000)
            cpu += meter.python_s + (meter.db_s or 0.0)
            assert covered >= 0
    return {**_percentiles(samples), "cpu_ms": cpu * 1000 / len(samples)}


def _coverage(result: Result, campaign: Any, tree: Any, rng: random.Random) -> None:
    try:
        from luoshi.study.coverage import people_covered  # noqa: F401
    except ImportError:
        result.coverage_note = "luoshi.study.coverage.people_covered 尚不存在"
        return
    counties = [node.saved() for node in tree.districts]
    streets = [child.saved() for node in tree.districts for child in node.children]
    _time_coverage(campaign, counties[:1], 1)  # warm the caches once
    result.coverage_ms = _time_coverage(campaign, counties, 3)
    result.street_ms = _time_coverage(campaign, rng.sample(streets, min(30, len(streets))), 1)
    result.counts["counties"] = len(counties)


# ---------------------------------------------------------------- sign-in under load


def connection_budget(wanted: int) -> int:
    """Threads that may each hold a connection: ``wanted``, or what the server has left (less a margin)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return wanted
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        free = cursor.fetchone()[0]
    return max(1, min(wanted, free - CONNECTION_MARGIN))


@dataclass
class Burst:
    latency_ms: list[float] = field(default_factory=list)  # from the request's arrival
    service_ms: list[float] = field(default_factory=list)  # from the moment a thread took it up
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    python_cpu_s: float = 0.0  # this process, all threads
    db_cpu_s: float = 0.0  # the threads' PostgreSQL server processes


Job = Callable[[], Any]


def burst(jobs: list[Job], threads: int, arrivals: list[float] | None = None) -> Burst:
    """Run ``jobs`` on ``threads`` threads, each holding its own open connection. All jobs arrive at one instant,
    or ``arrivals[i]`` seconds after it; a free thread takes the next arrived job."""
    from django.db import connections

    from bench.study_data import backend_pid, process_cpu_s

    offsets = arrivals or [0.0] * len(jobs)
    pending = sorted(zip(offsets, range(len(jobs)), jobs, strict=True), reverse=True)
    lock = threading.Lock()
    out = Burst()
    t0: list[float] = []
    cpu0: list[float] = []

    def release() -> None:
        cpu0.append(time.process_time())
        t0.append(time.perf_counter())

    gate = threading.Barrier(threads + 1, action=release)

    def take() -> tuple[float, int, Job] | None:
        with lock:
            return pending.pop() if pending else None

    def serve(arrival: float, job: Job) -> None:
        time.sleep(max(0.0, t0[0] + arrival - time.perf_counter()))
        started = time.perf_counter()
        try:
            job()
        except Exception as exc:  # counted and reported, not raised
            out.errors.append(f"{type(exc).__name__}: {str(exc)[:60]}")
        ended = time.perf_counter()
        with lock:
            out.latency_ms.append((ended - t0[0] - arrival) * 1000)
            out.service_ms.append((ended - started) * 1000)

    def run() -> None:
        try:
            connections["default"].ensure_connection()
            pid = backend_pid()
            before = process_cpu_s(pid)
            gate.wait()
            while (found := take()) is not None:
                serve(found[0], found[2])
            after = process_cpu_s(pid)
            with lock:
                out.db_cpu_s += (after or 0.0) - (before or 0.0)
        finally:
            connections["default"].close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    gate.wait()
    for w in workers:
        w.join()
    out.wall_s = time.perf_counter() - t0[0]
    out.python_cpu_s = time.process_time() - cpu0[0]
    return out


def summarise(bursts: list[Burst], threads: int, size: int, queued: bool = True) -> dict[str, float]:
    """Latency from arrival (``queued``), or from the moment a thread took the request up (one by one)."""
    latency = [x for b in bursts for x in (b.latency_ms if queued else b.service_ms)]
    service = _percentiles([x for b in bursts for x in b.service_ms])
    return {
        **_percentiles(latency),
        "service_p50": service["p50"],
        "service_p95": service["p95"],
        "threads": threads,
        "burst": size,
        "requests": len(latency),
        "errors": sum(len(b.errors) for b in bursts),
        "throughput": len(latency) / sum(b.wall_s for b in bursts),
        "python_cpu_ms": sum(b.python_cpu_s for b in bursts) * 1000 / len(latency),
        "db_cpu_ms": sum(b.db_cpu_s for b in bursts) * 1000 / len(latency),
    }


def signin_session(campaign: Any, organiser: Any, size: int, rng: random.Random, n: int) -> Any:
    """A new session starting now, of its own class with a roster of ``size`` random members."""
    from django.utils import timezone

    from luoshi.members.models import Member
    from luoshi.study.models import ClassMember, StudyClass, StudySession

    now = timezone.localtime()
    made = StudyClass.objects.create(
        campaign=campaign, unit=organiser, org_path=organiser.path, topic=f"扫码签到第{n}场", min_half_days=1
    )
    last = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
    chosen = Member.objects.filter(pk__in=rng.sample(range(1, last + 1), min(size * 2, last))).only("id", "org_path")
    ClassMember.objects.bulk_create(
        ClassMember(study_class=made, member=m, org_path=m.org_path) for m in list(chosen)[:size]
    )
    return StudySession.objects.create(
        campaign=campaign,
        study_class=made,
        org_path=organiser.path,
        title="集中学习",
        date=now.date(),
        half="am" if now.hour < 12 else "pm",
        starts_at=now.time().replace(microsecond=0),
        place="党员活动室",
        secret=os.urandom(16).hex(),
    )


def roster_of(session: Any) -> list[Any]:
    from luoshi.members.models import Member
    from luoshi.study.models import ClassMember

    ids = ClassMember.objects.filter(study_class_id=session.study_class_id).values("member_id")
    return list(Member.objects.filter(pk__in=ids).only("id", "number", "user_id"))


def scan_jobs(session: Any) -> list[Job]:
    """The service call as the page makes it: the session and the member by number read first."""
    from luoshi.study.signin import current_code

    code = current_code(session)

    def job(number: str) -> Job:
        def run() -> Any:
            from luoshi.members.services import member_by_number
            from luoshi.study.models import StudySession
            from luoshi.study.signin import sign_in_by_scan

            member = member_by_number(number)
            assert member is not None
            return sign_in_by_scan(StudySession.objects.get(pk=session.pk), code, member)

        return run

    return [job(m.number) for m in roster_of(session)]


def page_jobs(session: Any) -> list[Job]:
    """The public page's one-tap POST (a member whose login is linked), each from its own client and IP."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from luoshi.members.models import Member
    from luoshi.study.signin import current_code

    url, code, users = reverse("study_public:signin", args=[session.pk]), current_code(session), get_user_model()
    jobs: list[Job] = []
    for n, member in enumerate(roster_of(session)):
        if member.user_id is None:
            user = users.objects.create(username=f"m{member.number}", display_name="党员")
            Member.objects.filter(pk=member.pk).update(user=user)
            member.user_id = user.pk
        client = Client(REMOTE_ADDR=f"10.{session.pk % 250}.{n // 250}.{n % 250 + 1}")
        client.force_login(users.objects.get(pk=member.user_id))

        def run(client: Client = client) -> None:
            response = client.post(url, {"c": code, "step": "tap"})
            assert response.status_code == 200, response.status_code

        jobs.append(run)
    return jobs


def signed_in(session: Any) -> int:
    from luoshi.study.models import Attendance

    return Attendance.objects.filter(session=session, method="qr").count()


def run_mode(make: Callable[[Any], list[Job]], sessions: list[Any], threads: int, spread: float) -> list[Burst]:
    """Every session's sign-ins as one burst: all at once (``spread`` 0), or arriving over ``spread`` seconds."""
    rng = random.Random(len(sessions))
    bursts = []
    for session in sessions:
        jobs = make(session)
        arrivals = sorted(rng.uniform(0, spread) for _ in jobs) if spread else None
        bursts.append(burst(jobs, threads, arrivals))
        missing = len(jobs) - len(bursts[-1].errors) - signed_in(session)
        if missing:
            bursts[-1].errors.append(f"{missing} 次签到未见考勤记录")
    return bursts


MODES = (("逐个", "one"), ("同时", "burst"), ("分散", "spread"))


def _measure(
    make: Callable[[Any], list[Job]], new_session: Callable[[], Any], threads: int, args: argparse.Namespace
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """One by one on one thread; all at once (``--rounds`` bursts); arriving over ``--spread`` seconds."""
    run_mode(make, [new_session()], threads, 0)  # opens the connections and loads the code paths
    plans = {"one": (1, 1, 0.0), "burst": (args.rounds, threads, 0.0), "spread": (1, threads, args.spread)}
    figures, errors = {}, []
    for key, (rounds, workers, spread) in plans.items():
        started = time.perf_counter()
        bursts = run_mode(make, [new_session() for _ in range(rounds)], workers, spread)
        log(f"  签到 {key}：{rounds} 批，{time.perf_counter() - started:.1f}s")
        figures[key] = summarise(bursts, workers, args.signers, queued=key != "one")
        errors += [e for b in bursts for e in b.errors]
    return figures, sorted(set(errors))


def _signin(result: Result, campaign: Any, organiser: Any, args: argparse.Namespace) -> None:
    try:
        from luoshi.study.signin import current_code, sign_in_by_scan  # noqa: F401
    except ImportError:
        result.signin_note = "luoshi.study.signin 尚不存在"
        return
    threads = connection_budget(args.signers)
    note = ""
    if threads < args.signers:
        note = f"数据库服务器只余 {threads} 个连接给本基准：{threads} 个线程处理 {args.signers} 个请求，延迟含排队"
    rng, count = random.Random(args.seed + 5), iter(range(1, 1000))

    def new_session() -> Any:
        return signin_session(campaign, organiser, args.signers, rng, next(count))

    result.signin, errors = _measure(scan_jobs, new_session, threads, args)
    result.signin_note = "；".join([note, *errors[:1]]).strip("；")
    try:
        from django.urls import reverse

        reverse("study_public:signin", args=[1])
    except Exception as exc:  # the page is not there yet
        result.page_note = f"公开签到页不可用：{type(exc).__name__}"
        return
    from django.conf import settings
    from django.test import override_settings

    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # no collectstatic here
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        result.page, errors = _measure(page_jobs, new_session, threads, args)
    result.page_note = "；".join([note, *errors[:1]]).strip("；")


# ---------------------------------------------------------------- the worker


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

    result = Result(args.worker, version=database_version(), load=[os.getloadavg()[0]])
    rng = random.Random(args.seed)
    today: date = timezone.localdate()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        tree = build_org_tree(args.units, rng)
        campaign = Campaign.objects.create(
            name="学习教育基准",
            unit=tree.city,
            starts_on=today - timedelta(days=PAST_DAYS),
            ends_on=today + timedelta(days=FUTURE_DAYS),
        )
    office = get_user_model().objects.create(
        username="bench_office", display_name="市办公室", password=make_password(None)
    )
    RoleAssignment.objects.create(user=office, role="office", unit=tree.city)
    units = _member_units()
    result.build_s["单位"] = time.perf_counter() - started
    result.counts["units"] = tree.count
    _import_register(result, office, units, args)
    _load_attendance(result, campaign, units, args)
    log("  计时 …")
    result.load.append(os.getloadavg()[0])
    _coverage(result, campaign, tree, random.Random(args.seed + 6))
    _signin(result, campaign, tree.districts[0].children[0].saved(), args)
    result.load.append(os.getloadavg()[0])
    print_result(asdict(result))


if __name__ == "__main__":
    main()
