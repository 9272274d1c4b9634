"""The one checker of every uploaded file, before anything is stored (evidence, reports, imports).

Each use declares what it accepts (``allowed``: extension → content type) and its size limit. The file
must not be empty, its extension must be allowed and its content must be what the extension says
(magic bytes via ``filetype``; text kinds must be text). Office files (.docx/.xlsx) are zips: refused when
they would unpack too large or at too high a ratio, hold too many members, nest other archives or carry
macros (zip bombs, disguised .docm/.xlsm). A file that is also something else (polyglots: a zip appended
to an image or a PDF, HTML, SVG or script inside an image or a PDF) is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": DOCX_TYPE,
    "xlsx": XLSX_TYPE,
}
TEXT_KINDS = frozenset({"txt", "csv", "html", "htm"})
IMAGE_KINDS = frozenset({"jpg", "jpeg", "png"})
OOXML = {"docx": "word/", "xlsx": "xl/"}
MACROS = ("vbaProject.bin",)
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
ZIP_MAX_UNPACKED = 1024 * 1024 * 1024
NESTED_MAX_BYTES = 20 * 1024 * 1024
ARCHIVE_SUFFIXES = (".zip", ".jar", ".7z", ".rar", ".gz", ".tar", ".bz2", ".xz", ".cab")
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 8192
SCAN_CHUNK = 1024 * 1024
MARKUP = re.compile(rb"<(?:script|html|svg\s|iframe|\?php|!doctype\s+html)", re.IGNORECASE)
MARKUP_OVERLAP = 32


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def file_name(upload: Any) -> str:
    """The upload's base name as users see it (no folders), at most 200 characters."""
    return PurePath(getattr(upload, "name", "") or "").name[:200]


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _refused(name: str, reason: str) -> RuleViolation:
    return RuleViolation(_("文件「{name}」{reason}").format(name=name, reason=reason))


