"""The campaign's report page: generating through the job, downloading, and who may do either."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.analysis import services
from luoshi.analysis.models import MonthlySnapshot
from luoshi.analysis.render import DOCX_TYPE, PROBLEM_HEADER
from luoshi.analysis.tests.data import MONTH, build, by_name, open_docx, problem_counts, table_with, text_of
from luoshi.audit.models import Action, AuditEvent
from luoshi.campaigns import services as campaign_services
from luoshi.jobs.models import Job, JobStatus
from luoshi.testing.scope_matrix import response_text
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def district_campaign(world: World) -> Any:
    return campaign_services.create_campaign(
        world.office_a,
        unit=world.district_a,
        name="东城专项",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def test_the_office_generates_a_report_as_a_job_and_downloads_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    build(world)
    client = signed_in(world.office_city)
    page = client.get(reverse("analysis:campaign", kwargs={"pk": world.campaign.pk}))
    assert page.status_code == 200
    assert "生成月度报告" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("analysis:generate", kwargs={"pk": world.campaign.pk}), {"month": MONTH})
    assert answer.status_code == 302
    job = Job.objects.get(kind=services.JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED, job.log
    snapshot = MonthlySnapshot.objects.get()
    assert isinstance(job.result, dict)
    assert job.result["snapshot"] == snapshot.pk
    assert snapshot.created_by == world.office_city
    page = client.get(reverse("analysis:campaign", kwargs={"pk": world.campaign.pk}))
    url = reverse("analysis:download", kwargs={"pk": snapshot.pk})
    assert url in page.content.decode()
    got = client.get(url)
    assert got.status_code == 200
    assert got["Content-Type"] == DOCX_TYPE
    data = b"".join(got.streaming_content)  # type: ignore[attr-defined]
    document = open_docx(data)
    assert "测试主题教育 2026年10月 工作分析报告" in text_of(document)
    rows = by_name(table_with(document, PROBLEM_HEADER))
    assert rows[world.district_a.name][1] == str(problem_counts(world, world.district_a)["total"])
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="analysis.monthlysnapshot").count() == 1


def test_the_campaign_page_links_to_the_reports_for_their_readers_only(world: World) -> None:
    url = reverse("campaigns:detail", kwargs={"pk": world.campaign.pk})
    target = reverse("analysis:campaign", kwargs={"pk": world.campaign.pk})
    assert target in signed_in(world.office_city).get(url).content.decode()
    assert target not in signed_in(world.office_b).get(url).content.decode()


def test_a_bad_month_is_a_form_error_not_a_job(world: World) -> None:
    client = signed_in(world.office_city)
    for month in ("2026-13", "abc", "2099-01", ""):
        answer = client.post(reverse("analysis:generate", kwargs={"pk": world.campaign.pk}), {"month": month})
        assert answer.status_code == 400
    assert not Job.objects.exists()


def test_district_b_can_neither_see_generate_nor_download_district_as_reports(world: World) -> None:
    campaign = district_campaign(world)
    snapshot = services.generate_report(world.office_a, campaign, dt.date(2026, 4, 1))
    for user in (world.office_b, world.liaison_b, world.leader_b):
        client = signed_in(user)
        assert client.get(reverse("analysis:campaign", kwargs={"pk": campaign.pk})).status_code == 404
        generate = client.post(reverse("analysis:generate", kwargs={"pk": campaign.pk}), {"month": "2026-04"})
        assert generate.status_code == 404
        assert client.get(reverse("analysis:download", kwargs={"pk": snapshot.pk})).status_code == 404
    assert MonthlySnapshot.objects.count() == 1
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_citys_report_is_for_the_city_not_for_a_district(world: World) -> None:
    """The city's report compares every district: a district office cannot open or make it."""
    snapshot = services.generate_report(world.office_city, world.campaign, dt.date(2026, 10, 1))
    client = signed_in(world.office_a)
    assert client.get(reverse("analysis:campaign", kwargs={"pk": world.campaign.pk})).status_code == 404
    assert client.get(reverse("analysis:download", kwargs={"pk": snapshot.pk})).status_code == 404


def test_a_reader_without_the_office_role_downloads_but_cannot_generate(world: World) -> None:
    campaign = district_campaign(world)
    snapshot = services.generate_report(world.office_a, campaign, dt.date(2026, 4, 1))
    client = signed_in(world.liaison_a)
    page = client.get(reverse("analysis:campaign", kwargs={"pk": campaign.pk}))
    assert page.status_code == 200
    assert 'name="month"' not in page.content.decode()
    assert (
        client.post(reverse("analysis:generate", kwargs={"pk": campaign.pk}), {"month": "2026-04"}).status_code == 403
    )
    got = client.get(reverse("analysis:download", kwargs={"pk": snapshot.pk}))
    assert got.status_code == 200
    assert "东城专项 2026年4月 工作分析报告" in response_text(got)
    stream, name = services.open_document(world.liaison_a, snapshot)
    stream.close()
    assert name == "东城专项 2026年4月 工作分析报告.docx"


def test_the_demo_makes_last_months_report_as_the_office_would(world: World) -> None:
    from luoshi.demo.analysis import build_monthly_report, last_month

    assert build_monthly_report() is None  # no demo campaign in this world
    snapshot = build_monthly_report(world.campaign, today=dt.date(2026, 11, 15))
    assert snapshot is not None
    assert snapshot.month == last_month(dt.date(2026, 11, 15)) == dt.date(2026, 10, 1)
    assert snapshot.created_by == world.office_city
    page = signed_in(world.office_city).get(reverse("analysis:campaign", kwargs={"pk": world.campaign.pk}))
    assert reverse("analysis:download", kwargs={"pk": snapshot.pk}) in page.content.decode()
    assert build_monthly_report(world.campaign, today=dt.date(2026, 1, 10)) is None  # before the campaign
