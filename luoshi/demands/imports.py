"""Bulk import of hotline tickets (工单导入) from the hotline's export: CSV (UTF-8 with or without BOM,
or GB18030) or Excel (.xlsx).

The file is read as a stream, row by row, so its size does not matter. Each row is checked
(``luoshi.demands.imports_rows``) and written to a temporary staging table; duplicates (in the file
and already stored) are then found by SQL over that table. Only when no row is rejected are the
tickets copied from the staging table into ``Demand``, with their rollups, the import batch and one
audit record, all in one transaction: a rejected file writes nothing. See ``docs/demand-import.md``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core.errors import NotAllowed
from luoshi.core.imports import RowError

Progress = Callable[[int, str], None]
logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 200
EXAMPLE_MARK = "【示例】"
PROGRESS_EVERY = 20_000
SNIFF_BYTES = 64 * 1024
READ_BUFFER = 1 << 20
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_TYPES = {"csv": CSV_TYPE, "txt": CSV_TYPE, "xlsx": XLSX_TYPE}


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    help: str | Promise
    width: int = 14


# The hotline export format: fixed Chinese headers, matched by name in any order.
COLUMNS: tuple[Column, ...] = (
    Column("工单编号", True, gettext_lazy("热线系统的工单编号，不超过 24 个字符，不得重复。"), 18),
    Column("受理时间", True, gettext_lazy("如 2026-03-01 08:30:00；也可写 2026/3/1 8:30。"), 20),
    Column("渠道", True, gettext_lazy("诉求渠道的名称或代码，如 12345热线。")),
    Column("诉求类别", True, gettext_lazy("分类名称，或带上级的路径，如 物业管理/物业服务。"), 20),
    Column("诉求类型", True, gettext_lazy("咨询、求助、投诉、举报、建议之一。"), 10),
    Column("是否紧急", False, gettext_lazy("是 或 否，留空为否。"), 10),
    Column("诉求标题", False, gettext_lazy("留空时取诉求内容的第一行。"), 30),
    Column("诉求内容", True, gettext_lazy("不超过 5000 字。"), 50),
    Column("地址", False, gettext_lazy("不超过 200 字。"), 30),
    Column("经度", False, gettext_lazy("与纬度同时填写，-180 至 180。"), 12),
    Column("纬度", False, gettext_lazy("与经度同时填写，-90 至 90。"), 12),
    Column("联系人", False, gettext_lazy("群众姓名，加密保存，不超过 40 字。"), 12),
    Column("联系电话", False, gettext_lazy("加密保存，页面上显示为 138****1234。"), 16),
    Column("承办单位编码", False, gettext_lazy("承办单位的单位代码；已派单的工单必填，须在您的受理范围内。"), 14),
    Column("物业企业", False, gettext_lazy("企业的统一社会信用代码或名称。"), 24),
    Column("项目（小区）", False, gettext_lazy("该企业的项目（小区）名称。"), 20),
    Column("派单时间", False, gettext_lazy("已派单的工单必填。"), 20),
    Column("签收时间", False, gettext_lazy("不早于派单时间。"), 20),
    Column("首次联系时间", False, gettext_lazy("首次联系群众的时间；留空而已办结时按办结时间计。"), 20),
    Column("办结时间", False, gettext_lazy("须先签收；填写时须同时填写办理结果和办结说明。"), 20),
    Column("办理结果", False, gettext_lazy("已解决 或 未解决。"), 10),
    Column("办结说明", False, gettext_lazy("办理情况说明。"), 30),
    Column("回访时间", False, gettext_lazy("须先办结；填写时须同时填写满意度。"), 20),
    Column("满意度", False, gettext_lazy("满意、基本满意、不满意之一。"), 10),
    Column("归档时间", False, gettext_lazy("须先办结。"), 20),
)
HEADERS = tuple(c.header for c in COLUMNS)
HEADER_POSITION = {header: i for i, header in enumerate(HEADERS)}
# Never repeated in an error: the citizen's name, phone and home address, and the free text of the demand.
PERSONAL_COLUMNS = frozenset({"联系人", "联系电话", "地址", "诉求内容"})
REQUIRED = tuple(c.header for c in COLUMNS if c.required)


class FileRejected(Exception):
    """The file cannot be read at all (encoding, format, headers)."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


