"""Reports in, figures out (工作报告): a liaison uploads two reports at once, watches them being processed,
corrects a figure in place, reads the claims check against the problem list, and finds the inconsistent
claim first on the unit's page."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from e2e.conftest import PHONE
from luoshi.jobs.models import Job
from luoshi.problems import services as problem_services
from luoshi.reports import services
from luoshi.reports.models import Figure, Report
from luoshi.reports.tests.helpers import docx_bytes, upload
from luoshi.testing.problems import closed, rectifying

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = (
    "东城区主题教育工作情况报告\n"
    "东城区委主题教育领导小组办公室　2026年3月5日\n"
    "主题教育开展以来，东城区坚持学查改一体推进，区委常委会开展集中学习15次，举办读书班3期，"
    "深入基层调研走访群众1200余人次。\n"
    "检视整改方面，全区共查摆问题4个，已整改销号3个，制定整改措施2项，群众满意率达到96.5%。\n"
    "下一步，东城区将持续巩固整改成果，确保问题整改到位。\n"
)
BRIEFING = (
    "东城区主题教育简报（第5期）",
    "本周东城区组织专题研讨6场，区级领导干部到联系点宣讲12次，覆盖党员干部800余人。",
)
TOLERANCE = 2


@pytest.fixture
def default_rules(db: None) -> None:
    """The platform's default claims-check rules, seeded by a data migration (a flushed database lacks them)."""
    importlib.import_module("luoshi.reports.migrations.0002_default_rules").add_defaults(apps, None)


@pytest.fixture
def held_jobs(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], None]]:
    """Report jobs wait here instead of running at once, so the pages show them pending until released."""
    held: list[Callable[[], None]] = []
    queue = services.start_job

    def hold(job: Job, body: str, *, atomic: bool = True) -> None:
        held.append(lambda: queue(job, body, atomic=atomic))

    monkeypatch.setattr(services, "start_job", hold)
    return held


def district_problems(world: Any) -> None:
    """东城区 records 4 problems, 2 of them closed, and 2 measures: the report claims 3 closed."""
    closed(world, title="窗口服务态度生硬")
    closed(world, title="办事指南更新不及时")
    rectifying(world, title="会议文件过多")
    problem = rectifying(world, title="基层报表负担重")
    for text in ("精简合并报表", "建立报表准入制度"):
        problem_services.add_measure(
            world.leader_a,
            problem,
            text=text,
            owner_unit=world.district_a,
            deadline=dt.date.today() + dt.timedelta(days=20),
            owner_name="张某某",
        )


def claim_row(page: Any, figure_text: str) -> Any:
    return page.locator("#claims tbody tr").filter(has=page.get_by_role("link", name=figure_text, exact=True))


def upload_two(page: Any, world: Any, tmp_path: Path) -> None:
    summary = tmp_path / "东城区工作情况报告.txt"
    summary.write_text(SUMMARY, encoding="utf-8")
    briefing = tmp_path / "东城区简报第5期.docx"
    briefing.write_bytes(docx_bytes(*BRIEFING))
    page.goto("/reports/")
    page.get_by_role("link", name="上传报告").click()
    page.get_by_label("活动").select_option(label=world.campaign.name)
    page.get_by_label("报送单位").select_option(value=str(world.district_a.pk))
    page.get_by_label("报告类型").select_option(label="总结")
    page.get_by_label("报告文件").set_input_files([str(summary), str(briefing)])
    page.shots("upload-form")
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("已上传 2 份报告，正在后台处理。")


