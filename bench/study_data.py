"""Bulk data for the study benchmark: a member register, reading classes with rosters, half-day sessions and
their attendance, written as a loaded database would hold them (COPY on PostgreSQL, bulk_create elsewhere).

Members are spread over the org tree in proportion to each unit's ``member_count``. A class is organised by a
street, a city department or a district (weighted by the members below it) and its roster (~500, between 300
and 700) is drawn from the members of the organiser's subtree; each class has ten half-day sessions
(Yangzhou's reading classes) over the past months. Attendance is mostly present or late, some absent, some on
leave; its ``campaign_id`` is the session's and its ``org_path`` the member's unit path, as
``luoshi.study.attendance.mark`` writes it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luoshi.core import paths

CHUNK = 200_000
HALF_DAYS = 10
ROSTER = (300, 700)
STATUSES = ("present", "late", "absent", "leave")
STATUS_WEIGHTS = (0.82, 0.08, 0.06, 0.04)
KINDS = ("党员", "干部", "流动党员")
KIND_WEIGHTS = (0.82, 0.13, 0.05)
POSITIONS = ("", "", "", "", "", "", "党支部书记", "党支部委员", "组织委员", "宣传委员")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def apportion(total: int, weights: list[int], rng: random.Random) -> list[int]:
    """Split ``total`` in proportion to ``weights``; leftovers go to random buckets."""
    scale = sum(weights) or 1
    counts = [total * w // scale for w in weights]
    for i in rng.choices(range(len(weights)), k=total - sum(counts)):
        counts[i] += 1
    return counts


# ---------------------------------------------------------------- the member register (as an Excel file)


@dataclass(frozen=True)
class MemberSpec:
    number: str
    name: str
    kind: str
    unit_code: str
    position: str
    phone: str
    home_code: str = ""
    current_code: str = ""
    place: str = ""


def member_specs(units: list[Any], total: int, rng: random.Random) -> Iterator[MemberSpec]:
    """``total`` invented members over ``units`` (with ``code``, ``name``, ``member_count``)."""
    from luoshi.demo.names import NameMaker

    names = NameMaker(rng)
    n, codes = 0, [u.code for u in units]
    for unit, count in zip(units, apportion(total, [u.member_count for u in units], rng), strict=True):
        for _ in range(count):
            n += 1
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            mobile = kind == "流动党员"
            yield MemberSpec(
                number=f"DY{n:08d}",
                name=names.person(),
                kind=kind,
                unit_code=unit.code,
                home_code=unit.code if mobile else "",
                current_code=rng.choice(codes) if mobile else "",
                place=f"示范市{rng.randint(1, 999)}号" if mobile else "",
                position=rng.choice(POSITIONS),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            )


# Header of the member import (``luoshi.members.imports``) → the field of MemberSpec that fills it.
HEADER_FIELDS = {
    "编号": "number",
    "姓名": "name",
    "类别": "kind",
    "所在单位代码": "unit_code",
    "职务": "position",
    "手机号": "phone",
    "组织关系所在单位代码": "home_code",
    "现所在单位代码": "current_code",
    "现所在地": "place",
}


def header_field(header: str) -> str | None:
    return HEADER_FIELDS.get(header.strip())


def write_members_xlsx(path: Path, headers: list[str], specs: Iterator[MemberSpec], sheet: str) -> int:
    """The register as an .xlsx file (openpyxl write_only); the columns the import knows, others left blank."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(headers)
    fields = [header_field(h) for h in headers]
    rows = 0
    for spec in specs:
        ws.append([getattr(spec, f) if f else None for f in fields])
        rows += 1
    book.save(path)
    return rows


