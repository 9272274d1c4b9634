"""Every file download: Chinese file names that every browser keeps (RFC 6266/5987, with an ASCII fallback)."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
FALLBACK_STEM = "download"


def ascii_name(filename: str) -> str:
    """The name for clients that ignore ``filename*``: its ASCII letters and digits, e.g. download-20261206.xlsx."""
    path = PurePath(filename.replace("/", "_").replace("\\", "_"))
    stem = UNSAFE_ASCII.sub("-", path.stem).strip("-.")
    suffix = UNSAFE_ASCII.sub("", path.suffix)
    if not filename.isascii():
        stem = f"{FALLBACK_STEM}-{stem}" if stem else FALLBACK_STEM
    return f"{stem or FALLBACK_STEM}{suffix}"


def content_disposition(filename: str, attachment: bool = True) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…``: the real name for every modern browser."""
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(content: bytes | IO[bytes], filename: str, content_type: str = XLSX_TYPE) -> FileResponse:
    """A download of ``content`` (bytes, or a file that the response closes once sent) named ``filename``."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def written_download(write: Callable[[IO[bytes]], Any], filename: Callable[[], str]) -> FileResponse:
    """A download of what ``write`` writes (an export made in the request), streamed from a temporary file that
    is gone once sent or once ``write`` fails; named ``filename()`` when written."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so removes) it once sent
    try:
        write(target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return download(target, filename())