@dataclass
class ErrorList:
    """The first ``MAX_REPORTED_ERRORS`` errors in row order, and how many there were in all."""

    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, message: str, value: str = "") -> None:
        self.count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, message, value))

    def merge(self, other: list[RowError], count: int) -> None:
        self.count += count
        self.errors = sorted([*self.errors, *other], key=lambda e: e.row)[:MAX_REPORTED_ERRORS]


@dataclass
class ImportResult:
    """What an import did: tickets created, or the row errors that stopped it (then nothing was written)."""

    file_name: str
    sha256: str = ""
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    examples_skipped: int = 0
    batch_id: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        if not self.ok:
            return _("文件中有 {count} 处错误，未导入任何工单。请修改后重新上传。").format(count=self.error_count)
        text = _("已导入工单 {count} 件。").format(count=self.created)
        if self.examples_skipped:
            text += _("已跳过 {count} 行示例。").format(count=self.examples_skipped)
        return text

    def as_result(self) -> dict[str, Any]:
        """A compact summary for ``Job.result`` and the audit record."""
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "error_count": self.error_count,
            "batch": self.batch_id,
        }


# --- who may import -----------------------------------------------------------------------------


def may_import_into(actor: Any, path: str) -> bool:
    """Dispatchers (派单) and campaign offices (导入 + 查看诉求) may import tickets of units in their scope."""
    if scope.can(actor, Perm.DISPATCH_DEMAND, path):
        return True
    return scope.can(actor, Perm.IMPORT, path) and scope.can(actor, Perm.VIEW_DEMANDS, path)


def importer_tops(actor: Any) -> list[str]:
    """The top unit paths under which ``actor`` may import, shallowest first."""
    tops = set(scope.scope_paths(actor, Perm.DISPATCH_DEMAND))
    tops |= {p for p in scope.scope_paths(actor, Perm.IMPORT) if scope.can(actor, Perm.VIEW_DEMANDS, p)}
    return sorted((p for p in tops if not any(p != t and p.startswith(t) for t in tops)), key=lambda p: (len(p), p))


def require_importer(actor: Any) -> None:
    if not importer_tops(actor):
        raise NotAllowed(_("您无权导入诉求工单。"))


# --- reading the file ---------------------------------------------------------------------------


class _Counting(io.RawIOBase):
    """A raw reader over any binary stream that counts (and optionally hashes) the bytes read."""

    def __init__(self, stream: IO[bytes], digest: Any = None):
        self.stream, self.digest, self.count = stream, digest, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.digest is not None:
            self.digest.update(data)
        return n


