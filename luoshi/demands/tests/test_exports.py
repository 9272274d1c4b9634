"""Excel export of the filtered demand list: same filters as the page, phones masked, audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.demands.choices import DemandKind, DemandState
from luoshi.demands.tests.lifecycle import NAME, PHONE, dispatched, received, signed
from luoshi.demands.tests.public_helpers import categories
from luoshi.jobs import exports as job_exports
from luoshi.jobs.models import Job, JobStatus
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def rows(response: Any) -> list[tuple[Any, ...]]:
    data = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(data), read_only=True)
    found = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return found


def export(client: Client, user: Any, **query: Any) -> Any:
    verified_login(client, user)
    return client.get(reverse("demands:export"), query)


def test_export_masks_phones_and_never_carries_names(client: Client, world: World) -> None:
    demand = signed(world)
    response = export(client, world.office_city)
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    table = rows(response)
    assert table[0][0] == "工单编号"
    assert [r[0] for r in table[1:]] == [demand.number]
    text = repr(table)
    assert "138****1234" in text
    assert PHONE not in text
    assert NAME not in text


def test_export_uses_the_list_filters_and_scope(client: Client, world: World) -> None:
    waiting = received(world, title="噪音")
    working = signed(world, title="电梯")
    theirs = dispatched(world, unit=world.district_b, title="路灯")
    numbers = [r[0] for r in rows(export(client, world.office_city, state=DemandState.SIGNED))[1:]]
    assert numbers == [working.number]
    district_b = [r[0] for r in rows(export(client, world.office_b))[1:]]
    assert district_b == [theirs.number]
    assert waiting.number not in district_b


def test_export_is_audited_with_filters_and_count(client: Client, world: World) -> None:
    signed(world)
    assert len(rows(export(client, world.office_city, state=DemandState.SIGNED))) == 2
    record = AuditEvent.objects.get(action=Action.EXPORT, object_type="demands.demand")
    assert record.after == {"filters": {"state": [DemandState.SIGNED]}, "rows": 1}


def test_export_refused_without_export_permission(client: Client, world: World) -> None:
    signed(world)
    assert export(client, world.handler_a).status_code == 403
    assert export(client, world.liaison_a).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_with_a_bad_filter_goes_back_to_the_list(client: Client, world: World) -> None:
    response = export(client, world.office_city, unit="987654")
    assert response.status_code == 302
    assert response["Location"] == reverse("demands:list")
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_long_list_is_exported_by_a_job_whose_page_offers_the_file(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LUOSHI_EXPORT_INLINE_ROWS = 1
    mine = [signed(world, title="电梯"), signed(world, title="噪音")]
    dispatched(world, unit=world.district_b, title="路灯")
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, world.office_a)
    job = Job.objects.get(kind="demands.export")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.result is not None
    assert (job.owner, job.status, job.result["rows"]) == (world.office_a, JobStatus.SUCCEEDED, 2)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    table = rows(client.get(reverse("jobs:download", args=[job.pk])))
    assert sorted(r[0] for r in table[1:]) == sorted(d.number for d in mine)
    assert (AuditEvent.objects.get(action=Action.EXPORT, object_type="demands.demand").after or {})["rows"] == 2


def test_a_job_exports_with_its_owners_scope_and_filters(
    client: Client, world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LUOSHI_EXPORT_INLINE_ROWS = 1
    working = [signed(world, title="电梯"), signed(world, title="路灯")]
    received(world, title="噪音")
    with django_capture_on_commit_callbacks(execute=True):
        export(client, world.office_city, state=DemandState.SIGNED)
    job = Job.objects.get(kind="demands.export")
    assert job.params["query"] == {"state": [DemandState.SIGNED]}
    table = rows(client.get(reverse("jobs:download", args=[job.pk])))
    assert sorted(r[0] for r in table[1:]) == sorted(d.number for d in working)
    verified_login(client, world.office_b)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_more_rows_than_a_sheet_holds_are_refused_with_the_count(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_exports, "SHEET_ROWS", 1)
    signed(world)
    signed(world)
    response = export(client, world.office_city)
    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 条" in message
    assert "分批导出" in message
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_formula_filed_on_the_public_page_stays_text_in_the_offices_export(client: Client, world: World) -> None:
    formula = '=HYPERLINK("http://evil.example","点我")'
    form = {"kind": DemandKind.COMPLAINT, "category": categories()["交通"].pk, "title": formula, "address": "@SUM(1)"}
    form |= {"content": "路口红绿灯坏了三天，早晚高峰很危险。", "citizen_name": NAME, "citizen_phone": PHONE}
    filed = Client().post(reverse("public:file"), form)
    assert filed.status_code == 302
    table = rows(export(client, world.office_city))
    text_cells = [cell for cell in table[1] if isinstance(cell, str)]
    assert "'" + formula in text_cells
    assert "'@SUM(1)" in text_cells
    assert not any(cell.startswith(("=", "@")) for cell in text_cells)
