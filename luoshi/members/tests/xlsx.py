"""Workbooks for the import tests, in the import's columns."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from luoshi.members.imports import HEADERS


def workbook(rows: Iterable[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "名册.xlsx"
    return buffer


def row(number: Any, name: str = "王芳", unit: str = "S001", **cells: Any) -> list[Any]:
    """A row by header; ``cells`` by the import's column names (kind=类别 etc. via the dict)."""
    values = {"编号": number, "姓名": name, "所在单位代码": unit, **dict(cells.items())}
    return [values.get(h) for h in HEADERS]
