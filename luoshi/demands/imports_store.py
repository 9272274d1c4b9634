"""The staging table of a ticket import, and the one transaction that writes the tickets from it.

Checked rows go to a temporary table (``COPY`` on PostgreSQL, batched inserts on SQLite) as the file
is read. Rows with errors are staged too (number only), so duplicates are found across the whole file.

On SQLite the rows are staged outside any transaction and ``write_tickets`` then copies the good rows
into ``Demand`` with ``INSERT … SELECT`` in chunks, adds their rollups and records the import, in one
transaction. On PostgreSQL that transaction is opened before the file is read (``begin_writing``), and each
staged chunk of good rows goes on into ``Demand`` in a second thread while the next chunk is checked,
so the server writes while Python reads; ``write_tickets`` then writes only what is left. A rejected
file rolls the whole transaction back.

The uploaded file itself (names and phones in clear) lives under ``MEDIA_ROOT/imports/`` only while its job
is queued or running: the job deletes it when it ends, and ``sweep_leftover_uploads`` (when a worker starts,
daily, and ``luoshi sweep_import_files``) removes what a killed job or a lost queue left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.demands import rollups
from luoshi.demands.imports import MAX_REPORTED_ERRORS, ErrorList, ImportResult, RowError
from luoshi.demands.models import Demand, DemandImport
from luoshi.jobs.models import Job, JobStatus

TABLE = "demand_import_rows"
TICKET_COLUMNS: tuple[str, ...] = (
    "number",
    "tracking_code",
    "channel_id",
    "category_id",
    "kind",
    "urgent",
    "title",
    "content",
    "address",
    "latitude",
    "longitude",
    "citizen_name_enc",
    "citizen_phone_enc",
    "citizen_phone_index",
    "citizen_phone_masked",
    "dispatcher_unit_id",
    "handling_unit_id",
    "company_id",
    "project_id",
    "org_path",
    "unit_hops",
    "state",
    "received_at",
    "dispatched_at",
    "signed_at",
    "responded_at",
    "finished_at",
    "called_back_at",
    "archived_at",
    "sign_due",
    "respond_due",
    "resolve_due",
    "callback_due",
    "responded_on_time",
    "finished_on_time",
    "outcome",
    "explanation",
    "satisfaction",
)
STAGED_COLUMNS = ("row_no", "ok", "r_day", "r_month", *TICKET_COLUMNS)
FIRST_TICKET_COLUMN = STAGED_COLUMNS.index(TICKET_COLUMNS[0])
CONSTANT_COLUMNS = ("redo_count", "escalated", "version", "created_at", "updated_at", "import_batch_id")
BUFFER_ROWS = 10_000
INSERT_CHUNK = 100_000
TRACKING_ROUNDS = 5
UPLOADS_FOLDER = "imports"
UPLOAD_GRACE = dt.timedelta(minutes=10)


def _field(name: str) -> models.Field[Any, Any]:
    return next(f for f in Demand._meta.concrete_fields if f.attname == name)


def _column_types() -> list[tuple[str, str]]:
    extra = [("row_no", "integer PRIMARY KEY"), ("ok", models.BooleanField().db_type(connection) or "boolean")]
    day = models.DateField().db_type(connection) or "date"
    extra += [("r_day", day), ("r_month", day)]
    return extra + [(name, _field(name).db_type(connection) or "text") for name in TICKET_COLUMNS]


def _sqlite_adapters() -> list[tuple[int, Callable[[Any], Any]]]:
    """The staged columns that SQLite stores as text, with how (as Django's adapters store them)."""
    zone = connection.timezone
    utc = connection.timezone_name == "UTC"

    def moment(value: dt.datetime) -> str:
        if value.tzinfo is None:
            return str(value)
        if utc:
            return value.astimezone(dt.UTC).isoformat(" ")[:-6]
        return str(value.astimezone(zone).replace(tzinfo=None))

    adapters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(TICKET_COLUMNS, start=FIRST_TICKET_COLUMN):
        field = _field(name)
        if isinstance(field, models.DateTimeField):
            adapters.append((index, moment))
        elif isinstance(field, models.DecimalField):
            adapters.append((index, str))
    return adapters


class Staging:
    """The temporary table of one import (private to the database session)."""

    def __init__(self) -> None:
        self.buffer: list[tuple[Any, ...]] = []
        self.postgres = connection.vendor == "postgresql"
        self.adapters = None if self.postgres else _sqlite_adapters()
        self.stream: TicketStream | None = None

    def __enter__(self) -> Staging:
        columns = ", ".join(f"{name} {kind}" for name, kind in _column_types())
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} ({columns})")
        return self

    def __exit__(self, *exc: object) -> None:
        self.buffer = []
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def put(self, row: tuple[Any, ...] | None) -> None:
        if row is not None:
            self.buffer.append(row)
            if len(self.buffer) >= BUFFER_ROWS:
                self.flush()

    def flush(self) -> None:
        rows, self.buffer = self.buffer, []
        if not rows:
            return
        if self.stream is not None:
            self.stream.wait()
        if self.postgres:
            self._copy(rows)
        else:
            self._insert(rows)
        if self.stream is not None:
            self.stream.send(rows)

    def _copy(self, rows: list[tuple[Any, ...]]) -> None:
        width = len(STAGED_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {TABLE} ({', '.join(STAGED_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row if len(row) == width else (*row, *([None] * (width - len(row)))))

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        assert self.adapters is not None
        width = len(STAGED_COLUMNS)
        marks = ", ".join(["%s"] * width)
        adapted = [self._adapt(row, width) for row in rows]
        with connection.cursor() as cursor:
            sql = f"INSERT INTO {TABLE} ({', '.join(STAGED_COLUMNS)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, adapted)

    def _adapt(self, row: tuple[Any, ...], width: int) -> list[Any]:
        values = list(row)
        if len(values) < width:
            values.extend([None] * (width - len(values)))
            return values
        for index, adapt in self.adapters or ():
            value = values[index]
            if value is not None:
                values[index] = adapt(value)
        return values

    # --- duplicates ----------------------------------------------------------------------------------

    def check_duplicates(self, errors: ErrorList) -> None:
        """Ticket numbers repeated in the file or already stored, as errors of their rows."""
        if self.stream is not None:
            self.stream.wait()
        demand_table = Demand._meta.db_table
        in_file = f"""
            SELECT s.row_no, s.number, f.first_row, COUNT(*) OVER ()
            FROM {TABLE} s JOIN (
                SELECT number, MIN(row_no) AS first_row FROM {TABLE}
                WHERE number IS NOT NULL GROUP BY number HAVING COUNT(*) > 1
            ) f ON f.number = s.number
            WHERE s.row_no > f.first_row ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}"""  # noqa: S608
        # Rows already streamed into Demand met no stored number (their chunk wrote every row).
        stored = f"""
            SELECT s.row_no, s.number, 0, COUNT(*) OVER ()
            FROM {TABLE} s JOIN {demand_table} d ON d.number = s.number
            WHERE s.row_no > %s
            ORDER BY s.row_no LIMIT {MAX_REPORTED_ERRORS}"""  # noqa: S608
        repeated = _("工单编号「{number}」与第 {first} 行重复。")
        exists = _("工单编号「{number}」已存在，请勿重复导入。")
        written = self.stream.written if self.stream is not None else 0
        with connection.cursor() as cursor:
            for sql, params, message in ((in_file, [], repeated), (stored, [written], exists)):
                cursor.execute(sql, params)
                found = cursor.fetchall()
                if found:
                    rows = [RowError(r, "工单编号", message.format(number=n, first=f)) for r, n, f, _c in found]
                    errors.merge(rows, found[0][3])

    def fix_tracking_codes(self, new_code: Callable[[], str], after: int) -> None:
        """Give a fresh tracking code to the (rare) rows after row ``after`` whose code is taken, in the
        file or already."""
        demand_table = Demand._meta.db_table
        taken = f"""
            SELECT row_no FROM {TABLE} s WHERE ok AND row_no > %s AND (
                tracking_code IN (SELECT tracking_code FROM {TABLE} GROUP BY tracking_code HAVING COUNT(*) > 1)
                OR EXISTS (SELECT 1 FROM {demand_table} d WHERE d.tracking_code = s.tracking_code))"""  # noqa: S608
        with connection.cursor() as cursor:
            for _round in range(TRACKING_ROUNDS):
                cursor.execute(taken, [after])
                rows = [r for (r,) in cursor.fetchall()]
                if not rows:
                    return
                update = f"UPDATE {TABLE} SET tracking_code = %s WHERE row_no = %s"  # noqa: S608
                cursor.executemany(update, [(new_code(), row) for row in rows])

    # --- writing ---------------------------------------------------------------------------------

    def copy_into_demands(self, batch: DemandImport, after: int = 0) -> int:
        """INSERT … SELECT the good rows after row ``after`` into ``Demand``, in chunks; returns how many."""
        created = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(row_no) FROM {TABLE}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            for start in range(after, last, INSERT_CHUNK):
                cursor.execute(insert_sql(), insert_params(batch, start, start + INSERT_CHUNK))
                created += cursor.rowcount
        return created


def insert_sql(on_conflict: str = "") -> str:
    """INSERT … SELECT of the good staged rows in a range of row numbers into ``Demand``."""
    names = ", ".join((*TICKET_COLUMNS, *CONSTANT_COLUMNS))
    return (
        f"INSERT INTO {Demand._meta.db_table} ({names}) "  # noqa: S608
        f"SELECT {', '.join(TICKET_COLUMNS)}, 0, %s, 1, %s, %s, %s FROM {TABLE} "
        f"WHERE ok AND row_no > %s AND row_no <= %s {on_conflict}"
    )


def insert_params(batch: DemandImport, after: int, upto: int) -> list[Any]:
    """The values of ``insert_sql``: every ticket of a batch is created when the batch is."""
    now = connection.ops.adapt_datetimefield_value(batch.created_at)
    return [False, now, now, batch.pk, after, upto]


class TicketStream:
    """Writes each staged chunk of good rows on into ``Demand`` in a second thread, on the same
    PostgreSQL connection and transaction, while the main thread checks the next chunk.

    Only one chunk is in flight: ``wait`` is called before the connection is used again. A chunk with
    a row in error stops the stream (the file will be rejected). So does a chunk that conflicts with a
    ticket (``ON CONFLICT DO NOTHING`` then writes fewer rows than it staged): its rows are taken out
    again, and ``write_tickets`` writes every row after ``written`` once the file has been checked.
    """

    def __init__(self, batch: DemandImport) -> None:
        self.batch = batch
        self.written = self.created = 0
        self.running = True
        self._raw = connection.connection
        self._sql = insert_sql("ON CONFLICT DO NOTHING")
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="demand-import")
        self._pending: tuple[Future[int], int, int] | None = None

    def send(self, rows: list[tuple[Any, ...]]) -> None:
        """Start writing the rows staged after ``written`` up to the last of ``rows``."""
        if not self.running:
            return
        if not all(row[1] for row in rows):
            self.running = False
            return
        upto = rows[-1][0]
        params = insert_params(self.batch, self.written, upto)
        self._pending = (self._thread.submit(self._write, params), upto, len(rows))

    def _write(self, params: list[Any]) -> int:
        with self._raw.cursor() as cursor:
            cursor.execute(self._sql, params)
            return int(cursor.rowcount)

    def wait(self) -> None:
        """Wait for the chunk in flight; if it did not write every row, take its rows out and stop."""
        if self._pending is None:
            return
        future, upto, staged = self._pending
        self._pending = None
        written = future.result()
        if written == staged:
            self.written, self.created = upto, self.created + written
            return
        self.running = False
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Demand._meta.db_table} d USING {TABLE} s "  # noqa: S608
                "WHERE d.import_batch_id = %s AND s.row_no > %s AND s.row_no <= %s AND d.number = s.number",
                [self.batch.pk, self.written, upto],
            )

    def __enter__(self) -> TicketStream:
        return self

    def __exit__(self, *exc: object) -> None:
        """Let the thread end, whatever happened to the chunk in flight, before the transaction does."""
        self._pending = None
        self._thread.shutdown(wait=True)


