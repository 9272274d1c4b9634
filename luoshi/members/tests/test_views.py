"""The member register's pages: list (masked phones, filters, scope), detail, forms, 离册, import as a job, export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.jobs.models import Job, JobStatus
from luoshi.members import services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.members.tests.xlsx import row, workbook
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_list_shows_members_in_scope_with_masked_phones_and_filters(client: Client, world: World) -> None:
    mine = make_member(world.street_a, name="王秘书", position="党支部书记", phone="13812345678")
    make_member(world.district_a, name="李干部", kind=MemberKind.CADRE)
    make_member(world.district_b, name="西城人")
    gone = make_member(world.street_a, name="已离开")
    services.deactivate(None, gone)
    page = as_user(client, world.liaison_a).get(reverse("members:list"))
    body = text(page)
    assert page.status_code == 200
    assert "王秘书" in body
    assert "138****5678" in body
    assert "13812345678" not in body
    assert "西城人" not in body
    assert "已离开" not in body
    filtered = text(client.get(reverse("members:list"), {"kind": "cadre"}))
    assert "李干部" in filtered
    assert "王秘书" not in filtered
    assert "王秘书" in text(client.get(reverse("members:list"), {"q": "书记", "unit": str(world.street_a.pk)}))
    assert "已离开" in text(client.get(reverse("members:list"), {"status": "0"}))
    assert client.get(reverse("members:list"), {"unit": "1e99", "page": "x"}).status_code == 200
    assert f"/members/{mine.pk}/" in body


def test_another_districts_member_is_404(client: Client, world: World) -> None:
    member = make_member(world.street_a)
    as_user(client, world.liaison_b)
    for name in ("detail", "edit", "deactivate"):
        assert client.get(reverse(f"members:{name}", args=[member.pk])).status_code == 404
    assert client.post(reverse("members:deactivate", args=[member.pk])).status_code == 404
    assert Member.objects.get(pk=member.pk).active


def test_a_leader_sees_but_does_not_manage(client: Client, world: World) -> None:
    member = make_member(world.street_a, name="看得见")
    as_user(client, world.leader_a)
    page = client.get(reverse("members:detail", args=[member.pk]))
    assert page.status_code == 200
    assert "看得见" in text(page)
    assert reverse("members:edit", args=[member.pk]) not in text(page)
    assert client.get(reverse("members:edit", args=[member.pk])).status_code == 404
    assert client.get(reverse("members:new")).status_code == 403
    assert client.get(reverse("members:import")).status_code == 403


def test_the_liaison_adds_edits_moves_and_takes_a_member_off(client: Client, world: World) -> None:
    as_user(client, world.office_city)
    data = {"number": "V1", "name": "新党员", "kind": "party", "unit": world.street_a.pk, "phone": "13812345678"}
    response = client.post(reverse("members:new"), data)
    member = Member.objects.get(number="V1")
    assert response.status_code == 302
    assert services.phone_of(member) == "13812345678"
    bad = client.post(reverse("members:new"), {**data, "number": "V2", "phone": "123"})
    assert bad.status_code == 200
    assert "手机号" in text(bad)
    assert not Member.objects.filter(number="V2").exists()
    edit = {**data, "name": "改了名", "phone": "", "unit": world.district_b.pk, "current_unit": "NOPE"}
    assert "不存在" in text(client.post(reverse("members:edit", args=[member.pk]), edit))
    edit["current_unit"] = "D002"
    assert client.post(reverse("members:edit", args=[member.pk]), edit).status_code == 302
    member.refresh_from_db()
    assert (member.name, member.unit, member.current_unit) == ("改了名", world.district_b, world.district_b)
    assert services.phone_of(member) == "13812345678"
    form = client.get(reverse("members:edit", args=[member.pk]))
    assert "13812345678" not in text(form)
    client.post(reverse("members:deactivate", args=[member.pk]), {"reason": "转出"})
    assert not Member.objects.get(pk=member.pk).active


def test_moving_to_a_unit_outside_scope_is_refused(client: Client, world: World) -> None:
    member = make_member(world.street_a)
    as_user(client, world.liaison_a)
    data = {"number": member.number, "name": "甲", "kind": "party", "unit": world.district_b.pk}
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).unit == world.street_a


def test_the_import_runs_as_a_job_showing_errors_or_success(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    as_user(client, world.liaison_a)
    assert client.get(reverse("members:import")).status_code == 200
    bad = workbook([row("J1"), row("J2", "", "D002")]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:import"), {"file": SimpleUploadedFile("名册.xlsx", bad, XLSX)})
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.FAILED
    assert {(e["row"], e["column"]) for e in job.result or []} == {(3, "姓名"), (3, "所在单位代码")}
    assert not Member.objects.exists()
    page = text(client.get(reverse("jobs:detail", args=[job.pk])))
    assert "所在单位代码" in page
    good = workbook([row("J1"), row("J2")]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:import"), {"file": SimpleUploadedFile("名册.xlsx", good, XLSX)})
    assert Member.objects.count() == 2
    assert Job.objects.order_by("-id").first().status == JobStatus.SUCCEEDED  # type: ignore[union-attr]
    refused = client.post(reverse("members:import"), {"file": SimpleUploadedFile("a.xlsx", b"plain text", XLSX)})
    assert refused.status_code == 400


def test_the_template_downloads(client: Client, world: World) -> None:
    response = as_user(client, world.liaison_a).get(reverse("members:import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert "党员干部名册" in book.sheetnames


def test_the_export_masks_phones_neutralises_cells_and_follows_filters(client: Client, world: World) -> None:
    make_member(world.street_a, name="=1+1", position="@SUM(A1)", phone="13812345678")
    make_member(world.district_a, name="干部乙", kind=MemberKind.CADRE)
    make_member(world.district_b, name="西城丙")
    response = as_user(client, world.office_a).get(reverse("members:export"), {"unit": world.street_a.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    values = [str(v) for v in rows[1] if v is not None]
    assert "'=1+1" in values
    assert "'@SUM(A1)" in values
    assert "138****5678" in values
    assert all("13812345678" not in v for v in values)
    everything = as_user(client, world.office_a).get(reverse("members:export"))
    text_all = str(list(load_workbook(io.BytesIO(b"".join(everything.streaming_content))).active.values))  # type: ignore
    assert "干部乙" in text_all
    assert "西城丙" not in text_all
    assert client.get(reverse("members:export"), {"unit": "abc"}).status_code == 400
