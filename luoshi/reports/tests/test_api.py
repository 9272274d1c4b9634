"""The reports API: reports and figures read within scope; PATCH corrects a figure through the service."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from luoshi.audit.models import AuditEvent
from luoshi.reports.models import Figure
from luoshi.reports.tests.helpers import CLAIMS_TEXT, upload
from luoshi.testing.problems import closed

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_report_detail_has_text_figures_and_claims(world) -> None:
    closed(world)
    report = upload(world, CLAIMS_TEXT)
    body = api(world.leader_a).get(f"/api/v1/reports/{report.pk}/").json()
    assert body["text"] == report.text
    assert body["status"] == "done"
    assert body["unit_name"] == "东城区"
    assert [f["text"] for f in body["figures"]] == ["3个", "2个", "1项", "4个"]
    claims = {c["text"]: (c["measure"], c["verdict"], c["actual"]) for c in body["claims"]}
    assert claims["2个"] == ("problems_closed", "inconsistent", 1)
    assert claims["4个"] == ("supervision_groups", "inconsistent", 0)


def test_lists_hold_only_the_scope(world) -> None:
    east = upload(world, CLAIMS_TEXT)
    west = upload(world, "检视问题2个。", actor=world.liaison_b, unit=world.district_b)
    listed = api(world.office_b).get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in listed] == [west.pk]
    figures = api(world.office_a).get("/api/v1/figures/", {"report": east.pk}).json()["results"]
    assert len(figures) == 4
    assert {f["report"] for f in figures} == {east.pk}
    assert api(world.office_b).get("/api/v1/figures/", {"report": east.pk}).json()["results"] == []
    assert api(world.office_b).get(f"/api/v1/reports/{east.pk}/").status_code == 404


def test_patch_corrects_a_figure_and_is_audited(world) -> None:
    figure = upload(world, "已整改销号问题5个。").figures.get()
    answer = api(world.liaison_a).patch(
        f"/api/v1/figures/{figure.pk}/", {"version": 1, "value": 4, "subject": "销号问题"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["value"], body["original_value"], body["corrected"], body["version"]) == (4, 5, True, 2)
    assert AuditEvent.objects.filter(object_type="reports.figure", object_id=str(figure.pk)).exists()


@pytest.mark.parametrize(
    ("username", "data", "status"),
    [
        ("leader_a", {"version": 1, "value": 4}, 403),
        ("liaison_b", {"version": 1, "value": 4}, 404),
        ("liaison_a", {"version": 9, "value": 4}, 409),
        ("liaison_a", {"version": 1, "value": 4, "value_max": 3}, 400),
        ("liaison_a", {"value": 4}, 400),
    ],
)
def test_refused_patch_changes_nothing(world, username, data, status) -> None:
    figure = upload(world, "已整改销号问题5个。").figures.get()
    answer = api(world.users[username]).patch(f"/api/v1/figures/{figure.pk}/", data, format="json")
    assert answer.status_code == status
    assert Figure.objects.get(pk=figure.pk).value == 5


def test_schema_describes_reports_and_figures(world) -> None:
    schema = api(world.office_a).get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/reports/", "/api/v1/reports/{id}/", "/api/v1/figures/", "/api/v1/figures/{id}/"} <= set(
        schema["paths"]
    )
    assert "patch" in schema["paths"]["/api/v1/figures/{id}/"]
    assert "PatchedFigureCorrectionInputRequest" in schema["components"]["schemas"]
