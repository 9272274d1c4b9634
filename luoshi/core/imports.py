"""What every file import shares: one error per problem, by row and column; and the mechanics of the
Excel imports that are all or nothing (problems' ledger, key tasks, livelihood projects).

Such an import reads its sheet (``read_sheet``: headers matched by name, blank and example rows skipped,
a row limit), parses cells (``cell_text``, ``cell_list``, ``parse_date``), checks each row with a
``RowChecker`` that collects every error with its row and column, and, when there is none, writes all rows
in one transaction where a refused row (``refused_row``) rejects the whole file (``ImportRejected``).
Its template is written by ``write_template``. Each app keeps its columns, its row checks and its writes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from typing import IO, Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Book, Kind, help_sheet, restore, template_sheet
from luoshi.core.excel import Column as SheetColumn
from luoshi.core.uploads import EVIDENCE_TYPES, CheckedUpload, check_upload

SHOWN_LIMIT = 40
EXAMPLE_MARK = "【示例】"
XLSX = {"xlsx": EVIDENCE_TYPES["xlsx"]}
MAX_BLANK_RUN = 1000
MAX_REPORTED_ERRORS = 500
OPTIONS_SHEET = "下拉选项"
LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$")
REFUSALS = (RuleViolation, NotAllowed, ValidationError)

logger = logging.getLogger(__name__)


def shown_value(value: Any, message: str = "") -> str:
    """What a cell held, for an error that does not quote it already (cut to 40 characters); never call it with
    personal data: for those columns the message alone says what is wrong."""
    text = "" if value is None else str(value).strip()
    if not text or text[:SHOWN_LIMIT] in message:
        return ""
    return text if len(text) <= SHOWN_LIMIT else text[:SHOWN_LIMIT] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the row (1 is the header row, 0 the file itself), the column, what is wrong and
    what the cell held (``value``, empty for personal data and for messages that quote it)."""

    row: int
    column: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = _("第 {row} 行").format(row=self.row) if self.row else _("文件")
        message = self.message
        if self.value:
            message += _("（所填内容：「{value}」）").format(value=self.value)
        if self.column:
            return _("{where}「{column}」：{message}").format(where=where, column=self.column, message=message)
        return _("{where}：{message}").format(where=where, message=message)


class ImportRejected(RuleViolation):
    """The file has errors; nothing was imported. Subclasses say so in their own words (``summary``)."""

    code = "import_rejected"
    summary: ClassVar[str | Promise] = ""  # the message, with {count}: how many errors in all

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        super().__init__(str(self.summary).format(count=total or len(errors)))

    def as_result(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.errors]


def capped(errors: list[RowError], limit: int = MAX_REPORTED_ERRORS) -> list[RowError]:
    """The first ``limit`` errors, and a last line saying how many more there are."""
    if len(errors) <= limit:
        return errors
    hidden = len(errors) - limit
    return [*errors[:limit], RowError(0, "", _("另有 {count} 处错误未列出，请先修改以上错误。").format(count=hidden))]


def refusal_message(exc: Exception) -> str:
    """What a service's refusal says, for the row it refused."""
    if isinstance(exc, ValidationError):
        return _("；").join(exc.messages)
    return str(exc) or _("无权执行此操作。")


@contextmanager
def refused_row(row: int, rejected: type[ImportRejected], column: str = "") -> Iterator[None]:
    """Writes for ``row`` (0: the whole file): a refusal of the services rejects the file, by its row."""
    try:
        yield
    except REFUSALS as exc:
        raise rejected([RowError(row, column, refusal_message(exc))]) from exc


def check_xlsx(upload: UploadedFile, max_bytes: int) -> CheckedUpload:
    """The file must be a real .xlsx within ``max_bytes``."""
    return check_upload(upload, allowed=XLSX, max_bytes=max_bytes)


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import format: its header, whether it is required, how to fill it, its template width."""

    header: str
    required: bool
    help: str | Promise
    width: int


def cell_text(value: Any) -> str:
    """A cell as text: a whole float without its ``.0``, what an export neutralised restored, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore(str(value).strip()).strip()


def cell_list(value: Any) -> list[str]:
    """The items of a cell that lists several (codes split by 、，,；; or spaces)."""
    return [item for item in LIST_SEPARATORS.split(cell_text(value)) if item]


def parse_date(value: Any) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number, or text like 2026-03-01 / 2026/3/1 / 2026年3月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        converted = from_excel(value)
        return converted.date() if isinstance(converted, dt.datetime) else None
    match = DATE_TEXT.match(cell_text(value))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups() if part is not None))
    except ValueError:
        return None


@dataclass
class RawRow:
    """A row of the sheet: its number (the header is row 1) and its cells by header."""

    row: int
    values: dict[str, Any]


