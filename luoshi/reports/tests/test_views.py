"""The report pages: upload, the highlighted text, correction through HTMX, rules and the unit's panel."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.reports import services
from luoshi.reports.choices import ReportStatus
from luoshi.reports.models import ClaimRule, Figure, Report
from luoshi.reports.tests.helpers import CLAIMS_TEXT, txt, upload
from luoshi.testing.problems import closed
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def post_upload(client, world, *files, **extra):
    data = {"campaign": world.campaign.pk, "unit": world.district_a.pk, "kind": "summary", "documents": list(files)}
    return client.post(reverse("reports:upload"), {**data, **extra})


def test_upload_page_runs_the_jobs_and_opens_the_report(client, world, django_capture_on_commit_callbacks) -> None:
    verified_login(client, world.liaison_a)
    assert "东城街道" in client.get(reverse("reports:upload")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, world, txt("共排查问题38个，已整改销号36个。"), title="上半年总结")
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert report.title == "上半年总结"
    assert report.status == ReportStatus.DONE
    marks = re.findall(r'<mark id="mark-(\d+)" class="figure"[^>]*>([^<]+)</mark>', page)
    assert [text for _pk, text in marks] == ["38个", "36个"]
    assert "不一致" in page
    assert "平台记录 0" in page


def test_many_files_lead_to_the_list(client, world, django_capture_on_commit_callbacks) -> None:
    verified_login(client, world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, world, txt("检视问题4个。", "甲.txt"), txt("整改措施3项。", "乙.txt"))
    assert response["Location"] == reverse("reports:list") + f"?campaign={world.campaign.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "甲" in page
    assert "乙" in page
    assert page.count("已完成") >= 2


def test_list_polls_while_a_report_is_pending(client, world) -> None:
    verified_login(client, world.liaison_a)
    (pending,) = services.upload_reports(world.liaison_a, world.campaign, world.district_a, [txt("检视问题4个。")])
    assert 'hx-trigger="every 2s"' in client.get(reverse("reports:list")).content.decode()
    services.process_report(pending)
    assert "hx-trigger" not in client.get(reverse("reports:list")).content.decode()


def test_bad_file_is_shown_on_the_form_and_nothing_stored(client, world) -> None:
    verified_login(client, world.liaison_a)
    response = post_upload(client, world, SimpleUploadedFile("空白.txt", b""))
    assert response.status_code == 200
    assert "文件「空白.txt」是空文件" in response.content.decode()
    assert not Report.objects.exists()


def test_leader_cannot_open_the_upload_page(client, world) -> None:
    verified_login(client, world.leader_a)
    assert client.get(reverse("reports:upload")).status_code == 403


def test_failed_report_says_why(client, world, django_capture_on_commit_callbacks) -> None:
    verified_login(client, world.liaison_a)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world, SimpleUploadedFile("图片.pdf", b"%PDF-1.4\n%%EOF\n"))
    report = Report.objects.get()
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert report.status == ReportStatus.FAILED
    assert "处理失败" in page
    assert report.failure in page


def test_leader_reads_the_report_but_cannot_correct(client, world) -> None:
    report = upload(world, CLAIMS_TEXT)
    figure = report.figures.order_by("start")[0]
    verified_login(client, world.leader_a)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert figure.text in page
    assert "校正" not in page.split('id="claims"')[1]
    url = reverse("reports:figure_edit", args=[report.pk, figure.pk])
    assert client.get(url, **HTMX).status_code == 403
    assert client.post(url, {"value": 1, "approx": "exact", "version": 1}).status_code == 403
    assert Figure.objects.get(pk=figure.pk).value == figure.value


def test_correction_through_htmx_is_audited(client, world) -> None:
    report = upload(world, "已整改销号问题5个。")
    figure = report.figures.get()
    url = reverse("reports:figure_edit", args=[report.pk, figure.pk])
    verified_login(client, world.liaison_a)
    form = client.get(url, **HTMX).content.decode()
    assert 'name="value"' in form
    assert "原句：" in form
    data = {"value": "1", "unit": "个", "approx": "exact", "change": "", "subject": "销号问题", "version": "1"}
    answer = client.post(url, data, **HTMX).content.decode()
    assert f'id="figure-{figure.pk}"' in answer
    assert "原提取：5个" in answer
    assert 'hx-swap-oob="true"' in answer
    figure.refresh_from_db()
    assert (figure.value, figure.subject, figure.original_value) == (1, "销号问题", 5)
    assert AuditEvent.objects.filter(object_type="reports.figure", object_id=str(figure.pk), actor=world.liaison_a)


def test_bad_or_stale_correction_comes_back_on_the_form(client, world) -> None:
    report = upload(world, "已整改销号问题5个。")
    figure = report.figures.get()
    url = reverse("reports:figure_edit", args=[report.pk, figure.pk])
    verified_login(client, world.office_a)
    bad = client.post(url, {"value": "3", "value_max": "2", "approx": "exact", "version": "1"}, **HTMX)
    assert "上限 2.0 必须大于数值 3.0" in bad.content.decode()
    stale = client.post(url, {"value": "3", "approx": "exact", "version": "7"}, **HTMX)
    assert "已被他人校正" in stale.content.decode()
    assert Figure.objects.get(pk=figure.pk).version == 1


def test_correction_without_htmx_goes_back_to_the_report(client, world) -> None:
    report = upload(world, "已整改销号问题5个。")
    figure = report.figures.get()
    url = reverse("reports:figure_edit", args=[report.pk, figure.pk])
    verified_login(client, world.office_a)
    assert "校正报告数字" in client.get(url).content.decode()
    response = client.post(url, {"value": "5", "approx": "exact", "excluded": "on", "version": "1"})
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert Figure.objects.get(pk=figure.pk).excluded
    assert "原提取" in client.get(url + "?cancel=1", **HTMX).content.decode()


def test_reprocess_button(client, world, django_capture_on_commit_callbacks) -> None:
    report = upload(world, "已整改销号问题5个。")
    verified_login(client, world.liaison_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:reprocess", args=[report.pk]))
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DONE


def test_list_filters_by_campaign_and_status(client, world) -> None:
    upload(world, "检视问题4个。", title="东城总结")
    upload(world, "检视问题2个。", actor=world.liaison_b, unit=world.district_b, title="西城总结")
    verified_login(client, world.office_city)
    page = client.get(reverse("reports:list"), {"campaign": world.campaign.pk, "status": "done"}).content.decode()
    assert "东城总结" in page
    assert "西城总结" in page
    assert reverse("reports:export") in page
    verified_login(client, world.leader_b)
    page = client.get(reverse("reports:list")).content.decode()
    assert "西城总结" in page
    assert "东城总结" not in page


def test_rules_page_adds_edits_and_deletes(client, world) -> None:
    url = reverse("reports:rules") + f"?campaign={world.campaign.pk}"
    verified_login(client, world.office_city)
    assert "平台默认规则" in client.get(url).content.decode()
    response = client.post(url, {"pattern": "督导组", "units": "个", "measure": "ignore", "order": "1"})
    assert response.status_code == 302
    rule = ClaimRule.objects.get(campaign=world.campaign)
    client.post(reverse("reports:rule_edit", args=[rule.pk]), {"pattern": "巡察组", "measure": "ignore"})
    assert ClaimRule.objects.get(pk=rule.pk).pattern == "巡察组"
    bad = client.post(url, {"pattern": "((", "measure": "ignore"})
    assert "不是有效的正则表达式" in bad.content.decode()
    client.post(reverse("reports:rule_delete", args=[rule.pk]))
    assert not ClaimRule.objects.filter(campaign=world.campaign).exists()


def test_district_office_reads_the_city_rules_but_may_not_add(client, world) -> None:
    url = reverse("reports:rules") + f"?campaign={world.campaign.pk}"
    verified_login(client, world.office_a)
    assert "新增规则" not in client.get(url).content.decode()
    assert client.post(url, {"pattern": "督导组", "measure": "ignore"}).status_code == 403
    assert not ClaimRule.objects.filter(campaign=world.campaign).exists()


def test_unit_page_loads_the_consistency_panel_inconsistent_first(client, world) -> None:
    closed(world)
    upload(world, "已整改销号问题1个。", title="一致的总结")
    upload(world, "全区检视问题44个，已整改销号38个。", title="夸大的简报")
    verified_login(client, world.leader_a)
    unit_page = client.get(reverse("orgs:detail", args=[world.district_a.pk])).content.decode()
    panel_url = reverse("reports:unit_claims", args=[world.district_a.pk])
    assert panel_url in unit_page
    panel = client.get(panel_url, **HTMX).content.decode()
    assert "2 处不一致" in panel
    verdicts = re.findall(r'<tr class="claim-(\w+)">', panel)
    assert verdicts == ["inconsistent", "inconsistent", "consistent"]
    assert panel.index("夸大的简报") < panel.index("一致的总结")
    assert "平台记录 1" in panel


def test_menu_has_reports(client, world) -> None:
    verified_login(client, world.leader_a)
    assert reverse("reports:list") in client.get(reverse("problems:list")).content.decode()


def test_list_counts_figures_for_the_page_rows_only(client, world, django_capture_on_commit_callbacks) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    verified_login(client, world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world, txt("检视问题4个，整改措施3项。", "甲.txt"), txt("检视问题5个。", "乙.txt"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:list")).content.decode()
    joined = [q["sql"] for q in queries.captured_queries if "reports_figure" in q["sql"]]
    assert len(joined) == 1  # the page's rows, by id; the count and the seek never join the figures
    assert " IN (" in joined[0]
    cells = re.findall(r'<td class="text-end">(\d+)</td>', page)
    assert sorted(cells) == ["1", "2"]
