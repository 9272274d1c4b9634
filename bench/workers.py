"""Running a benchmark's measuring part in a worker process, once per database.

Each worker is a fresh Python process whose settings point Django at an empty database: SQLite in a
temporary folder, or PostgreSQL ``luoshi_bench`` (created here and dropped afterwards). The worker
prints one line ``RESULT {json}``; the parent reads it back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

RESULT_PREFIX = "RESULT "
BENCH_DB = os.environ.get("LUOSHI_BENCH_DB", "luoshi_bench")  # one database per benchmark run at a time
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"


def pg_admin(server: str, statement: str) -> None:
    """Run ``statement`` (with ``{}`` standing for the bench database's name) on the server's ``postgres`` database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(BENCH_DB)))


def print_result(result: dict[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)


def _run(module: str, database_url: str, folder: Path, options: list[str]) -> dict[str, Any] | str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "DATABASE_URL": database_url,
        "LUOSHI_DATA_DIR": str(folder),
        "LUOSHI_DEBUG": "0",
        "LUOSHI_JOBS": "immediate",
        "LUOSHI_ALLOWED_HOSTS": "testserver",
        "LUOSHI_LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", module, *options], env=env, stdout=subprocess.PIPE, text=True, check=False
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            found: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return found
    return f"工作进程退出码 {done.returncode}，没有结果"


def run_on_sqlite(module: str, options: list[str]) -> dict[str, Any] | str:
    """The worker's result on a new SQLite database, or an error message."""
    folder = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
    try:
        return _run(module, f"sqlite:///{folder / 'bench.sqlite3'}", folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_on_postgresql(module: str, server: str, options: list[str]) -> dict[str, Any] | str:
    """The worker's result on a new PostgreSQL database at ``server``, or an error message."""
    server = server.rstrip("/")
    try:
        pg_admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        pg_admin(server, "CREATE DATABASE {}")
    except Exception as exc:
        return f"不可用（{server}）：{str(exc).strip().splitlines()[0]}"
    folder = Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
    try:
        return _run(module, f"{server}/{BENCH_DB}", folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        pg_admin(server, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def database_version() -> str:
    """The worker's database and version, e.g. ``3.40.1`` or ``15.20``."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    connection.ensure_connection()
    number = connection.pg_version  # type: ignore[attr-defined]
    return f"{number // 10000}.{number % 10000}"


def analyze() -> None:
    """Refresh planner statistics after a bulk load, as autovacuum would (``ANALYZE`` on both databases)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
