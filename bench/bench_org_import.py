"""Benchmark: import a 30,000-unit org tree (5 levels) from Excel, on SQLite and on PostgreSQL.

    uv run python -m bench.bench_org_import [--units 30000] [--no-postgres]

Generates the workbook once, then for each database runs a fresh process that points Django at a
new, empty database (SQLite in a temporary folder; PostgreSQL ``luoshi_bench``, created and dropped
here when a server answers at postgres://postgres@127.0.0.1:5432), migrates it, imports the file as
the system, exports the tree, imports the export back (nothing changes), and reads the tree's top
levels as the tree page does. The workbook uses shared strings, as Excel and WPS save files; the
export is written in openpyxl's streaming mode (inline strings), which reads back more slowly.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.machine import describe

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "luoshi_bench"
TARGET_SECONDS = 30.0
FANOUT = (20, 15, 20)  # districts, streets per district, communities per street; branches take the rest


def tree_rows(total: int) -> Iterator[list[Any]]:
    """Rows of a 5-level tree with ``total`` units: city, districts, streets, communities, party branches."""
    yield ["R", "示范市", "党委", "", 12, "市委书记"]
    made, level_codes = 1, ["R"]
    for kind, fanout in zip(("县市区", "乡镇街道", "村社区"), FANOUT, strict=True):
        children = []
        for parent in level_codes:
            for i in range(1, fanout + 1):
                code = f"{parent}-{i}"
                children.append(code)
                yield [code, f"{kind}{code}", kind, parent, 20 + i, "张三、李四"]
        made += len(children)
        level_codes = children
    for n in range(total - made):
        parent = level_codes[n % len(level_codes)]
        yield [f"{parent}-B{n // len(level_codes) + 1}", f"第{n + 1}党支部", "党支部", parent, 15 + n % 30, "王五"]


def write_workbook(path: Path, total: int) -> None:
    import django
    import openpyxl

    django.setup()
    from luoshi.orgs.imports import HEADERS

    book = openpyxl.Workbook()  # shared strings, as Excel and WPS save them
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for row in tree_rows(total):
        sheet.append(row)
    book.save(path)


def _timed(label: str, timings: dict[str, float], fn: Any, *args: Any) -> Any:
    start = time.perf_counter()
    result = fn(*args)
    timings[label] = round(time.perf_counter() - start, 3)
    return result


def measure(xlsx: Path) -> dict[str, Any]:
    """In a process whose settings point at an empty database: migrate, import, re-import, export, tree."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luoshi.orgs import queries
    from luoshi.orgs.exports import export_units
    from luoshi.orgs.imports import import_units
    from luoshi.orgs.models import Unit

    timings: dict[str, float] = {}
    _timed("migrate_s", timings, call_command, "migrate", "--verbosity", "0")

    def run_import(path: Path) -> dict[str, Any]:
        with path.open("rb") as fh:
            return import_units(None, fh, file_name=path.name)

    first = _timed("import_s", timings, run_import, xlsx)
    exported, _count = _timed("export_s", timings, export_units, None, None)
    exported_path = xlsx.with_name(f"export-{connection.vendor}.xlsx")
    exported_path.write_bytes(exported)
    again = _timed("reimport_of_export_s", timings, run_import, exported_path)
    root = Unit.objects.get(code="R")
    district = Unit.objects.get(code="R-1")
    _timed("tree_root_node_s", timings, queries.nodes_for, [root])
    _timed("tree_children_of_root_s", timings, queries.child_page, root)
    _timed("tree_children_of_district_s", timings, queries.child_page, district)
    return {
        "vendor": connection.vendor,
        "created": first["created"],
        "unchanged_on_reimport": again["unchanged"],
        "changed_on_reimport": again["created"] + again["updated"],
        "units_in_db": Unit.objects.count(),
        **timings,
    }


def _run_worker(database_url: str, xlsx: Path, data_dir: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LUOSHI_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "LUOSHI_JOBS": "immediate",
        "LUOSHI_LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "bench.bench_org_import", "--worker", str(xlsx)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"worker failed on {database_url}:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _postgres_admin() -> Any:
    try:
        import psycopg

        return psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3, autocommit=True)
    except Exception:  # any failure means there is no server to measure
        return None


def run_postgres(xlsx: Path, data_dir: Path) -> dict[str, Any] | None:
    admin = _postgres_admin()
    if admin is None:
        return None
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        try:
            return _run_worker(f"{PG_SERVER}/{PG_DATABASE}", xlsx, data_dir)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def report(name: str, result: dict[str, Any] | None) -> None:
    if result is None:
        print(f"\n{name}: not measured (no server at {PG_SERVER})")
        return
    verdict = "OK" if result["import_s"] < TARGET_SECONDS else "TOO SLOW"
    print(f"\n{name} ({result['units_in_db']} units in the database)")
    for key, value in result.items():
        if key.endswith("_s"):
            print(f"  {key[:-2]:<28} {value:8.3f} s")
    print(f"  import target < {TARGET_SECONDS:.0f} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--worker", metavar="XLSX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(Path(args.worker))))
        return
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as tmp:
        folder = Path(tmp)
        os.environ.update(DJANGO_SETTINGS_MODULE="luoshi.settings", LUOSHI_DATA_DIR=tmp)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'unused.sqlite3'}"
        xlsx = folder / "units.xlsx"
        start = time.perf_counter()
        write_workbook(xlsx, args.units)
        print(f"machine: {describe()}; load average {os.getloadavg()[0]:.1f} at start")
        print(
            f"workbook: {args.units} units, 5 levels, {xlsx.stat().st_size // 1024} KB, "
            f"generated in {time.perf_counter() - start:.1f} s"
        )
        report("SQLite", _run_worker(f"sqlite:///{folder / 'bench.sqlite3'}", xlsx, folder))
        report("PostgreSQL", None if args.no_postgres else run_postgres(xlsx, folder))


if __name__ == "__main__":
    main()
