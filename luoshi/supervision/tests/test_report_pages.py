"""Pages of the supervision report: the list, the generate form, the report with its versions, issue and
acknowledge through their action pages, the version download, the unit's 我的督导报告; scope of each."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.audit.models import Action, AuditEvent
from luoshi.supervision import reports
from luoshi.supervision.choices import ReportState
from luoshi.supervision.models import ReportVersion, SupervisionReport
from luoshi.supervision.tests.factory import build
from luoshi.supervision.tests.test_reports import docx_text, frozen, supervised  # noqa: F401 - the frozen clock
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_office_generates_issues_and_the_unit_acknowledges_through_the_pages(client: Client, world: World) -> None:
    s = supervised(world)
    as_user(client, world.office_a)
    listed = client.get(f"/supervision/reports/?group={s.group.pk}")
    assert listed.status_code == 200
    assert "生成督导报告" in text(listed)
    assert f'<option value="{s.group.pk}" selected>东城第一督导组</option>' in text(listed)
    form = client.get(f"/supervision/reports/new/?group={s.group.pk}&unit={world.street_a.pk}")
    assert form.status_code == 200
    assert "东城街道" in text(form)
    made = client.post(
        f"/supervision/reports/new/?group={s.group.pk}",
        {"unit": world.street_a.pk, "round": 1, "due_date": "2099-06-30"},
    )
    report = SupervisionReport.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reports.report_url(report) == f"/supervision/reports/{report.pk}/"
    page = client.get(f"/supervision/reports/{report.pk}/")
    assert "第 1 版" in text(page)
    assert f"/supervision/reports/{report.pk}/issue/" in text(page)
    version = ReportVersion.objects.get()
    got = client.get(f"/supervision/reports/versions/{version.pk}/")
    assert got.status_code == 200
    assert "attachment" in got["Content-Disposition"]
    assert "整改台账不完整" in docx_text(b"".join(got.streaming_content))  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(version.pk)).exists()
    again = client.post(f"/supervision/reports/{report.pk}/generate/", {"due_date": ""})
    assert again.status_code == 302
    assert ReportVersion.objects.filter(report=report).count() == 2
    assert client.get(f"/supervision/reports/{report.pk}/issue/").status_code == 200
    issued = client.post(f"/supervision/reports/{report.pk}/issue/", {"note": "请抓好整改", "version": 3})
    assert issued.status_code == 302
    assert SupervisionReport.objects.get().state == ReportState.ISSUED
    timeline = text(client.get(f"/supervision/reports/{report.pk}/"))
    assert "（草稿 → 已印发）" in timeline
    assert "请抓好整改" in timeline

    unit = Client()
    as_user(unit, world.liaison_a)
    mine = unit.get("/supervision/reports/mine/")
    assert mine.status_code == 200
    assert f"/supervision/reports/{report.pk}/acknowledge/" in text(mine)
    done = unit.post(f"/supervision/reports/{report.pk}/acknowledge/", {"note": "已收到", "version": 4})
    assert done.status_code == 302
    assert SupervisionReport.objects.get().state == ReportState.ACKNOWLEDGED
    assert "没有需要签收的督导报告" in text(unit.get("/supervision/reports/mine/"))
    assert "东城街道" in text(unit.get("/supervision/reports/mine/?todo=0"))


def test_the_group_leader_generates_but_a_member_may_not(client: Client, world: World) -> None:
    sup = build(world)
    as_user(client, sup.member)
    assert client.get(f"/supervision/reports/new/?group={sup.group.pk}").status_code == 403
    leader = Client()
    as_user(leader, sup.leader)
    made = leader.post(f"/supervision/reports/new/?group={sup.group.pk}", {"unit": world.street_a.pk, "round": 1})
    assert made.status_code == 302
    report = SupervisionReport.objects.get()
    assert client.get(f"/supervision/reports/{report.pk}/").status_code == 200  # members read it
    refused = client.get(f"/supervision/reports/{report.pk}/issue/")
    assert "当前不能执行" in text(refused)


def test_district_b_and_bad_ids(client: Client, world: World) -> None:
    sup = build(world)
    version = reports.generate_report(world.office_a, sup.group, world.street_a)
    report = version.report
    as_user(client, world.office_b)
    for url in (
        f"/supervision/reports/{report.pk}/",
        f"/supervision/reports/{report.pk}/issue/",
        f"/supervision/reports/{report.pk}/generate/",
        f"/supervision/reports/versions/{version.pk}/",
        f"/supervision/reports/new/?group={sup.group.pk}",
        f"/supervision/reports/?group={sup.group.pk}",
    ):
        assert client.get(url).status_code == 404, url
    outside = text(client.get("/supervision/reports/"))
    assert "东城街道" not in outside
    assert "东城第一督导组" not in outside
    assert client.get("/supervision/reports/mine/").status_code == 403  # an office acknowledges no report
    assert client.post(f"/supervision/reports/{report.pk}/issue/", {"note": "x"}).status_code == 404
    assert SupervisionReport.objects.get().state == ReportState.DRAFT
    assert client.get("/supervision/reports/?group=abc").status_code == 400
    assert client.get("/supervision/reports/?unit=1%002").status_code == 400
    assert client.get("/supervision/reports/new/?group=-1").status_code == 404


def test_the_generate_form_refuses_a_past_due_date(client: Client, world: World) -> None:
    sup = build(world)
    as_user(client, world.office_a)
    page = client.post(
        f"/supervision/reports/new/?group={sup.group.pk}",
        {"unit": world.street_a.pk, "round": 1, "due_date": "2020-01-01"},
    )
    assert page.status_code == 200
    assert "整改时限不能早于今天" in text(page)
    assert not SupervisionReport.objects.exists()


def test_the_office_withdraws_an_issued_report_with_a_reason_and_may_urge_it(client: Client, world: World) -> None:
    sup = build(world)
    report = reports.issue_report(
        world.office_a, reports.generate_report(world.office_a, sup.group, world.street_a).report
    )
    as_user(client, world.office_a)
    page = text(client.get(f"/supervision/reports/{report.pk}/"))
    assert f"/supervision/reports/{report.pk}/withdraw/" in page
    assert "/urging/new/?type=supervision.supervisionreport" in page
    assert "撤回原因" in text(client.get(f"/supervision/reports/{report.pk}/withdraw/"))
    blank = client.post(f"/supervision/reports/{report.pk}/withdraw/", {"note": "", "version": report.version})
    assert blank.status_code == 200
    assert SupervisionReport.objects.get().state == ReportState.ISSUED
    done = client.post(
        f"/supervision/reports/{report.pk}/withdraw/", {"note": "整改时限有误", "version": report.version}
    )
    assert done.status_code == 302
    assert SupervisionReport.objects.get().state == ReportState.DRAFT
    draft = text(client.get(f"/supervision/reports/{report.pk}/"))
    assert "（已印发 → 草稿）" in draft
    assert "整改时限有误" in draft
    assert "/urging/new/" not in draft
    unit = Client()
    as_user(unit, world.liaison_a)
    assert unit.get(f"/supervision/reports/{report.pk}/").status_code == 404
    assert unit.post(f"/supervision/reports/{report.pk}/withdraw/", {"note": "x"}).status_code == 404


def test_the_filter_form_swaps_the_results_and_their_heading(client: Client, world: World) -> None:
    sup = build(world)
    report = reports.generate_report(world.office_a, sup.group, world.street_a).report
    as_user(client, world.office_a)
    htmx = {"HX-Request": "true", "HX-Target": "reports"}
    swapped = text(client.get("/supervision/reports/", {"group": str(sup.group.pk), "state": "draft"}, headers=htmx))
    assert "<html" not in swapped
    assert f"/supervision/reports/{report.pk}/" in swapped
    assert 'id="report-head" hx-swap-oob="true"' in swapped
    assert "东城第一督导组 · 督导反馈报告" in swapped
    assert "生成督导报告" in swapped
    issued_only = text(client.get("/supervision/reports/", {"state": "issued"}, headers=htmx))
    assert f"/supervision/reports/{report.pk}/" not in issued_only
    assert client.get("/supervision/reports/", {"group": "abc"}, headers=htmx).status_code == 400
    outsider = Client()
    as_user(outsider, world.office_b)
    assert f"/supervision/reports/{report.pk}/" not in text(outsider.get("/supervision/reports/", headers=htmx))


def test_the_office_picks_issued_reports_on_the_list_to_urge_them(client: Client, world: World) -> None:
    sup = build(world)
    issued = reports.issue_report(
        world.office_a, reports.generate_report(world.office_a, sup.group, world.street_a).report
    )
    draft = reports.generate_report(world.office_a, sup.group, world.street_a, round=2).report
    as_user(client, world.office_a)
    page = text(client.get("/supervision/reports/"))
    assert 'value="supervision.supervisionreport"' in page
    assert f'name="ids" value="{issued.pk}"' in page
    assert f'name="ids" value="{draft.pk}"' not in page
    form = client.get("/urging/new/", {"type": "supervision.supervisionreport", "ids": str(issued.pk)})
    assert form.status_code == 200
    assert "督导反馈报告：东城第一督导组 · 东城街道" in text(form)
    unit = Client()
    as_user(unit, world.liaison_a)
    assert 'name="ids"' not in text(unit.get("/supervision/reports/"))
