"""What never reaches the audit log in clear: personal numbers in uploaded file names, public tracking codes."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from luoshi.audit.labels import masked_name
from luoshi.audit.models import AuditEvent
from luoshi.demands.choices import DemandKind, Satisfaction
from luoshi.demands.imports import import_demands
from luoshi.demands.models import Demand
from luoshi.demands.tests.import_helpers import csv_bytes, row
from luoshi.demands.tests.public_helpers import CITIZEN_NAME, CITIZEN_PHONE, categories, finished
from luoshi.orgs.imports import import_units
from luoshi.orgs.tests.sheets import xlsx_file
from luoshi.problems import services as problems
from luoshi.problems.imports import import_ledger
from luoshi.problems.tests.test_ledger_import import ledger
from luoshi.problems.tests.test_ledger_import import row as ledger_row
from luoshi.reports import services as reports
from luoshi.reports.tests.helpers import txt
from luoshi.testing.problems import png, rectifying
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"
PERSONAL_NAME = f"张三{ID_NUMBER}-{MOBILE}"


def log_text(since: int = 0) -> str:
    """Every audit record after ``since``, as the text an auditor (or an export) would see."""
    events = AuditEvent.objects.filter(seq__gt=since)
    return json.dumps(
        [[e.object_repr, e.detail, e.before, e.after] for e in events], ensure_ascii=False, sort_keys=True
    )


def last_seq() -> int:
    return AuditEvent.objects.latest("seq").seq


def assert_masked(text: str) -> None:
    assert ID_NUMBER not in text
    assert MOBILE not in text
    assert ID_NUMBER[6:14] not in text  # not even the birth date
    assert "张三110" in text
    assert "139****5678" in text


def test_masked_name_hides_id_card_and_mobile_numbers() -> None:
    assert masked_name("张三110105194912310021.pdf") == "张三110*************21.pdf"
    assert masked_name("身份证11010519491231002X.jpg") == "身份证110*************2X.jpg"
    assert masked_name("110105491231002.png") == "110**********02.png"
    assert masked_name("电话13912345678.docx") == "电话139****5678.docx"
    assert masked_name("联系139-1234-5678.docx") == "联系139-****-5678.docx"
    assert masked_name("整改报告2026年第3期.docx") == "整改报告2026年第3期.docx"


def test_evidence_file_names_are_masked(world: World) -> None:
    problem = rectifying(world)
    since = last_seq()
    problems.report_progress(world.liaison_a, problem, text="已整改", files=[png(f"{PERSONAL_NAME}.png")])
    text = log_text(since)
    assert_masked(text)
    assert ".png" in text


def test_report_upload_file_names_are_masked(world: World) -> None:
    since = last_seq()
    reports.upload_reports(
        world.liaison_a, world.campaign, world.district_a, [txt("工作总结。", f"{PERSONAL_NAME}.txt")]
    )
    assert_masked(log_text(since))


def test_hotline_import_file_names_are_masked(world: World) -> None:
    since = last_seq()
    result = import_demands(world.dispatcher_city, io.BytesIO(csv_bytes([row()])), f"{PERSONAL_NAME}.csv")
    assert result.ok, result.errors
    assert_masked(log_text(since))


def test_ledger_import_file_names_are_masked(world: World) -> None:
    since = last_seq()
    name = f"{PERSONAL_NAME}.xlsx"
    import_ledger(world.liaison_a, world.campaign, ledger([ledger_row(world)], name=name), name)
    assert_masked(log_text(since))


def test_org_import_file_names_are_masked(world: World) -> None:
    since = last_seq()
    rows = [["V9", "九村", "村社区", "S001", 3, ""]]
    import_units(world.office_a, xlsx_file(rows), file_name=f"{PERSONAL_NAME}.xlsx")
    assert_masked(log_text(since))


def test_no_audit_record_holds_a_public_tracking_code(client: Client, world: World) -> None:
    cache.clear()
    chosen = categories()["物业服务"]
    filing: dict[str, Any] = {
        "kind": DemandKind.COMPLAINT,
        "category": chosen.pk,
        "title": "小区路灯不亮",
        "content": "幸福小区东门路灯已经坏了两周，晚上出行不安全。",
        "address": "东城区幸福小区东门",
        "citizen_name": CITIZEN_NAME,
        "citizen_phone": CITIZEN_PHONE,
    }
    assert client.post(reverse("public:file"), filing).status_code == 302
    demand = finished(world, Demand.objects.get())
    code = demand.tracking_code
    client.post(reverse("public:track"), {"number": demand.number, "code": code})
    rated = client.post(reverse("public:rate"), {"number": demand.number, "satisfaction": Satisfaction.SATISFIED})
    assert rated.status_code == 302
    demand.refresh_from_db()
    assert demand.satisfaction == Satisfaction.SATISFIED
    records = AuditEvent.objects.filter(object_type="demands.demand", object_id=str(demand.pk))
    assert records.count() >= 4
    assert code not in log_text()
    assert code not in str(list(AuditEvent.objects.values_list("before", "after", "detail", "object_repr")))


def test_a_file_name_without_personal_numbers_is_kept(world: World) -> None:
    since = last_seq()
    upload = SimpleUploadedFile("东城区整改总结.txt", "工作总结。".encode(), content_type="text/plain")
    reports.upload_reports(world.liaison_a, world.campaign, world.district_a, [upload])
    assert "东城区整改总结" in log_text(since)
