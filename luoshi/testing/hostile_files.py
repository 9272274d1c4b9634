"""Hostile uploads for tests: zip bombs in Office clothing, polyglots, renamed programs."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
OFFICE_FOLDER = {"docx": "word", "xlsx": "xl"}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def office_zip(ext: str, extra: dict[str, bytes]) -> bytes:
    """A zip that looks like a .docx or .xlsx ([Content_Types].xml and the main folder) plus ``extra``."""
    folder = OFFICE_FOLDER[ext]
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[ext]
    return _zip({"[Content_Types].xml": b"<Types/>", main: f"<{folder}/>".encode(), **extra})


def zip_bomb(name: str, megabytes: int = 30) -> SimpleUploadedFile:
    """An Office file whose one member unpacks to ``megabytes`` of zeros from a few kilobytes."""
    ext = name.rsplit(".", 1)[-1]
    data = office_zip(ext, {f"{OFFICE_FOLDER[ext]}/media/big.xml": b"\x00" * (megabytes * 1024 * 1024)})
    return SimpleUploadedFile(name, data)


def nested_archive(name: str) -> SimpleUploadedFile:
    ext = name.rsplit(".", 1)[-1]
    inner = _zip({"payload.bin": b"x" * 1024})
    return SimpleUploadedFile(name, office_zip(ext, {f"{OFFICE_FOLDER[ext]}/media/inner.zip": inner}))


def with_macros(name: str) -> SimpleUploadedFile:
    ext = name.rsplit(".", 1)[-1]
    return SimpleUploadedFile(name, office_zip(ext, {f"{OFFICE_FOLDER[ext]}/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))


def jpeg_with_zip(name: str = "照片.jpg") -> SimpleUploadedFile:
    """A valid JPEG followed by a zip: an image viewer shows the picture, an unzipper finds the payload."""
    return SimpleUploadedFile(name, JPEG + _zip({"payload.html": b"<script>alert(1)</script>"}))


def pdf_with_zip(name: str = "报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + _zip({"payload.exe": PE}))


def png_with_script(name: str = "截图.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"<html><script>alert(document.cookie)</script></html>")


def renamed_exe(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PE)