def report_row(page: Any, title: str) -> Any:
    return page.locator("#report-rows tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))


def watch_processing(page: Any, held: list[Callable[[], None]]) -> None:
    rows = {"东城区工作情况报告": "7", "东城区简报第5期": "3"}
    for title in rows:
        expect(report_row(page, title)).to_contain_text("待处理")
    page.shots("list-pending")
    assert len(held) == 2
    for release in held:
        release()
    for title, count in rows.items():
        expect(report_row(page, title)).to_contain_text("已完成")
        expect(report_row(page, title).locator("td").nth(5)).to_have_text(count)
    page.shots("list-done")


def read_claims(page: Any) -> None:
    expect(page.locator("#report-text mark.figure")).to_have_count(7)
    for text in ("15次", "1200余人次", "4个", "3个", "2项", "96.5%"):
        expect(page.locator("#report-text mark.figure", has_text=text).first).to_be_visible()
    closed_claim = claim_row(page, "3个")
    expect(closed_claim.locator(".badge")).to_have_text("不一致")
    expect(closed_claim).to_contain_text("报告称 3个，平台记录 2。")
    expect(claim_row(page, "4个").locator(".badge")).to_have_text("一致")
    expect(claim_row(page, "4个")).to_contain_text("报告称 4个，平台记录 4。")
    expect(claim_row(page, "2项").locator(".badge")).to_have_text("一致")


def correct_in_place(page: Any, report: Report) -> None:
    figure = report.figures.get(text="15次")
    item = page.locator(f"#figure-{figure.pk}")
    item.get_by_role("link", name="校正").click()
    form = page.locator(f"#figure-{figure.pk} form")
    expect(form).to_contain_text("原句：")
    form.get_by_label("数值", exact=True).fill("16")
    form.get_by_label("主题").fill("区委常委会集中学习")
    page.shots("figure-form")
    form.get_by_role("button", name="保存").click()
    expect(form).to_have_count(0)
    expect(item).to_contain_text("数值 16次")
    expect(item).to_contain_text("区委常委会集中学习")
    expect(item).to_contain_text("原提取：15次（确数）")
    expect(page.locator(f"#mark-{figure.pk}")).to_have_class("figure corrected")
    assert page.url.endswith(f"/reports/{report.pk}/")
    figure.refresh_from_db()
    assert (figure.value, figure.original_value, figure.version) == (16, 15, 2)


def test_liaison_uploads_two_reports_corrects_a_figure_and_the_claims_are_checked(
    open_as: Any, world: Any, tmp_path: Path, default_rules: None, held_jobs: list[Callable[[], None]]
) -> None:
    district_problems(world)
    liaison = open_as("liaison_a")
    upload_two(liaison, world, tmp_path)
    watch_processing(liaison, held_jobs)

    liaison.get_by_role("link", name="东城区工作情况报告", exact=True).click()
    expect(liaison.locator("h1")).to_contain_text("已完成")
    read_claims(liaison)
    liaison.shots("report")
    correct_in_place(liaison, Report.objects.get(title="东城区工作情况报告"))
    liaison.shots("report-corrected")

    liaison.get_by_role("link", name="东城区", exact=True).click()
    panel = liaison.locator("#unit-claims")
    expect(panel.locator("h2")).to_contain_text("1 处不一致")
    first = panel.locator("tbody tr").first
    expect(first.locator(".badge")).to_have_text("不一致")
    expect(first).to_contain_text("报告称 3个，平台记录 2。")
    expect(panel.locator("tbody tr.claim-consistent")).to_have_count(2)
    liaison.shots("unit-claims")


def test_report_page_fits_a_phone(open_as: Any, world: Any, default_rules: None) -> None:
    report = upload(world, SUMMARY, title="东城区主题教育工作情况报告（全文）")
    figure = report.figures.get(text="3个")
    phone = open_as("liaison_a", PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/reports/{report.pk}/")
    expect(phone.locator("#report-text mark.figure")).to_have_count(Figure.objects.filter(report=report).count())
    expect(claim_row(phone, "3个").locator(".badge")).to_have_text("不一致")
    expect(phone.locator(f"#figure-{figure.pk}").get_by_role("link", name="校正")).to_be_visible()
    phone.shots("report")
    width = phone.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert width - PHONE["width"] <= TOLERANCE