@dataclass
class Source:
    """The rows of a file as lists of cell values, with the header and a way to tell how far reading got."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    fraction: Callable[[], float]
    sha256: Callable[[], str]
    close: Callable[[], None] = lambda: None


def stream_size(stream: IO[bytes]) -> int | None:
    try:
        position = stream.tell()
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return getattr(stream, "size", None)
    return size - position


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(RowError(0, "", _("不支持 UTF-16 编码的文件，请另存为 UTF-8 或 GB18030 编码的 CSV。")))
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRejected(RowError(0, "", _("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV。")))


def _csv_rows(reader: Iterator[list[str]], encoding: str) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values
    except UnicodeDecodeError as exc:
        message = _("第 {row} 行附近有无法按 {encoding} 解码的字符，请检查文件编码。")
        raise FileRejected(RowError(number + 1, "", message.format(row=number + 1, encoding=encoding))) from exc
    except csv.Error as exc:
        raise FileRejected(RowError(number + 1, "", _("CSV 格式错误：{error}").format(error=exc))) from exc


def open_csv(stream: IO[bytes], known_sha256: str = "") -> Source:
    size = stream_size(stream)
    raw = _Counting(stream, None if known_sha256 else hashlib.sha256())
    buffered = io.BufferedReader(raw, READ_BUFFER)
    head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    encoding = _encoding(head)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    first_line = head.split(b"\n", 1)[0]
    delimiter = "\t" if b"\t" in first_line and b"," not in first_line else ","
    reader = csv.reader(text, delimiter=delimiter)
    rows = _csv_rows(reader, encoding)
    try:
        header = next(rows, (1, []))[1]
    except FileRejected:
        raise
    digest = raw.digest
    return Source(
        header=[str(h) for h in header],
        rows=rows,
        fraction=lambda: raw.count / size if size else 0.0,
        sha256=lambda: known_sha256 or (digest.hexdigest() if digest else ""),
    )


def _file_sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(READ_BUFFER):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def open_xlsx(stream: IO[bytes], known_sha256: str = "") -> Source:
    from openpyxl import load_workbook

    sha256 = known_sha256 or _file_sha256(stream)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None) or ()
        total = sheet.max_row or 0
    except Exception as exc:
        logger.warning("unreadable demand workbook", exc_info=True)
        raise FileRejected(RowError(0, "", _("文件无法读取，请上传 .xlsx 或 .csv 文件。"))) from exc
    position = [1]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(lines, start=2):
            position[0] = number
            yield number, list(values)

    return Source(
        header=["" if h is None else str(h) for h in header],
        rows=rows(),
        fraction=lambda: position[0] / total if total else 0.0,
        sha256=lambda: sha256,
        close=book.close,
    )


def open_source(stream: IO[bytes], filename: str, known_sha256: str = "") -> Source:
    if filename.lower().endswith(".xlsx"):
        return open_xlsx(stream, known_sha256)
    return open_csv(stream, known_sha256)


def header_positions(header: list[str]) -> dict[str, int]:
    """Where each known column is; a missing optional column reads as empty, a missing required one is an error."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.strip().lstrip("\ufeff").rstrip("*＊").strip()
        if name in HEADERS and name not in positions:
            positions[name] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        message = _("缺少表头「{names}」，请使用导入模板的表头。").format(names=_("」「").join(missing))
        raise FileRejected(RowError(1, missing[0], message))
    return positions


# --- the import ---------------------------------------------------------------------------------


def _no_progress(percent: int, message: str) -> None:
    return None


def import_demands(
    actor: Any, stream: IO[bytes], filename: str, *, progress: Progress | None = None, sha256: str = ""
) -> ImportResult:
    """导入工单: check every row of a hotline export, then write all its tickets in one transaction, or none.

    Returns the result; when ``result.errors`` is not empty nothing was written. Raises ``NotAllowed``
    when ``actor`` may not import tickets at all.
    """
    from luoshi.demands.imports_rows import RowChecker
    from luoshi.demands.imports_store import Staging, begin_writing, write_tickets

    require_importer(actor)
    report = progress or _no_progress
    started = time.monotonic()
    result = ImportResult(file_name=filename[:200])
    errors = ErrorList()
    try:
        source = open_source(stream, filename, sha256)
        positions = header_positions(source.header)
    except FileRejected as exc:
        result.errors, result.error_count = [exc.error], 1
        return result
    report(1, f"开始读取「{filename}」")
    with Staging() as staging, ExitStack() as writing:
        checker = RowChecker(actor, positions, errors)
        batch = None
        if staging.postgres:  # the tickets go on into the table while the file is read
            batch = begin_writing(writing, actor, staging, result, checker.intake_path)
        try:
            _load(source, checker, staging, report)
        except FileRejected as exc:
            errors.add(exc.error.row, exc.error.column, exc.error.message)
        finally:
            source.close()
        result.rows, result.examples_skipped, result.sha256 = checker.rows, checker.examples, source.sha256()
        report(82, f"已读取 {checker.rows} 行，正在查重")
        staging.check_duplicates(errors)
        if not errors.count and not checker.valid:
            errors.add(0, "", _("文件中没有工单数据。"))
        if errors.count:
            if batch is not None:
                transaction.set_rollback(True)
            result.errors, result.error_count = errors.errors, errors.count
            result.seconds = time.monotonic() - started
            return result
        report(88, f"校验通过，正在写入 {checker.valid} 件工单")
        if batch is None:
            batch = begin_writing(writing, actor, staging, result, checker.intake_path)
        write_tickets(actor, staging, result, batch, checker.tracking_code)
    result.seconds = time.monotonic() - started
    report(100, result.summary())
    return result


