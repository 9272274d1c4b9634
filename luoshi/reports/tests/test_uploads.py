"""Uploading reports: every bad file is refused with a message naming it, and nothing is stored."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.jobs.models import Job
from luoshi.reports import services
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Report
from luoshi.reports.services import JOB_KIND
from luoshi.reports.tests.helpers import docx_bytes, txt
from luoshi.testing import hostile_files as hostile
from luoshi.testing.footprint import stored_files

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64 + b"binary code"
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def refused(world, *files, actor=None, unit=None) -> str:
    before = (Report.objects.count(), Job.objects.count(), stored_files())
    with pytest.raises(RuleViolation) as caught:
        services.upload_reports(actor or world.liaison_a, world.campaign, unit or world.district_a, list(files))
    assert (Report.objects.count(), Job.objects.count(), stored_files()) == before
    return str(caught.value)


def zip_bomb(name: str = "总结.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (120 * 1024 * 1024))
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("空.txt", b""), "是空文件"),
        (SimpleUploadedFile("表格.xlsx", b"PK\x03\x04 not a report"), "类型不支持"),
        (SimpleUploadedFile("无扩展名", "共排查问题38个。".encode()), "类型不支持"),
        (SimpleUploadedFile("程序.txt", ELF), "不是文本文件"),
        (SimpleUploadedFile("setup.docx", PE), "与扩展名 .docx 不符"),
        (SimpleUploadedFile("乱码.txt", os.urandom(4096)), "不是文本文件"),
        (SimpleUploadedFile("假的.pdf", "共排查问题38个。".encode()), "与扩展名 .pdf 不符"),
    ],
)
def test_bad_file_is_refused_by_name(world, upload, words) -> None:
    message = refused(world, upload)
    assert words in message
    assert f"「{upload.name}」" in message


def test_file_over_10_mb_is_refused(world) -> None:
    big = SimpleUploadedFile("大报告.txt", "共排查问题38个。".encode() * (11 * 1024 * 1024 // 22))
    assert "超过上限 10 MB" in refused(world, big)


def test_zip_bomb_disguised_as_docx_is_refused(world) -> None:
    assert "疑似压缩炸弹" in refused(world, zip_bomb())


def test_one_bad_file_among_many_stores_none(world) -> None:
    message = refused(world, txt("共排查问题38个。", "好.txt"), SimpleUploadedFile("坏.txt", b""))
    assert "坏.txt" in message


def test_many_files_become_many_reports_each_with_a_job(world) -> None:
    files = [
        txt("共排查问题38个。", "一.txt"),
        txt("共排查問題38個。", "二.txt", "big5"),
        SimpleUploadedFile("三.docx", docx_bytes("整改措施63项。")),
    ]
    reports = services.upload_reports(world.liaison_a, world.campaign, world.district_a, files, kind="briefing")
    assert [r.title for r in reports] == ["一", "二", "三"]
    assert {r.status for r in reports} == {ReportStatus.PENDING}
    assert {r.kind for r in reports} == {"briefing"}
    assert Job.objects.filter(kind=JOB_KIND).count() == 3
    assert all(r.job is not None and r.job.params == {"report": r.pk} for r in reports)
    assert all(r.org_path == world.district_a.path and len(r.sha256) == 64 for r in reports)


def test_single_file_takes_the_title_given(world) -> None:
    (report,) = services.upload_reports(
        world.office_a, world.campaign, world.street_a, [txt("共排查问题38个。")], title="东城街道半年总结"
    )
    assert (report.title, report.unit, report.uploaded_by) == ("东城街道半年总结", world.street_a, world.office_a)


def test_check_report_upload_accepts_each_kind() -> None:
    kinds = {
        "a.txt": "text/plain",
        "a.html": "text/html",
        "a.htm": "text/html",
        "a.docx": services.BINARY_TYPES["docx"],
        "a.pdf": "application/pdf",
    }
    bodies = {"a.docx": docx_bytes("共排查问题38个。"), "a.pdf": b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF"}
    for name, content_type in kinds.items():
        upload = SimpleUploadedFile(name, bodies.get(name, "<p>共排查问题38个。</p>".encode("gb18030")))
        assert services.check_report_upload(upload).content_type == content_type


def test_leader_may_read_but_not_upload(world) -> None:
    with pytest.raises(NotAllowed):
        services.upload_reports(world.leader_a, world.campaign, world.district_a, [txt("共排查问题38个。")])
    assert not Report.objects.exists()


def test_liaison_cannot_upload_for_another_district(world) -> None:
    with pytest.raises(NotAllowed):
        services.upload_reports(world.liaison_a, world.campaign, world.district_b, [txt("共排查问题38个。")])


def test_unit_outside_the_campaign_is_refused(world) -> None:
    from luoshi.campaigns.models import Campaign

    street_campaign = Campaign.objects.create(
        name="街道专项", unit=world.street_a, starts_on=world.campaign.starts_on, ends_on=world.campaign.ends_on
    )
    with pytest.raises(RuleViolation) as caught:
        services.upload_reports(world.liaison_a, street_campaign, world.district_a, [txt("共排查问题38个。")])
    assert "不在活动「街道专项」的范围内" in str(caught.value)
    assert not Report.objects.exists()


def test_no_file_is_refused(world) -> None:
    assert "至少一个" in refused(world)


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (hostile.pdf_with_zip("总结.pdf"), "同时也是一个压缩包"),
        (hostile.zip_bomb("总结.docx"), "疑似压缩炸弹"),
        (hostile.nested_archive("总结.docx"), "不接受嵌套的压缩文件"),
        (hostile.with_macros("总结.docx"), "含有宏代码"),
        (hostile.renamed_exe("总结.pdf"), "与扩展名 .pdf 不符"),
        (SimpleUploadedFile("总结.txt", hostile.JPEG + b"zip"), "不是文本文件"),
    ],
    ids=["pdf-zip", "bomb", "nested", "macros", "exe", "jpeg-as-txt"],
)
def test_hostile_report_files_are_refused_by_the_common_checker(world, upload, words) -> None:
    message = refused(world, upload)
    assert words in message
    assert f"「{upload.name}」" in message
