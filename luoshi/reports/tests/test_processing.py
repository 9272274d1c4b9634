"""The background job: the extractor's text and figures are stored; a file it cannot read fails with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.extract.types import Extraction, Mention
from luoshi.jobs.models import Job, JobStatus
from luoshi.reports import services
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import Figure, Report
from luoshi.reports.tests.helpers import docx_bytes, txt, upload

pytestmark = pytest.mark.django_db

TEXT = "共排查问题38个，已整改销号36个。"


def queued(world, *files) -> list[Report]:
    return services.upload_reports(world.liaison_a, world.campaign, world.district_a, list(files))


def test_job_stores_text_and_figures(world, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (report,) = queued(world, txt(TEXT))
    report.refresh_from_db()
    job = Job.objects.get(kind=services.JOB_KIND)
    assert (job.status, job.owner) == (JobStatus.SUCCEEDED, world.liaison_a)
    assert (job.result or {})["figures"] == 2
    assert report.status == ReportStatus.DONE
    assert report.processed_at is not None
    assert report.text == TEXT
    figures = list(report.figures.order_by("start"))
    assert [(f.text, f.value, f.unit, f.approx) for f in figures] == [
        ("38个", 38, "个", "exact"),
        ("36个", 36, "个", "exact"),
    ]
    assert [report.text[f.start : f.end] for f in figures] == ["38个", "36个"]
    assert all(f.sentence == TEXT and f.org_path == report.org_path for f in figures)
    assert [(f.original_value, f.original_unit) for f in figures] == [(38, "个"), (36, "个")]
    assert AuditEvent.objects.filter(object_type="reports.report", detail="提取报告数字 2 个").exists()


def test_traditional_docx_is_read_and_simplified(world) -> None:
    (report,) = queued(
        world, SimpleUploadedFile("總結.docx", docx_bytes("揚州市召開會議。", "徵集意見建議1.2萬餘條。"))
    )
    report = services.process_report(report)
    assert report.status == ReportStatus.DONE
    assert "意见建议" in report.text
    figure = report.figures.get()
    assert (figure.text, figure.value, figure.unit, figure.approx) == ("1.2万余条", 12000, "条", "more_than")


def test_unreadable_file_fails_with_the_reason(world, django_capture_on_commit_callbacks) -> None:
    pdf = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with django_capture_on_commit_callbacks(execute=True):
        (report,) = queued(world, pdf)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.failure
    assert not report.figures.exists()
    job = Job.objects.get(kind=services.JOB_KIND)
    assert job.status == JobStatus.FAILED
    assert report.failure in job.log


def test_lost_file_fails_with_the_reason(world) -> None:
    (report,) = queued(world, txt(TEXT))
    report.file.storage.delete(report.file.name)
    assert "已丢失" in services.process_report(report).failure


def test_store_extraction_replaces_figures_and_reads_the_date(world) -> None:
    report = upload(world, TEXT)
    mention = Mention("2—3天", 2, "天", value_max=3, start=0, end=4, sentence="2—3天")
    stored = services.store_extraction(report, Extraction("2—3天", "东城区", "2023-05-23", [mention]))
    assert (stored.place, stored.report_date, stored.status) == ("东城区", dt.date(2023, 5, 23), "done")
    assert [(f.value, f.value_max, f.original_value_max) for f in stored.figures.all()] == [(2, 3, 3)]


def test_reprocess_queues_again_but_not_over_corrections(world, django_capture_on_commit_callbacks) -> None:
    report = upload(world, TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        services.reprocess_report(world.office_a, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.figures.count() == 2
    figure = report.figures.order_by("start")[0]
    services.correct_figure(world.liaison_a, figure, figure.version, value=37)
    with pytest.raises(RuleViolation, match="人工校正"):
        services.reprocess_report(world.office_a, report)
    assert Figure.objects.get(pk=figure.pk).value == 37


def test_reprocess_needs_the_upload_permission(world) -> None:
    report = upload(world, TEXT)
    with pytest.raises(NotAllowed):
        services.reprocess_report(world.leader_a, report)
