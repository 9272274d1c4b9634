"""Word documents the platform writes (python-docx): Chinese fonts on the styles, plain tables, and the same
bytes from the same content (fixed document properties and package dates)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table

AUTHOR = "落实平台"
BODY_FONT, HEADING_FONT = "宋体", "黑体"  # the east-Asian fonts named on each style (Noto CJK serif/sans stand in)


def _fonts(document: DocumentType, title_size: int) -> None:
    """Chinese fonts on the styles used (Word needs the east-Asian font named on each style)."""
    for name, font, size in (("Normal", BODY_FONT, 11), ("Title", HEADING_FONT, title_size)):
        style = document.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        style.font.name = HEADING_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)


def new_document(title: str, made: dt.datetime, title_size: int = 18) -> DocumentType:
    """A document with Chinese fonts and its properties fixed: ``title``, the platform as author, ``made`` (naive
    UTC) as its creation and modification time."""
    document = Document()
    _fonts(document, title_size)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, AUTHOR, AUTHOR
    properties.created, properties.modified, properties.revision = made, made, 1
    properties.comments = ""
    return document


def add_table(document: DocumentType, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """A grid table with a bold header row."""
    body = list(rows)
    table = document.add_table(rows=1 + len(body), cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row, values in zip(table.rows[1:], body, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    return table


def fixed_bytes(document: DocumentType, when: dt.datetime) -> bytes:
    """The saved package with every entry dated ``when`` and fixed attributes, in the same order."""
    raw = io.BytesIO()
    document.save(raw)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    target = io.BytesIO()
    with zipfile.ZipFile(raw, "r") as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            out.writestr(entry, source.read(info.filename))
    return target.getvalue()