def begin_writing(
    stack: ExitStack, actor: Any, staging: Staging, result: ImportResult, intake_path: str
) -> DemandImport:
    """Open the import's transaction on ``stack`` and create its batch. On PostgreSQL tickets then go on
    into ``Demand`` as their chunks are staged (the stream ends before the transaction does)."""
    stack.enter_context(transaction.atomic())
    if staging.postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    batch = DemandImport.objects.create(
        file_name=result.file_name, sha256=result.sha256, imported_by=actor, org_path=intake_path
    )
    if staging.postgres:
        staging.stream = stack.enter_context(TicketStream(batch))
    return batch


def write_tickets(actor: Any, staging: Staging, result: ImportResult, batch: DemandImport, new_code: Any) -> None:
    """The rest of the import's transaction: the tickets not written yet, their rollups, one audit record."""
    written = created = 0
    if staging.stream is not None:
        staging.stream.wait()
        written, created = staging.stream.written, staging.stream.created
    staging.fix_tracking_codes(new_code, written)
    batch.count = created + staging.copy_into_demands(batch, written)
    batch.sha256 = result.sha256
    batch.save(update_fields=["count", "sha256", "updated_at"])
    rollups.add_new_from_table(TABLE)
    result.created, result.batch_id = batch.count, batch.pk
    record(
        Action.IMPORT,
        actor=actor,
        obj=batch,
        detail=f"导入诉求工单「{masked_name(result.file_name)}」{batch.count} 件"[:200],
        after={**result.as_result(), "file": masked_name(result.file_name)},
    )


# --- the uploaded file at rest --------------------------------------------------------------------


def upload_max_age() -> dt.timedelta:
    """How long an import file may wait for its job (``LUOSHI_IMPORT_FILE_MAX_HOURS``, default 24)."""
    return dt.timedelta(hours=float(getattr(settings, "LUOSHI_IMPORT_FILE_MAX_HOURS", 24)))


def _files_of_live_jobs(since: dt.datetime) -> set[str]:
    live = Job.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING], created_at__gte=since)
    names: set[str] = set()
    for params in live.values_list("params", flat=True):
        if isinstance(params, dict):
            names.update(str(params[key]) for key in ("file", "path") if params.get(key))
    return names


def sweep_leftover_uploads(now: dt.datetime | None = None) -> int:
    """Delete the files under ``MEDIA_ROOT/imports/`` that no queued or running job younger than
    ``upload_max_age`` still needs (a file younger than ten minutes may await its job's commit); returns
    how many were deleted. Safe to run at any time, in several processes at once."""
    moment = now or timezone.now()
    keep = _files_of_live_jobs(moment - upload_max_age())
    try:
        _folders, names = default_storage.listdir(UPLOADS_FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        stored = f"{UPLOADS_FOLDER}/{name}"
        if stored in keep:
            continue
        try:
            if moment - default_storage.get_modified_time(stored) < UPLOAD_GRACE:
                continue
            default_storage.delete(stored)
        except FileNotFoundError:
            continue
        removed += 1
    return removed


def on_jobs_failed(sender: Any, **kwargs: Any) -> None:
    """The job sweep failed jobs whose worker died: their import files go at once, not at the daily sweep."""
    sweep_leftover_uploads()
