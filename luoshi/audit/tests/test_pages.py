"""The auditor's pages: list with filters and paging, detail, integrity check, Excel export."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.services import record
from luoshi.core import context
from luoshi.testing.problems import rectifying
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")


@pytest.fixture
def auditor_client(client: Client, world: World) -> Client:
    verified_login(client, world.auditor)
    return client


def seqs(response: Any) -> list[int]:
    return [e.seq for e in response.context["rows"]]


@pytest.mark.parametrize("username", ["secadmin", "office_city", "liaison_a", "nobody"])
def test_only_the_auditor_reads_the_audit_log(client: Client, world: World, username: str) -> None:
    verified_login(client, world.users[username])
    seq = AuditEvent.objects.latest("seq").seq
    for response in (
        client.get(LIST),
        client.get(reverse("audit:detail", args=[seq])),
        client.get(EXPORT),
        client.post(VERIFY),
    ):
        assert response.status_code == 403


def test_auditor_cannot_manage_users(auditor_client: Client, world: World) -> None:
    assert auditor_client.get(reverse("accounts:users")).status_code == 403
    assert f'href="{LIST}"' in auditor_client.get(reverse("home")).content.decode()  # 我的待办 leads to the log


def test_list_is_newest_first_and_pages_by_seq(auditor_client: Client, world: World) -> None:
    for i in range(60):
        record(Action.UPDATE, object_type="test.thing", object_id=str(i))
    newest = AuditEvent.objects.latest("seq").seq
    first = auditor_client.get(LIST)
    assert first.status_code == 200
    assert seqs(first) == list(range(newest, newest - 50, -1))
    assert first.context["newer"] is None
    older = auditor_client.get(LIST, {"before": first.context["older"]})
    assert seqs(older)[0] == newest - 50
    assert older.context["newer"] == newest - 50
    back = auditor_client.get(LIST, {"after": older.context["newer"]})
    assert seqs(back) == seqs(first)


def test_filters(auditor_client: Client, world: World) -> None:
    token = context.set_current(context.RequestContext(request_id="req-123", ip="10.1.2.3"))
    try:
        special = record(Action.EXPORT, actor=world.office_city, object_type="problems.problem", object_id="77")
    finally:
        context.reset(token)
    record(Action.UPDATE, actor=world.liaison_a, object_type="problems.problem", object_id="78")
    cases: list[dict[str, str]] = [
        {"action": Action.EXPORT},
        {"actor": "office_city"},
        {"object_type": "problems.problem", "object_id": "77"},
        {"request_id": "req-123"},
        {"ip": "10.1.2.3"},
    ]
    for params in cases:
        assert seqs(auditor_client.get(LIST, params)) == [special.seq], params


def test_date_range_filter_uses_local_days(auditor_client: Client, world: World) -> None:
    event = record(Action.UPDATE, object_type="test.thing", object_id="old")
    old = timezone.make_aware(dt.datetime(2025, 3, 1, 0, 30))  # Asia/Shanghai: just after local midnight
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET at = %s WHERE seq = %s", [old, event.seq])
    day = {"date_from": "2025-03-01", "date_to": "2025-03-01"}
    assert seqs(auditor_client.get(LIST, day)) == [event.seq]
    assert seqs(auditor_client.get(LIST, {"date_to": "2025-02-28"})) == []
    assert event.seq not in seqs(auditor_client.get(LIST, {"date_from": "2025-03-02"}))


def test_detail_shows_before_and_after_side_by_side(auditor_client: Client, world: World) -> None:
    event = record(
        Action.UPDATE,
        actor=world.office_city,
        object_type="orgs.unit",
        object_id="1",
        before={"name": "旧名称", "leaders": "甲"},
        after={"name": "新名称", "leaders": "甲"},
    )
    response = auditor_client.get(reverse("audit:detail", args=[event.seq]))
    body = response.content.decode()
    assert "旧名称" in body
    assert "新名称" in body
    assert event.hash in body
    diff = response.context["diff"]
    assert ("名称", "旧名称", "新名称", True) in diff
    assert ("负责人", "甲", "甲", False) in diff
    assert auditor_client.get(reverse("audit:detail", args=[event.seq + 100])).status_code == 404


def test_verify_button_reports_intact(auditor_client: Client, world: World) -> None:
    response = auditor_client.post(VERIFY)
    body = response.content.decode()
    assert "审计日志完整" in body
    assert response.context["report"].checked == AuditEvent.objects.count()


def test_verify_button_names_the_first_altered_record(auditor_client: Client, world: World) -> None:
    target = AuditEvent.objects.order_by("seq")[2].seq
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["伪造", target])
    body = auditor_client.post(VERIFY).content.decode()
    assert "审计日志已被篡改" in body
    assert f"第 {target} 条记录" in body


def test_export_filtered_log_and_audit_the_export(auditor_client: Client, world: World) -> None:
    record(Action.UPDATE, actor=world.liaison_a, object_type="test.thing", object_id="1", detail="=HYPERLINK(1)")
    record(Action.UPDATE, actor=world.leader_a, object_type="test.thing", object_id="2")
    response = auditor_client.get(EXPORT, {"actor": "liaison_a"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert len(rows) == 2
    assert rows[1][2] == "liaison_a"
    formula_cell = sheet.cell(row=2, column=10)
    assert formula_cell.value == "'=HYPERLINK(1)"  # neutralised (OWASP): shown as text, never run
    assert formula_cell.data_type == "s"
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor) == (Action.EXPORT, world.auditor)
    assert "1 条" in event.detail
    assert "liaison_a" in event.detail


def test_no_page_deletes_audit_records(auditor_client: Client, world: World) -> None:
    count = AuditEvent.objects.count()
    seq = AuditEvent.objects.latest("seq").seq
    for url in (LIST, reverse("audit:detail", args=[seq]), EXPORT):
        assert auditor_client.delete(url).status_code == 405
        assert auditor_client.post(url).status_code == 405
    assert AuditEvent.objects.count() == count


def test_export_over_the_cap_is_refused_and_not_recorded(
    auditor_client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luoshi.audit.views.MAX_ROWS", 2)
    before = AuditEvent.objects.count()
    response = auditor_client.get(EXPORT, follow=True)
    assert "请缩小日期范围" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_pages_name_objects_fields_states_and_times_in_chinese(auditor_client: Client, world: World) -> None:
    problem = rectifying(world)
    claimed = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).latest("seq")
    listing = auditor_client.get(LIST).content.decode()
    assert f"问题 {problem.number}" in listing
    assert "problems.problem" not in listing.split("<tbody>")[1]
    response = auditor_client.get(reverse("audit:detail", args=[claimed.seq]))
    body = response.content.decode()
    assert f"问题 {problem.number}" in body
    assert ("状态", "待认领", "整改中", True) in response.context["diff"]
    assert f"· {claimed.get_action_display()}" in body
    diff = {label: after for label, _before, after, _changed in response.context["diff"]}
    local = timezone.localtime(problem.claimed_at)
    assert local.utcoffset() == dt.timedelta(hours=8)
    assert diff["认领时间"] == f"{local:%Y-%m-%d %H:%M:%S}"


def test_list_time_and_export_values_are_local_and_chinese(auditor_client: Client, world: World) -> None:
    problem = rectifying(world)
    event = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).latest("seq")
    local = timezone.localtime(event.at)
    listing = auditor_client.get(LIST, {"object_type": "problems.problem"}).content.decode()
    assert f"{local:%Y-%m-%d %H:%M:%S}" in listing
    sheet = load_workbook(io.BytesIO(auditor_client.get(EXPORT, {"object_type": "problems.problem"}).content)).active
    row = list(sheet.iter_rows(values_only=True))[1]
    assert row[6] == "问题"
    assert row[8] == f"问题 {problem.number}"
    after = json.loads(row[11])
    assert after["状态"] == "整改中"
    assert after["认领时间"] == f"{timezone.localtime(problem.claimed_at):%Y-%m-%d %H:%M:%S}"


def test_objects_without_a_model_fall_back_to_their_type_and_id(auditor_client: Client, world: World) -> None:
    event = record(Action.UPDATE, object_type="gone.thing", object_id="5")
    assert event.object_label == "gone.thing #5"
    unit = AuditEvent.objects.filter(object_type="orgs.unit", object_id=str(world.district_a.pk)).latest("seq")
    assert unit.object_label == "单位 东城区（D001）"
