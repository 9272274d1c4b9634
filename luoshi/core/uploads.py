"""Checks every uploaded file before anything is stored: size, extension and real content type."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation

EVIDENCE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OOXML = {"docx": "word/", "xlsx": "xl/"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _sniff_ok(upload: UploadedFile, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if ext in OOXML:
        try:
            with zipfile.ZipFile(upload) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(OOXML[ext]) for n in names)
    kind = filetype.guess(head)
    return kind is not None and kind.mime == EVIDENCE_TYPES[ext]


def check_upload(
    upload: UploadedFile, allowed: dict[str, str] | None = None, max_bytes: int | None = None
) -> CheckedUpload:
    """Raise ``RuleViolation`` with a message naming the file unless it is what it claims to be."""
    allowed = allowed or EVIDENCE_TYPES
    limit = max_bytes or settings.LUOSHI_MAX_UPLOAD_BYTES
    name = PurePath(upload.name or "").name[:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not upload.size:
        raise RuleViolation(_("文件「{name}」是空文件。").format(name=name))
    if upload.size > limit:
        raise RuleViolation(
            _("文件「{name}」大小 {size} KB，超过上限 {limit} MB。").format(
                name=name, size=upload.size // 1024, limit=limit // (1024 * 1024)
            )
        )
    if ext not in allowed:
        raise RuleViolation(
            _("文件「{name}」类型不支持，只接受：{types}。").format(name=name, types=_("、").join(sorted(allowed)))
        )
    if not _sniff_ok(upload, ext):
        raise RuleViolation(_("文件「{name}」的内容与扩展名 .{ext} 不符。").format(name=name, ext=ext))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name, ext, allowed[ext], upload.size, digest.hexdigest())
