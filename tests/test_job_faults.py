"""Fault tests with real processes: a job worker (``luoshi run_huey``) is killed by SIGKILL in the middle of
an import and of an export, and the next worker's sweep must leave the job as the user is told it is.

Every process runs on a throw-away site of its own: a data folder under ``tmp_path`` (SQLite queue, cache,
media) and its own database (the SQLite file in that folder, or a fresh PostgreSQL database when the test
run itself has ``DATABASE_URL``). Heartbeats come every 0.5 s and a worker silent for 3 s counts as dead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from openpyxl import load_workbook

from luoshi.demands.tests.import_helpers import csv_bytes, row
from luoshi.jobs.runner import progress_key

# the module builds one source site: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = pytest.mark.xdist_group("job_faults")

ROOT = Path(__file__).resolve().parent.parent
SEED_ROWS = 20_000  # tickets the site starts with, and what the export writes
IMPORT_ROWS = 60_000  # the killed import: progress shows every 20 000 rows read
BOOT_SECONDS = 90  # a worker's start, a job's run, on a busy machine
STUCK_SECONDS = 10  # a running job beats every 0.5 s
LINGER_SECONDS = 5  # for the next worker to tidy up after the job ended
IMPORT_FAILED = (
    "后台任务进程意外中止，任务未完成。它的写入在同一个事务中，已全部回滚，未写入任何数据；"
    "请重新发起（导入请重新上传文件）。"
)
EXPORT_REQUEUED = "后台任务进程意外中止，任务未完成；导出可以安全重做，已自动重新排队。"

SEED_SCRIPT = """
from django.core.management import call_command
from luoshi.testing.world import build_world
build_world()
call_command("import_demands", {path!r}, user="dispatcher_city", verbosity=0)
"""
QUEUE_IMPORT_SCRIPT = """
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from luoshi.demands.imports import check_import_upload
from luoshi.demands.jobs import start_import
upload = SimpleUploadedFile("热线.csv", Path({path!r}).read_bytes(), "text/csv")
job = start_import(get_user_model().objects.get(username="dispatcher_city"), upload, check_import_upload(upload))
print("JOB", job.pk)
"""
QUEUE_EXPORT_SCRIPT = """
from django.contrib.auth import get_user_model
from luoshi.demands import exports
from luoshi.jobs.runner import create_job
from luoshi.jobs.tasks import start_job
owner = get_user_model().objects.get(username="office_city")
job = create_job("导出工单", exports.EXPORT_KIND, owner=owner, params={{"query": {{}}, "rows": {rows}}})
start_job(job, "luoshi.demands.jobs.export_demands_job", atomic=False, retry_safe=True)
print("JOB", job.pk)
"""


@dataclass
class JobRow:
    status: str
    progress: int
    attempts: int
    log: str
    result: Any
    finished: bool
    worker: str


@dataclass
class Site:
    """A data folder and database that ``luoshi`` subprocesses share."""

    folder: Path
    env: dict[str, str]
    database_url: str | None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def luoshi(self, *args: str, timeout: float = 180) -> str:
        """Run ``python -m luoshi.cli ARGS`` to its end; its output (failing the test when it fails)."""
        done = subprocess.run(  # noqa: S603 - this interpreter and fixed arguments
            [sys.executable, "-m", "luoshi.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout.decode() + done.stderr.decode()
        assert done.returncode == 0, output
        return output

    def shell(self, script: str) -> str:
        return self.luoshi("shell", "-c", script)

    def queue(self, script: str) -> int:
        """Run a script that queues a job and prints ``JOB <id>``; the id."""
        output = self.shell(script)
        return next(int(line.split()[1]) for line in output.splitlines() if line.startswith("JOB "))

    def start_worker(self) -> subprocess.Popen[bytes]:
        """A real worker (``luoshi run_huey``), its output in the data folder."""
        log = (self.folder / f"worker-{len(self.workers) + 1}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "luoshi.cli", "run_huey"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL, then reap it: a zombie would still answer ``kill(pid, 0)`` as alive."""
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    def worker_logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.folder.glob("*.log"))

    # --- reading the site's database and cache directly, as the processes left them ---------------

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
        db = sqlite3.connect(self.folder / "luoshi.sqlite3", timeout=30)
        try:
            return list(db.execute(sql, params).fetchall())
        finally:
            db.close()

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return int(self.query(sql, params)[0][0])

    def job(self, pk: int) -> JobRow:
        sql = "SELECT status, progress, attempts, log, result, finished_at, worker FROM jobs_job WHERE id = ?"
        status, progress, attempts, log, result, finished, worker = self.query(sql, (pk,))[0]
        if isinstance(result, str):
            result = json.loads(result)
        return JobRow(status, int(progress), int(attempts), log, result, finished is not None, worker)

    def stuck(self, pk: int) -> bool:
        """Running, but with no heartbeat for ``STUCK_SECONDS`` although its worker lives: it will wait for a
        sweep that blames a dead worker."""
        found = self.query("SELECT status, heartbeat_at FROM jobs_job WHERE id = ?", (pk,))[0]
        if found[0] != "running" or found[1] is None:
            return False
        beat = found[1] if isinstance(found[1], dt.datetime) else dt.datetime.fromisoformat(found[1])
        beat = beat if beat.tzinfo else beat.replace(tzinfo=dt.UTC)
        return (dt.datetime.now(dt.UTC) - beat).total_seconds() > STUCK_SECONDS

    def live_progress(self, pk: int) -> int:
        """The progress a running body last reported: in the shared cache (inside a transaction the row
        has it only at the end), else on the row."""
        found = FileBasedCache(str(self.folder / "cache"), {}).get(progress_key(pk))
        return int(found[0]) if found else self.job(pk).progress

    def files(self, folder: str) -> list[Path]:
        path = self.folder / "media" / folder
        return sorted(path.iterdir()) if path.exists() else []


