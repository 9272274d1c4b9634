"""Workbooks for import tests, built with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.orgs.imports import HEADERS


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    return io.BytesIO(xlsx_bytes(rows, headers))


def xlsx_upload(rows: Sequence[Sequence[Any]], name: str = "units.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type="application/octet-stream")


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    """All rows of the first sheet, header included."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows
