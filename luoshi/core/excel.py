"""Every Excel workbook the platform writes (exports, import templates, export jobs) is written here.

Columns are declared with a header, a kind and a width; rows are streamed (openpyxl write-only mode).
The header row is bold and frozen. Dates and times are real Excel dates (aware times in the site time
zone), percents are numbers between 0 and 1 shown as ``0.0%``. Every text cell is neutralised against
formula injection (OWASP "CSV injection"): a text starting with ``= + - @``, a tab or a carriage return
gets a leading apostrophe and is written as a string, so Excel never runs what a citizen typed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import IO, Any, Protocol

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

TEXT_LIMIT = 32_000  # Excel holds 32,767 characters in a cell
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B3261E")
OPTIONAL_FILL = PatternFill("solid", fgColor="6C757D")
HEADER_SIDE = Side(style="thin", color="999999")
MUTED_FONT = Font(color="808080", italic=True)


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    PERCENT = "percent"


Cells = Kind  # the name to import where an app has a Kind of its own


FORMATS = {
    Kind.TEXT: "@",
    Kind.INTEGER: "0",
    Kind.DECIMAL: "General",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.PERCENT: "0.0%",
}


@dataclass(frozen=True)
class Column:
    """One column: its header, what its cells hold, its width; ``optional`` gives a template's header a grey fill.

    A ``PERCENT`` cell takes a ratio (0.853 is shown as 85.3%), never a number already multiplied by 100."""

    header: str | Promise
    kind: Kind = Kind.TEXT
    width: float = 12
    optional: bool = False
    number_format: str = ""

    @property
    def format(self) -> str:
        return self.number_format or FORMATS[self.kind]


def neutralise(text: str) -> str:
    """``text`` that Excel shows and never evaluates: a risky first character gets a leading apostrophe."""
    return QUOTE + text if text.startswith(RISKY_STARTS) else text


def restore(text: str) -> str:
    """What ``neutralise`` was given, so that an exported workbook imports back unchanged."""
    return text[1:] if text.startswith(QUOTE) and text[1:2] and text[1:2] in RISKY_STARTS else text


def text_value(value: Any) -> str | None:
    """A cell's text: characters Excel refuses removed, cut to what a cell holds, neutralised."""
    if value is None:
        return None
    text = value if type(value) is str else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return neutralise(text[:TEXT_LIMIT])


def _number(value: Any) -> Any:
    if isinstance(value, Fraction):
        return float(value)
    return value


def local_naive(value: dt.datetime) -> dt.datetime:
    """An aware time in the site time zone without its zone (Excel has none), to the second."""
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(microsecond=0)


Converter = Callable[[Any], Any]


