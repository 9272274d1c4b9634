"""Files and reports for the report tests, made through the real services."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.reports import services
from luoshi.reports.models import Report
from luoshi.testing.world import World

CLAIMS_TEXT = "东城区主题教育简报\n共排查问题3个，已整改销号2个。制定整改措施1项，派出督导组4个。\n"


def txt(text: str, name: str = "report.txt", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/plain")


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(world: World, text: str, unit: Any = None, actor: Any = None, **kw: Any) -> Report:
    """Upload one .txt report and process it at once, as the background job does."""
    (report,) = services.upload_reports(
        actor or world.liaison_a, world.campaign, unit or world.district_a, [txt(text)], **kw
    )
    return services.process_report(report)