def _head(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _chunks(upload: IO[bytes]) -> Iterator[bytes]:
    upload.seek(0)
    while chunk := upload.read(SCAN_CHUNK):
        yield chunk
    upload.seek(0)


def _has_markup(upload: IO[bytes]) -> bool:
    tail = b""
    for chunk in _chunks(upload):
        window = tail + chunk
        if MARKUP.search(window):
            upload.seek(0)
            return True
        tail = window[-MARKUP_OVERLAP:]
    return False


def _is_zip(upload: IO[bytes]) -> bool:
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def _zip_limits(packed_limit: int) -> tuple[int, int, int]:
    """(unpacked bytes, members, ratio): settings, and at least ten times the use's own size limit."""
    unpacked = int(getattr(settings, "LUOSHI_UPLOAD_MAX_UNPACKED_BYTES", ZIP_MAX_UNPACKED))
    return (
        max(unpacked, 10 * packed_limit),
        int(getattr(settings, "LUOSHI_UPLOAD_MAX_ZIP_MEMBERS", ZIP_MAX_MEMBERS)),
        int(getattr(settings, "LUOSHI_UPLOAD_MAX_ZIP_RATIO", ZIP_MAX_RATIO)),
    )


def _bomb(name: str, unpacked: int) -> RuleViolation:
    return _refused(name, _("解压后过大（{size} MB），疑似压缩炸弹，已拒收。").format(size=unpacked // 2**20))


def _check_members(archive: zipfile.ZipFile, name: str, packed: int, limits: tuple[int, int, int], nested: bool) -> int:
    """The unpacked size of ``archive`` (with one level of embedded Office files); refuses bombs."""
    max_unpacked, max_members, max_ratio = limits
    infos = archive.infolist()
    if len(infos) > max_members:
        raise _refused(
            name,
            _("包含 {count} 个压缩成员，超过上限 {limit} 个，已拒收。").format(count=len(infos), limit=max_members),
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _bomb(name, info.file_size)
        if PurePath(info.filename).name in MACROS:
            raise _refused(name, _("含有宏代码，不接受启用宏的文档。"))
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES) or _member_is_zip(archive, info):
            total += _check_nested(archive, info, name, limits, nested)
    if total > max_unpacked or (total > ZIP_RATIO_FLOOR and total > max_ratio * max(packed, 1)):
        raise _bomb(name, total)
    return total


def _member_is_zip(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir() or info.file_size < len(ZIP_MAGIC):
        return False
    with archive.open(info) as member:
        return member.read(len(ZIP_MAGIC)) == ZIP_MAGIC


def _check_nested(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: tuple[int, int, int], nested: bool
) -> int:
    """An Office file embedded in a document (a chart's workbook) is checked like the document; any other
    archive inside, or one more level of nesting, is refused."""
    nested_ok = not nested and "/embeddings/" in info.filename and info.file_size <= NESTED_MAX_BYTES
    if not nested_ok:
        raise _refused(
            name, _("内含压缩包「{member}」，不接受嵌套的压缩文件。").format(member=PurePath(info.filename).name)
        )
    try:
        with archive.open(info) as member, zipfile.ZipFile(io.BytesIO(member.read())) as inner:
            return _check_members(inner, name, info.compress_size, limits, nested=True)
    except zipfile.BadZipFile as exc:
        raise _refused(name, _("内含损坏的压缩包，已拒收。")) from exc


def _check_office(upload: IO[bytes], name: str, ext: str, size: int, limit: int) -> None:
    if not _head(upload).startswith(ZIP_MAGIC):
        raise _mismatch(name, ext)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names or not any(n.startswith(OOXML[ext]) for n in names):
                raise _mismatch(name, ext)
            _check_members(archive, name, size, _zip_limits(limit), nested=False)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _mismatch(name, ext) from exc
    finally:
        upload.seek(0)


def _mismatch(name: str, ext: str) -> RuleViolation:
    return RuleViolation(_("文件「{name}」的内容与扩展名 .{ext} 不符。").format(name=name, ext=ext))


def _check_binary(upload: IO[bytes], name: str, ext: str, mime: str) -> None:
    kind = filetype.guess(_head(upload))
    if kind is None or kind.mime != mime:
        raise _mismatch(name, ext)
    if _is_zip(upload):
        raise _refused(name, _("同时也是一个压缩包（疑似伪装文件），已拒收。"))
    if (ext in IMAGE_KINDS or ext == "pdf") and _has_markup(upload):
        raise _refused(name, _("中夹带网页或脚本代码（疑似伪装文件），已拒收。"))


def _check_text(upload: IO[bytes], name: str) -> None:
    head = _head(upload)
    if b"\x00" in head or filetype.guess(head) is not None or head.startswith(ZIP_MAGIC):
        raise _refused(name, _("不是文本文件，请上传 UTF-8、GB18030 或 Big5 编码的文本或网页。"))


def _check_size(upload: UploadedFile, name: str, limit: int) -> None:
    if not upload.size:
        raise RuleViolation(_("文件「{name}」是空文件。").format(name=name))
    if upload.size > limit:
        raise RuleViolation(
            _("文件「{name}」大小 {size} KB，超过上限 {limit} MB。").format(
                name=name, size=upload.size // 1024, limit=limit // (1024 * 1024)
            )
        )


def check_upload(
    upload: UploadedFile, allowed: dict[str, str] | None = None, max_bytes: int | None = None
) -> CheckedUpload:
    """Raise ``RuleViolation`` with a message naming the file unless it is what it claims to be.

    ``allowed`` maps the accepted extensions to their content types (evidence types by default);
    ``max_bytes`` is the use's size limit (``LUOSHI_MAX_UPLOAD_BYTES`` by default).
    """
    allowed = allowed or EVIDENCE_TYPES
    name = file_name(upload)
    ext = extension_of(name)
    limit = max_bytes or settings.LUOSHI_MAX_UPLOAD_BYTES
    _check_size(upload, name, limit)
    if ext not in allowed:
        raise RuleViolation(
            _("文件「{name}」类型不支持，只接受：{types}。").format(name=name, types=_("、").join(sorted(allowed)))
        )
    if ext in OOXML:
        _check_office(upload, name, ext, int(upload.size or 0), limit)
    elif ext in TEXT_KINDS:
        _check_text(upload, name)
    else:
        _check_binary(upload, name, ext, allowed[ext])
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name, ext, allowed[ext], int(upload.size or 0), digest.hexdigest())
