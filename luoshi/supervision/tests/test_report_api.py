"""The supervision reports' API: list with filters, retrieve with versions, generate, actions, download."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.supervision import reports
from luoshi.supervision.choices import ReportState
from luoshi.supervision.models import ReportVersion, SupervisionReport
from luoshi.supervision.tests.factory import build
from luoshi.supervision.tests.test_reports import docx_text, frozen, supervised  # noqa: F401 - the frozen clock
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision-reports/"


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_generate_list_retrieve_act_and_download(world: World) -> None:
    s = supervised(world)
    office = api(world.office_a)
    made = office.post(
        f"{BASE}generate/",
        {"group": s.group.pk, "unit": world.street_a.pk, "due_date": "2099-06-30"},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    report_id = body["report"]["id"]
    assert body["version"]["number"] == 1
    assert body["report"]["allowed_actions"] == ["issue", "generate"]
    assert body["report"]["versions"][0]["sha256"] == ReportVersion.objects.get().sha256
    again = office.post(f"{BASE}generate/", {"group": s.group.pk, "unit": world.street_a.pk}, format="json")
    assert again.json()["version"]["number"] == 2
    listed = office.get(BASE, {"group": str(s.group.pk), "state": "draft"}).json()
    assert [r["id"] for r in listed["results"]] == [report_id]
    assert office.get(BASE, {"state": "issued"}).json()["results"] == []
    assert office.get(BASE, {"group": "x"}).status_code == 400
    detail = office.get(f"{BASE}{report_id}/").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    got = office.get(f"{BASE}{report_id}/download/", {"number": 1})
    assert got.status_code == 200
    assert "整改台账不完整" in docx_text(b"".join(got.streaming_content))  # type: ignore[attr-defined]
    assert office.get(f"{BASE}{report_id}/download/", {"number": "abc"}).status_code == 400
    assert office.get(f"{BASE}{report_id}/download/", {"number": 9}).status_code == 404
    stale = office.post(f"{BASE}{report_id}/actions/issue/", {"version": 1}, format="json")
    assert stale.status_code == 409
    issued = office.post(f"{BASE}{report_id}/actions/issue/", {"note": "印发"}, format="json")
    assert issued.status_code == 200
    assert issued.json()["state"] == ReportState.ISSUED
    assert office.post(f"{BASE}{report_id}/actions/acknowledge/", {}, format="json").status_code == 403
    unit = api(world.liaison_a)
    done = unit.post(f"{BASE}{report_id}/actions/acknowledge/", {"note": "收到"}, format="json")
    assert done.status_code == 200
    assert SupervisionReport.objects.get().state == ReportState.ACKNOWLEDGED
    assert unit.post(f"{BASE}{report_id}/actions/nope/", {}, format="json").status_code == 404


def test_outsiders_find_nothing(world: World) -> None:
    sup = build(world)
    made = api(world.office_a).post(f"{BASE}generate/", {"group": sup.group.pk, "unit": world.street_a.pk})
    report_id = made.json()["report"]["id"]
    outsider = api(world.office_b)
    assert outsider.get(BASE).json()["results"] == []
    assert outsider.get(f"{BASE}{report_id}/").status_code == 404
    assert outsider.get(f"{BASE}{report_id}/download/").status_code == 404
    assert outsider.post(f"{BASE}{report_id}/actions/issue/", {}, format="json").status_code == 404
    refused = outsider.post(f"{BASE}generate/", {"group": sup.group.pk, "unit": world.street_a.pk}, format="json")
    assert refused.status_code == 400
    assert "group" in str(refused.json())
    assert api(world.secadmin).get(BASE).status_code == 403
    assert api(world.secadmin).post(f"{BASE}generate/", {"group": sup.group.pk, "unit": 1}).status_code == 403
    assert APIClient().post(f"{BASE}generate/", {"group": sup.group.pk, "unit": 1}).status_code in (401, 403)
    member = api(sup.member)
    assert member.post(f"{BASE}generate/", {"group": sup.group.pk, "unit": world.street_a.pk}).status_code == 403
    assert api(world.office_a).post(f"{BASE}generate/", {"group": sup.group.pk, "unit": "\x00"}).status_code == 400
    assert SupervisionReport.objects.count() == 1


def test_the_schema_describes_the_report_endpoints() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.supervision.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert {
        "/api/v1/supervision-reports/",
        "/api/v1/supervision-reports/{id}/",
        "/api/v1/supervision-reports/generate/",
        "/api/v1/supervision-reports/{id}/actions/{name}/",
        "/api/v1/supervision-reports/{id}/download/",
    } <= set(schema["paths"])
    assert not [w for w in GENERATOR_STATS._warn_cache if "report" in str(w).lower()]


def test_withdraw_through_the_api_needs_a_reason_and_a_writer(world: World) -> None:
    sup = build(world)
    report = reports.issue_report(
        world.office_a, reports.generate_report(world.office_a, sup.group, world.street_a).report
    )
    office, unit = api(world.office_a), api(world.liaison_a)
    assert office.get(f"{BASE}{report.pk}/").json()["allowed_actions"] == ["withdraw"]
    urged = office.post(f"{BASE}{report.pk}/urge/", {"message": "请尽快签收"}, format="json")
    assert urged.status_code == 201, urged.content
    assert urged.json()[0]["object_id"] == report.pk
    assert office.post(f"{BASE}{report.pk}/actions/withdraw/", {}, format="json").status_code == 400
    assert unit.post(f"{BASE}{report.pk}/actions/withdraw/", {"note": "不签"}, format="json").status_code == 400
    assert (
        api(world.office_b).post(f"{BASE}{report.pk}/actions/withdraw/", {"note": "x"}, format="json").status_code
        == 404
    )
    done = office.post(f"{BASE}{report.pk}/actions/withdraw/", {"note": "内容需补充"}, format="json")
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["issued_at"]) == (ReportState.DRAFT, None)
    assert unit.get(f"{BASE}{report.pk}/").status_code == 404
    assert office.post(f"{BASE}{report.pk}/urge/", {"message": "草稿不催办"}, format="json").status_code == 400