def wait_for(site: Site, what: str, check: Callable[[], bool], seconds: float = BOOT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f} s for {what}\n{site.worker_logs()}")
        time.sleep(0.1)


def admin_url(url: str) -> str:
    """The same server's maintenance database, to create and drop the site's own."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A migrated site with the test world and ``SEED_ROWS`` imported tickets; every worker started on it
    is killed at the end and its PostgreSQL database (if any) dropped."""
    folder = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "LUOSHI_DATA_DIR": str(folder),
        "LUOSHI_JOBS": "sqlite",
        "LUOSHI_JOB_HEARTBEAT_SECONDS": "0.5",
        "LUOSHI_JOB_STALE_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }
    database_url = None
    server = os.environ.get("DATABASE_URL")
    if server:
        import psycopg

        name = f"luoshi_fault_{secrets.token_hex(4)}"
        database_url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        with psycopg.connect(admin_url(server), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    made = Site(folder, env, database_url)
    try:
        made.luoshi("migrate", "-v0")
        seed = folder / "seed.csv"
        seed.write_bytes(csv_bytes([row(工单编号=f"S{i:07d}") for i in range(SEED_ROWS)]))
        made.shell(SEED_SCRIPT.format(path=str(seed)))
        yield made
    finally:
        for worker in made.workers:
            made.kill(worker)
        if database_url and server:
            import psycopg

            with psycopg.connect(admin_url(server), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(database_url).path[1:]}" WITH (FORCE)')


@dataclass
class Killed:
    """A job whose worker was killed mid-way, as the next worker left it, and what was there before."""

    site: Site
    pk: int
    job: JobRow
    before: dict[str, Any]


def kill_mid_way(
    site: Site, pk: int, progress_above: int, then: Callable[[], bool] = lambda: True
) -> tuple[JobRow, int]:
    """Start a worker on queued job ``pk``, SIGKILL it once the job runs past ``progress_above`` percent,
    start another and wait for the job to end (or to be stuck), then up to ``LINGER_SECONDS`` for ``then``
    while that worker still runs; the job as the killed worker left it, and that worker's pid. Every worker
    started here is killed before it returns."""
    started = len(site.workers)
    try:
        first = site.start_worker()
        wait_for(
            site,
            f"job {pk} to run past {progress_above} %",
            lambda: site.job(pk).status == "running" and site.live_progress(pk) > progress_above,
        )
        site.kill(first)
        left = site.job(pk)
        site.start_worker()
        wait_for(site, f"job {pk} to end", lambda: site.job(pk).status in ("succeeded", "failed") or site.stuck(pk))
        deadline = time.monotonic() + LINGER_SECONDS
        while not then() and time.monotonic() < deadline:
            time.sleep(0.1)
        return left, first.pid
    finally:
        for worker in site.workers[started:]:
            site.kill(worker)


@pytest.fixture(scope="module")
def killed_import(site: Site) -> Killed:
    """An import of ``IMPORT_ROWS`` tickets whose worker was killed once 20 000 rows were read."""
    before: dict[str, Any] = {
        "demands": site.count("SELECT COUNT(*) FROM demands_demand"),
        "batches": site.count("SELECT COUNT(*) FROM demands_demandimport"),
    }
    upload = site.folder / "import.csv"
    upload.write_bytes(csv_bytes([row(工单编号=f"K{i:07d}") for i in range(IMPORT_ROWS)]))
    pk = site.queue(QUEUE_IMPORT_SCRIPT.format(path=str(upload)))
    before["uploads"] = site.files("imports")
    before["left"], before["pid"] = kill_mid_way(site, pk, progress_above=1, then=lambda: not site.files("imports"))
    before["uploads_left"] = site.files("imports")
    return Killed(site, pk, site.job(pk), before)


@pytest.fixture(scope="module")
def killed_export(site: Site) -> Killed:
    """An export of the ``SEED_ROWS`` tickets whose worker was killed once rows were being written
    (5 % is its start, every 5 000 rows add to it)."""
    before: dict[str, Any] = {"exports": site.files("exports")}
    pk = site.queue(QUEUE_EXPORT_SCRIPT.format(rows=SEED_ROWS))
    before["left"], before["pid"] = kill_mid_way(site, pk, progress_above=5)
    return Killed(site, pk, site.job(pk), before)


def test_an_import_killed_mid_way_fails_with_the_reason_and_writes_nothing(killed_import: Killed) -> None:
    site, job, before = killed_import.site, killed_import.job, killed_import.before
    assert len(before["uploads"]) == 1
    assert before["left"].status == "running"  # the dead worker left it so, until a sweep saw it was gone
    assert before["left"].worker.endswith(f":{before['pid']}")
    assert job.status == "failed"
    assert job.result == {"message": IMPORT_FAILED}
    assert job.log.endswith(IMPORT_FAILED + "\n")
    assert (job.attempts, job.finished) == (1, True)
    assert site.count("SELECT COUNT(*) FROM demands_demand") == before["demands"]
    assert site.count("SELECT COUNT(*) FROM demands_demand WHERE number LIKE ?", ("K%",)) == 0
    assert site.count("SELECT COUNT(*) FROM demands_demandimport") == before["batches"]
    assert before["uploads_left"] == []  # the upload (names and phones in clear) went with the failed job


def test_an_export_killed_mid_way_is_queued_again_once_and_finishes(killed_export: Killed) -> None:
    site, job, before = killed_export.site, killed_export.job, killed_export.before
    assert before["left"].status == "running"
    assert before["left"].worker.endswith(f":{before['pid']}")
    assert EXPORT_REQUEUED in job.log
    assert (job.status, job.attempts, job.progress) == ("succeeded", 2, 100), job.log
    assert job.result["rows"] == SEED_ROWS
    written = site.folder / "media" / job.result["file"]
    assert site.files("exports") == sorted([*before["exports"], written])  # the killed run left no half a file
    book = load_workbook(written, read_only=True)
    try:
        numbers = {values[0] for values in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    finally:
        book.close()
    assert numbers == {f"S{i:07d}" for i in range(SEED_ROWS)}