class Sheet:
    """A worksheet being written row by row; make one with ``Book.sheet``."""

    def __init__(self, ws: WriteOnlyWorksheet, columns: Sequence[Column], header: bool = True) -> None:
        self.ws = ws
        self.columns = tuple(columns)
        self.rows = 0
        self._convert = [self._converter(column) for column in self.columns]
        for index, column in enumerate(self.columns, start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            if column.kind == Kind.TEXT:
                dimension.number_format = "@"
        if header:
            ws.freeze_panes = "A2"
            ws.append([self._header_cell(column) for column in self.columns])

    def _header_cell(self, column: Column) -> Cell:
        cell = WriteOnlyCell(self.ws, value=text_value(column.header))
        cell.font = HEADER_FONT
        cell.fill = OPTIONAL_FILL if column.optional else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(left=HEADER_SIDE, right=HEADER_SIDE, top=HEADER_SIDE, bottom=HEADER_SIDE)
        return cell

    def _formatted(self, value: Any, number_format: str) -> Cell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = number_format
        return cell

    def _converter(self, column: Column) -> Converter:
        number_format = column.format
        kind = column.kind

        def convert(value: Any) -> Any:
            if kind == Kind.TEXT or isinstance(value, (Promise, bool)):
                return text_value(value)
            if value is None or value == "":
                return None
            if isinstance(value, str):
                return text_value(value)
            if kind == Kind.DATETIME and isinstance(value, dt.datetime):
                return self._formatted(local_naive(value), number_format)
            if kind == Kind.DATE and isinstance(value, dt.date):
                return self._formatted(value.date() if isinstance(value, dt.datetime) else value, number_format)
            if kind == Kind.PERCENT:
                return self._formatted(float(value), number_format)
            if isinstance(value, int | float | Decimal | Fraction):
                return _number(value)
            return text_value(value)

        return convert

    def append(self, values: Sequence[Any], muted: bool = False) -> None:
        """One row; ``muted`` writes it grey and italic (a template's example row)."""
        cells = [convert(value) for convert, value in zip(self._convert, values, strict=True)]
        if muted:
            cells = [self._muted(cell) for cell in cells]
        self.ws.append(cells)
        self.rows += 1

    def _muted(self, cell: Any) -> Cell:
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(self.ws, value=cell)
        cell.font = MUTED_FONT
        return cell

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """All ``rows``; returns how many."""
        before = self.rows
        for row in rows:
            self.append(row)
        return self.rows - before

    def add_validation(self, validation: DataValidation) -> None:
        self.ws.data_validations.append(validation)

    def filter_rows(self) -> None:
        """An auto filter over the header and the rows written so far (call after the last row)."""
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"


class Book:
    """A workbook written in streaming mode: its sheets are filled one after the other, then saved."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    def sheet(
        self, title: str | Promise, columns: Sequence[Column], header: bool = True, hidden: bool = False
    ) -> Sheet:
        ws = self.workbook.create_sheet(str(title)[:31])
        if hidden:
            ws.sheet_state = "hidden"
        return Sheet(ws, columns, header)

    def save(self, target: IO[bytes]) -> None:
        self.workbook.save(target)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


class TemplateColumn(Protocol):
    """A column of an import format, as the imports declare it."""

    @property
    def header(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def help(self) -> str | Promise: ...
    @property
    def width(self) -> int: ...


def template_sheet(
    book: Book,
    title: str,
    columns: Sequence[TemplateColumn],
    example: Mapping[str, Any],
    kinds: Mapping[str, Kind] | None = None,
) -> Sheet:
    """An import template's sheet: red headers for required columns, grey for optional ones, one grey example row."""
    kinds = kinds or {}
    declared = [Column(c.header, kinds.get(c.header, Kind.TEXT), c.width, optional=not c.required) for c in columns]
    sheet = book.sheet(title, declared)
    sheet.append([example.get(c.header) for c in columns], muted=True)
    return sheet


def help_sheet(book: Book, columns: Sequence[TemplateColumn], notes: Iterable[str | Promise]) -> Sheet:
    """The 填写说明 sheet of an import template: each column, whether it is required and how to fill it, then notes."""
    sheet = book.sheet(
        _("填写说明"), [Column(_("列名"), width=16), Column(_("是否必填"), width=10), Column(_("填写说明"), width=90)]
    )
    sheet.write([c.header, _("必填") if c.required else _("选填"), c.help] for c in columns)
    sheet.append([None, None, None])
    sheet.write([note, None, None] for note in notes)
    return sheet


def write_table(
    target: IO[bytes], title: str | Promise, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> int:
    """A one-sheet workbook (header, ``rows``, auto filter) written to ``target``; returns the number of rows."""
    book = Book()
    sheet = book.sheet(title, columns)
    count = sheet.write(rows)
    sheet.filter_rows()
    book.save(target)
    return count


def table_bytes(title: str | Promise, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """``write_table`` into memory: the .xlsx bytes and the number of rows."""
    buffer = io.BytesIO()
    count = write_table(buffer, title, columns, rows)
    return buffer.getvalue(), count