@dataclass
class SheetRows:
    """What ``read_sheet`` found: the rows to check, or the errors that stop the import; examples skipped."""

    rows: list[RawRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    examples: int = 0


@dataclass(frozen=True)
class SheetFormat:
    """How an import reads its sheet.

    ``sheet`` is the sheet's name (else the first sheet is read); rows whose ``example_column`` starts with
    ``EXAMPLE_MARK`` are examples and skipped. More than ``max_rows`` rows is an error (``too_many``, with
    {limit}); none is an error (``empty``). ``all_columns`` keeps the cells of every named column, not only
    those of ``columns``; after ``max_blank_run`` blank rows in a row reading stops (``None``: never).
    ``what`` names the file in the log.
    """

    sheet: str
    columns: Sequence[Column]
    example_column: str
    too_many: str | Promise
    empty: str | Promise
    all_columns: bool = False
    max_blank_run: int | None = MAX_BLANK_RUN
    what: str = "import"


def read_sheet(source: IO[bytes], form: SheetFormat, max_rows: int) -> SheetRows:
    """The sheet's rows as {header: value}, blank and example rows skipped; or the file-level errors."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        logger.warning("unreadable %s workbook", form.what, exc_info=True)
        return SheetRows(errors=[RowError(0, "", _("文件无法读取，请上传 Excel 2007 及以上版本的 .xlsx 文件。"))])
    try:
        sheet = workbook[form.sheet] if form.sheet in workbook.sheetnames else workbook.worksheets[0]
        return _read_lines(sheet.iter_rows(values_only=True), form, max_rows)
    except Exception:
        logger.warning("damaged %s worksheet", form.what, exc_info=True)
        return SheetRows(errors=[RowError(0, "", _("文件内容已损坏，无法读取，请另存为 .xlsx 后重新上传。"))])
    finally:
        workbook.close()


def _header_positions(header: Iterable[Any] | None, form: SheetFormat) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    for index, value in enumerate(header or ()):
        name = cell_text(value).rstrip("*＊").strip()
        if name and name not in positions:
            positions[name] = index
    if not form.all_columns:
        headers = {c.header for c in form.columns}
        positions = {name: index for name, index in positions.items() if name in headers}
    missing = [c.header for c in form.columns if c.required and c.header not in positions]
    errors = [RowError(1, name, _("缺少表头「{name}」，请使用导入模板。").format(name=name)) for name in missing]
    return positions, errors


def _read_lines(lines: Iterator[tuple[Any, ...]], form: SheetFormat, max_rows: int) -> SheetRows:
    positions, errors = _header_positions(next(lines, None), form)
    if errors:
        return SheetRows(errors=errors)
    found = SheetRows()
    blank_run = 0
    for number, line in enumerate(lines, start=2):
        values = {name: line[i] if i < len(line) else None for name, i in positions.items()}
        if not any(cell_text(v) for v in values.values()):
            blank_run += 1
            if form.max_blank_run is not None and blank_run > form.max_blank_run:
                break
            continue
        blank_run = 0
        if cell_text(values.get(form.example_column)).startswith(EXAMPLE_MARK):
            found.examples += 1
            continue
        if len(found.rows) >= max_rows:
            return SheetRows(errors=[RowError(number, "", str(form.too_many).format(limit=max_rows))])
        found.rows.append(RawRow(number, values))
    if not found.rows:
        found.errors.append(RowError(0, "", str(form.empty)))
    return found


# --- checking --------------------------------------------------------------------------------------------


class RowChecker:
    """Checks rows one after the other and collects every error; ``values`` holds the row being checked."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.values: dict[str, Any] = {}

    def fail(self, row: int, column: str, message: str, value: Any = None) -> None:
        """An error of ``row`` in ``column``; it shows what the cell held (or ``value``) unless ``message`` does."""
        shown = shown_value(self.values.get(column) if value is None else value, message)
        self.errors.append(RowError(row, column, message, shown))

    def choice(self, row: int, column: str, label: str, options: Mapping[str, str], default: str, message: str) -> str:
        """The value of one of ``options`` by its label, ``default`` when empty or wrong; ``message`` has {label},
        {column} and {options}."""
        if not label:
            return default
        if label not in options:
            self.fail(row, column, message.format(label=label, column=column, options=_("、").join(options)))
            return default
        return options[label]

    def date(
        self,
        row: int,
        column: str,
        value: Any,
        invalid: str,
        required: bool = True,
        within: tuple[dt.date, dt.date] | None = None,
    ) -> dt.date | None:
        """The date in a cell; empty is an error when ``required``; ``invalid`` (with {value}) when it is no date
        or one outside ``within``."""
        text = cell_text(value)
        if not text:
            if required:
                self.fail(row, column, _("{column}不能为空。").format(column=column))
            return None
        parsed = parse_date(value)
        if parsed is None or (within is not None and not within[0] <= parsed <= within[1]):
            self.fail(row, column, invalid.format(value=text))
            return None
        return parsed


# --- the template ----------------------------------------------------------------------------------------


def write_template(
    target: IO[bytes],
    title: str,
    columns: Sequence[Column],
    example: Mapping[str, Any],
    notes: Iterable[str | Promise],
    kinds: Mapping[str, Kind] | None = None,
    dropdowns: Mapping[str, Sequence[str]] | None = None,
    rows: int = 1000,
    options_width: int = 16,
    error_title: str | None = None,
) -> None:
    """An import template: the sheet with its header and one grey example row, the 填写说明 sheet, and for each
    of ``dropdowns`` (header → choices) a list on the first ``rows`` rows, its choices on a hidden sheet."""
    book = Book()
    sheet = template_sheet(book, title, columns, example, kinds)
    help_sheet(book, columns, notes)
    if dropdowns:
        options = book.sheet(OPTIONS_SHEET, [SheetColumn(h, width=options_width) for h in dropdowns], hidden=True)
        options.write(zip_longest(*dropdowns.values()))
        headers = [c.header for c in columns]
        for col, (header, values) in enumerate(dropdowns.items(), start=1):
            letter = get_column_letter(col)
            validation = DataValidation(
                type="list",
                formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${max(2, len(values) + 1)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=error_title,
                error=_("请从下拉列表中选择{column}。").format(column=header),
            )
            target_letter = get_column_letter(headers.index(header) + 1)
            validation.add(f"{target_letter}2:{target_letter}{rows + 1}")
            sheet.add_validation(validation)
    book.save(target)