def copy_members(specs: Iterator[MemberSpec], units_by_code: dict[str, Any]) -> int:
    """The register written directly (phones left out): used only while the importer does not exist."""
    from django.db import transaction
    from django.utils import timezone

    from luoshi.members.models import Member

    kinds = {"党员": "party", "干部": "cadre", "流动党员": "mobile"}
    now, made, batch = timezone.now(), 0, []
    for spec in specs:
        unit = units_by_code[spec.unit_code]
        batch.append(
            Member(
                unit_id=unit.pk,
                org_path=unit.path,
                number=spec.number,
                name=spec.name,
                kind=kinds[spec.kind],
                position=spec.position,
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic():
                Member.objects.bulk_create(batch)
            made, batch = made + len(batch), []
    Member.objects.bulk_create(batch)
    return made + len(batch)


# ---------------------------------------------------------------- classes, rosters, sessions, attendance


@dataclass
class Organiser:
    unit_id: int
    path: str
    members: list[tuple[int, str]] = field(default_factory=list)  # (member id, member's org_path)


@dataclass
class PlannedClass:
    organiser: Organiser
    roster: list[tuple[int, str]]
    class_id: int = 0
    sessions: list[tuple[int, dt.datetime]] = field(default_factory=list)  # (session id, start)


def organisers(units: list[Any], members: list[tuple[int, str]]) -> list[Organiser]:
    """Streets, city departments, districts and the city (units of depth ≤ 3 that are not branches), each with
    the members whose nearest such ancestor it is."""
    found = {u.path: Organiser(u.pk, u.path) for u in units if paths.depth(u.path) <= 3 and not _is_branch(u)}
    width = paths.SEGMENT + 1
    for member in members:
        path = member[1]
        for depth in (3, 2, 1):
            owner = found.get(path[: depth * width])
            if owner is not None:
                owner.members.append(member)
                break
    return [o for o in found.values() if o.members]


def _is_branch(unit: Any) -> bool:
    return str(getattr(unit, "kind_code", "")) == "party-branch"


def plan_classes(owners: list[Organiser], attendance: int, rng: random.Random) -> list[PlannedClass]:
    """Classes of ten half-days until their rosters make ``attendance`` rows."""
    weights = [len(o.members) for o in owners]
    planned: list[PlannedClass] = []
    left = attendance
    while left > 0:
        owner = rng.choices(owners, weights)[0]
        size = min(rng.randint(*ROSTER), len(owner.members), -(-left // HALF_DAYS))
        planned.append(PlannedClass(owner, rng.sample(owner.members, size)))
        left -= size * HALF_DAYS
    return planned


def write_classes(campaign: Any, planned: list[PlannedClass], rng: random.Random, first_day: dt.date) -> int:
    """The classes and their sessions (bulk_create); returns the number of sessions."""
    from django.utils import timezone

    from luoshi.study.models import StudyClass, StudySession

    span = max(1, (timezone.localdate() - first_day).days - HALF_DAYS)
    classes = StudyClass.objects.bulk_create(
        [
            StudyClass(
                campaign=campaign,
                unit_id=p.organiser.unit_id,
                org_path=p.organiser.path,
                kind="reading",
                topic=f"读书班第{n + 1}期",
                min_half_days=HALF_DAYS,
            )
            for n, p in enumerate(planned)
        ],
        batch_size=2_000,
    )
    sessions = []
    for p, made in zip(planned, classes, strict=True):
        p.class_id = made.pk
        start = first_day + dt.timedelta(days=rng.randrange(span))
        for k in range(HALF_DAYS):
            day, half = start + dt.timedelta(days=k // 2), "am" if k % 2 == 0 else "pm"
            begins = dt.time(9, 0) if half == "am" else dt.time(14, 30)
            sessions.append(_session(campaign, p, day, half, begins, k))
    StudySession.objects.bulk_create(sessions, batch_size=5_000)
    by_class: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for s in sessions:
        start = timezone.make_aware(dt.datetime.combine(s.date, s.starts_at))
        by_class[s.study_class_id].append((s.pk, start))
    for p in planned:
        p.sessions = by_class[p.class_id]
    return len(sessions)


def _session(campaign: Any, p: PlannedClass, day: dt.date, half: str, begins: dt.time, k: int) -> Any:
    from luoshi.study.models import StudySession

    return StudySession(
        campaign=campaign,
        study_class_id=p.class_id,
        org_path=p.organiser.path,
        title=f"第{k + 1}个半天",
        date=day,
        half=half,
        starts_at=begins,
        place="党员活动室",
        secret=secrets.token_hex(16),
    )


def roster_rows(planned: list[PlannedClass]) -> Iterator[tuple[Any, ...]]:
    for p in planned:
        for member_id, org_path in p.roster:
            yield (org_path, p.class_id, member_id)


def attendance_rows(campaign_id: int, planned: list[PlannedClass], rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for p in planned:
        for session_id, start in p.sessions:
            for member_id, org_path, status in zip(
                *zip(*p.roster, strict=True), rng.choices(STATUSES, STATUS_WEIGHTS, k=len(p.roster)), strict=True
            ):
                attended = status in ("present", "late")
                at = start + dt.timedelta(minutes=rng.randint(15, 40) if status == "late" else -rng.randint(0, 15))
                method = "qr" if attended and rng.random() < 0.4 else "roster"
                yield (org_path, campaign_id, session_id, member_id, status, method, at if attended else None, None)


ROSTER_COLUMNS = ("org_path", "study_class_id", "member_id")
ATTENDANCE_COLUMNS = ("org_path", "campaign_id", "session_id", "member_id", "status", "method", "at", "recorded_by_id")


def bulk_write(model: Any, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]], label: str) -> int:
    """Write ``rows`` into ``model``'s table: COPY in chunks on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection, transaction

    made = 0
    while True:
        part = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not part:
            return made
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _skip_foreign_key_checks()
                _copy(model._meta.db_table, columns, part)
            else:
                model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in part])
        made += len(part)
        log(f"  {label} {made:,}")


def _skip_foreign_key_checks() -> None:
    """As a restore does (rows here are built from ids just read): no per-row foreign key triggers in this
    transaction, when the bench connects as a superuser."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SET LOCAL session_replication_role = replica")


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


# ---------------------------------------------------------------- CPU time (a figure a loaded machine keeps)

TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def backend_pid() -> int | None:
    """The PostgreSQL server process of this thread's connection, when it runs on this machine (else None)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid if process_cpu_s(pid) is not None else None


def process_cpu_s(pid: int | None) -> float | None:
    """User and system CPU seconds of process ``pid`` so far, from /proc; None when it cannot be read."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * TICK_S
    except (OSError, IndexError, ValueError):
        return None


class CpuMeter:
    """CPU seconds spent in a block by this Python process (all threads) and by this thread's database server
    process (PostgreSQL on this machine; ``db_s`` stays None elsewhere)."""

    def __init__(self) -> None:
        self.python_s = 0.0
        self.db_s: float | None = None

    def __enter__(self) -> CpuMeter:
        self._pid = backend_pid()
        self._db = process_cpu_s(self._pid)
        self._python = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.python_s = time.process_time() - self._python
        after = process_cpu_s(self._pid)
        if after is not None and self._db is not None:
            self.db_s = after - self._db
