"""Evidence files (佐证材料): checked before anything is stored; a bad file stores nothing at all."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx import Document
from openpyxl import Workbook

from luoshi.core.errors import RuleViolation
from luoshi.problems import services
from luoshi.problems.models import Evidence, Problem
from luoshi.testing import hostile_files as hostile
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import PNG_1PX, png, rectifying
from luoshi.testing.world import World

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def _docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "not a document")
    return buffer.getvalue()


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _report(world: World, problem: Problem, *files: SimpleUploadedFile) -> Any:
    return services.report_progress(world.liaison_a, problem, text="上传佐证", files=list(files))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("照片.png", PNG_1PX, "image/png"),
        ("现场.JPG", JPEG, "image/jpeg"),
        ("通报.pdf", PDF, "application/pdf"),
        ("方案.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepted_kinds_are_stored_with_their_digest(world: World, name: str, content: Any, content_type: str) -> None:
    data = content or (_docx() if name.endswith("docx") else _xlsx())
    entry = _report(world, rectifying(world), _file(name, data))
    evidence = Evidence.objects.get(progress=entry)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, content_type, len(data))
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.org_path == entry.problem.org_path
    with evidence.file.open("rb") as stored:
        assert stored.read() == data


def test_several_files_in_one_report(world: World) -> None:
    entry = _report(world, rectifying(world), png("一.png"), png("二.png"), _file("三.pdf", PDF))
    names = sorted(Evidence.objects.filter(progress=entry).values_list("original_name", flat=True))
    assert names == ["一.png", "三.pdf", "二.png"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", PNG_1PX, "类型不支持"),
        ("无扩展名", PNG_1PX, "类型不支持"),
        ("伪装.pdf", PNG_1PX, "内容与扩展名 .pdf 不符"),
        ("伪装.png", b"just some text, not an image", "内容与扩展名 .png 不符"),
        ("伪装.jpg", PDF, "内容与扩展名 .jpg 不符"),
        ("伪装.docx", b"PK\x03\x04 broken zip", "内容与扩展名 .docx 不符"),
        ("空壳.docx", _zip_without_word(), "内容与扩展名 .docx 不符"),
        ("表格.docx", _xlsx(), "内容与扩展名 .docx 不符"),
        ("空.png", b"", "是空文件"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",
)
def test_bad_file_stores_nothing(world: World, name: str, content: bytes, message: str) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match=message):
        _report(world, problem, png("好的.png"), _file(name, content))
    assert footprint(problem) == before


@override_settings(LUOSHI_MAX_UPLOAD_BYTES=1024 * 1024)
def test_file_over_the_size_limit_stores_nothing(world: World) -> None:
    problem = rectifying(world)
    big = _file("大图.png", PNG_1PX + b"\0" * (1024 * 1024))
    before = footprint(problem)
    with pytest.raises(RuleViolation, match=re.escape("文件「大图.png」大小 1024 KB，超过上限 1 MB")):
        _report(world, problem, big)
    assert footprint(problem) == before


@override_settings(LUOSHI_MAX_UPLOAD_BYTES=1024 * 1024)
def test_file_at_the_size_limit_is_accepted(world: World) -> None:
    data = PNG_1PX + b"\0" * (1024 * 1024 - len(PNG_1PX))
    entry = _report(world, rectifying(world), _file("刚好.png", data))
    assert Evidence.objects.get(progress=entry).size == 1024 * 1024


class SecondSaveFails(FileSystemStorage):
    """A disk that fills up after the first file."""

    saves = 0

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        type(self).saves += 1
        if type(self).saves > 1:
            raise OSError("磁盘已满")
        return super().save(name, content, max_length)


def test_storage_failure_midway_leaves_no_file_and_no_row(world: World, settings: Any) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    SecondSaveFails.saves = 0
    storage = f"{__name__}.SecondSaveFails"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": storage, "OPTIONS": {}}}
    with pytest.raises(OSError, match="磁盘已满"):
        _report(world, problem, png("一.png"), png("二.png"))
    assert SecondSaveFails.saves == 2
    assert footprint(problem) == before


def test_progress_text_is_required(world: World) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="进展情况不能为空"):
        services.report_progress(world.liaison_a, problem, text=" ", files=[png()])
    assert footprint(problem) == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (hostile.zip_bomb("炸弹.docx"), "疑似压缩炸弹"),
        (hostile.zip_bomb("炸弹.xlsx"), "疑似压缩炸弹"),
        (hostile.nested_archive("套娃.docx"), "不接受嵌套的压缩文件"),
        (hostile.with_macros("宏.xlsx"), "含有宏代码"),
        (hostile.jpeg_with_zip("照片.jpg"), "同时也是一个压缩包"),
        (hostile.pdf_with_zip("通报.pdf"), "同时也是一个压缩包"),
        (hostile.png_with_script("截图.png"), "夹带网页或脚本代码"),
        (hostile.renamed_exe("照片.jpg"), "内容与扩展名 .jpg 不符"),
        (hostile.renamed_exe("通报.pdf"), "内容与扩展名 .pdf 不符"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_hostile_evidence_is_refused_by_name_and_stores_nothing(world: World, upload: Any, message: str) -> None:
    problem = rectifying(world)
    before = footprint(problem)
    with pytest.raises(RuleViolation) as caught:
        _report(world, problem, png("好的.png"), upload)
    assert message in str(caught.value)
    assert f"「{upload.name}」" in str(caught.value)
    assert footprint(problem) == before


@override_settings(LUOSHI_UPLOAD_MAX_ZIP_MEMBERS=50)
def test_office_file_with_too_many_members_is_refused(world: World) -> None:
    members = {f"word/media/p{i}.xml": b"<p/>" for i in range(60)}
    upload = _file("碎片.docx", hostile.office_zip("docx", members))
    with pytest.raises(RuleViolation, match="包含 62 个压缩成员，超过上限 50 个"):
        _report(world, rectifying(world), upload)


def test_a_real_document_with_an_embedded_chart_workbook_is_accepted(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", _xlsx())
    entry = _report(world, rectifying(world), _file("带图表.docx", buffer.getvalue()))
    assert Evidence.objects.get(progress=entry).original_name == "带图表.docx"