def _load(source: Source, checker: Any, staging: Any, report: Progress) -> None:
    """Check every row and stage it; progress from 1 % to 80 % as the file is read."""
    put = staging.put
    check = checker.check
    for number, values in source.rows:
        put(check(number, values))
        if number % PROGRESS_EVERY == 0:
            report(1 + int(79 * min(1.0, source.fraction())), f"已读取 {number - 1} 行")
    staging.flush()


# --- upload limits ------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    """The upload limit of the import page (``LUOSHI_DEMAND_IMPORT_MAX_BYTES``, default 200 MB)."""
    return int(settings.LUOSHI_DEMAND_IMPORT_MAX_BYTES)


def check_import_upload(upload: Any) -> Any:
    """A .xlsx or a .csv (text in UTF-8 or GB18030) within the size limit, checked by the checker of every upload."""
    from luoshi.core.errors import RuleViolation
    from luoshi.core.uploads import check_upload, extension_of, file_name

    if extension_of(file_name(upload)) in ("csv", "txt") and upload.size:
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        try:
            _encoding(head)
        except FileRejected as exc:
            raise RuleViolation(exc.error.message) from exc
    return check_upload(upload, IMPORT_TYPES, max_bytes=max_upload_bytes())


def template_workbook() -> bytes:
    """The import template (导入模板): the export's headers, one example row (skipped on import) and help."""
    from luoshi.core.excel import Book, help_sheet, template_sheet

    book = Book()
    template_sheet(book, "工单", COLUMNS, EXAMPLE_ROW)
    notes = (
        _("第 1 行为表头；红色为必填列。列的顺序可以不同，热线系统导出的 CSV（UTF-8 或 GB18030 编码）也可直接上传。"),
        _("工单编号以“{mark}”开头的行为示例，导入时跳过。").format(mark=EXAMPLE_MARK),
        _("工单状态按最后填写的办理时间确定：派单、签收、首次联系、办结、回访、归档。"),
        _("文件中任何一行有错误时，整个文件都不会导入；请按错误清单修改后重新上传。"),
    )
    help_sheet(book, COLUMNS, notes)
    return book.bytes()


EXAMPLE_ROW = {
    "工单编号": EXAMPLE_MARK + "2026030100001",
    "受理时间": "2026-03-01 08:30:00",
    "渠道": "12345热线",
    "诉求类别": "物业管理/物业服务",
    "诉求类型": "投诉",
    "是否紧急": "否",
    "诉求内容": "3 号楼电梯停运两周，物业未维修。",
    "地址": "示范市幸福小区 3 号楼",
    "联系人": "张三",
    "联系电话": "13800001234",
    "承办单位编码": "D001",
    "派单时间": "2026-03-01 09:00:00",
    "签收时间": "2026-03-01 09:30:00",
    "首次联系时间": "2026-03-01 10:00:00",
    "办结时间": "2026-03-04 16:00:00",
    "办理结果": "已解决",
    "办结说明": "已督促物业修复电梯。",
    "回访时间": "2026-03-05 10:00:00",
    "满意度": "满意",
    "归档时间": "2026-03-06 09:00:00",
}
