"""Supervision (督导) as its people live it: a group member files a visit to a street that was already visited twice
this fortnight, sees the pile-up warning and files it anyway with a reason; records the 查 visit and a finding; the
group's leader confirms it and transfers it to a problem; the office generates the street's Word report and
issues it; the street's liaison acknowledges it. The downloaded .docx says what was seen, found and required."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from docx import Document
from playwright.sync_api import expect

from luoshi.access.roles import Role
from luoshi.problems.models import Problem
from luoshi.supervision import services as group_services
from luoshi.supervision.choices import FindingState, ReportState
from luoshi.supervision.models import Finding, SupervisionReport
from luoshi.supervision.tests.factory import SHANGHAI, build
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 5, 11)
FINDING = "整改台账更新不及时"
NOTES = "查阅街道整改台账8本，3月以来未更新。"


@pytest.fixture(autouse=True)
def on_a_monday_in_may() -> Iterator[None]:
    """The journey runs on 2026-05-11 in Shanghai, inside the campaign (the clock ticks on from there)."""
    start = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=True):
        yield


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [" | ".join(c.text for c in row.cells) for table in document.tables for row in table.rows]
    return "\n".join(lines)


def plan_visit(member: Any, world: World) -> None:
    member.get_by_role("link", name="计划走访").click()
    member.get_by_label("督导单位").select_option(value=str(world.street_a.pk))
    member.get_by_label("走访日期").fill(TODAY.isoformat())
    member.get_by_label("人数").fill("3")
    member.get_by_label("人员").fill("王组长、张组员、李组员")
    member.get_by_label("看（察看现场）").uncheck()
    member.get_by_label("查（查阅台账）").check()
    member.get_by_label("走访事由").fill("核查问题整改台账")
    member.get_by_role("button", name="报备走访").click()


def test_a_group_visits_finds_transfers_and_the_street_acknowledges_its_report(open_as, world, tmp_path):
    sup = build(world)
    group = sup.group
    group_services.add_checklist_item(world.office_city, world.campaign, text="台账规范", max_score="10")
    for day in (dt.date(2026, 5, 4), dt.date(2026, 5, 7)):  # two visits this fortnight: the third one warns
        group_services.plan_visit(
            sup.fresh(sup.member), group, unit=world.street_a, date=day, headcount=2, team="先期走访组", kinds=["looks"]
        )
    make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")

    # the member files the visit: the calendar warns, the member goes on with a reason
    member = open_as("zuyuan")
    member.goto(f"/supervision/groups/{group.pk}/")
    plan_visit(member, world)
    expect(member.locator("#rule-hits")).to_contain_text("提醒")
    member.shots("visit-warned")
    member.get_by_label("仍需走访的理由").fill("群众反映整改台账长期未更新，需现场核查。")
    member.get_by_role("button", name="报备走访").click()
    expect(member.get_by_role("alert")).to_contain_text("走访已报备")
    row = member.locator("#visits tr", has_text=TODAY.isoformat())
    expect(row).to_contain_text("越过提醒")

    # the member records the 查 visit and a finding
    row.get_by_role("link", name="记录").click()
    member.get_by_label("走访情况").fill(NOTES)
    member.get_by_label("台账规范（满分 10.0）").fill("6")
    member.get_by_role("button", name="保存走访记录").click()
    expect(member.get_by_role("alert")).to_contain_text("走访已记录")
    member.goto(f"/supervision/groups/{group.pk}/")
    member.get_by_role("link", name="记录发现").click()
    member.get_by_label("被督导单位").select_option(value=str(world.street_a.pk))
    member.get_by_label("方面").select_option(label="作风建设")
    member.get_by_label("标题").fill(FINDING)
    member.get_by_label("具体情况").fill("3月以来整改台账未更新，多项整改无佐证。")
    member.get_by_label("整改要求").fill("一周内补齐整改台账和佐证材料。")
    member.get_by_label("完成时限").fill("2026-06-30")
    member.get_by_role("button", name="保存").click()
    expect(member.get_by_role("alert")).to_contain_text("督导发现已记录")
    finding_url = member.url
    member.shots("finding")

    # the leader confirms it and transfers it to the street's problem list
    leader = open_as("zuzhang")
    leader.goto(finding_url)
    leader.get_by_role("link", name="确认发现").click()
    leader.get_by_role("button", name="确认发现").click()
    expect(leader.get_by_role("alert")).to_contain_text("督导发现已确认")
    leader.get_by_role("link", name="转为问题").click()
    leader.get_by_role("button", name="转为问题").click()
    expect(leader.get_by_role("alert")).to_contain_text("已转为问题")
    expect(leader.locator("#problem-link")).to_be_visible()
    found = Finding.objects.get(title=FINDING)
    assert found.state == FindingState.TRANSFERRED
    assert found.problem is not None
    assert Problem.objects.get(supervision_finding=found).unit == world.street_a

    # the office generates the street's Word report and issues it
    office = open_as("office_a")
    office.goto(f"/supervision/reports/?group={group.pk}")
    office.get_by_role("link", name="生成督导报告").click()
    office.get_by_label("被督导单位").select_option(value=str(world.street_a.pk))
    office.get_by_label("整改时限").fill("2026-06-30")
    office.get_by_role("button", name="生成").click()
    expect(office.get_by_role("alert")).to_contain_text("已生成督导报告第 1 版")
    expect(office.locator("#status .state")).to_have_text("草稿")
    with office.expect_download() as caught:
        office.locator("#versions").get_by_role("link", name="下载").click()
    saved = tmp_path / "report.docx"
    caught.value.save_as(saved)
    assert caught.value.suggested_filename.endswith(".docx")
    text = docx_text(saved.read_bytes())
    assert "东城第一督导组关于东城街道的督导反馈报告" in text
    assert f"2026年5月11日 | 查 | 3 | {NOTES}" in text
    assert "台账规范 | 1 | 10.0 | 6.0" in text
    assert f"【问题】{FINDING}" in text
    assert "（已转入问题清单跟踪整改）" in text
    assert f"{FINDING}：一周内补齐整改台账和佐证材料。（完成时限：2026年6月30日）" in text
    assert "请于2026年6月30日前完成整改" in text
    office.locator("#actions").get_by_role("link", name="印发").click()
    office.get_by_label("说明").fill("请对照问题抓好整改。")
    office.get_by_role("button", name="印发").click()
    expect(office.get_by_role("alert")).to_contain_text("督导报告已印发")
    expect(office.locator("#status .state")).to_have_text("已印发")
    report_url = office.url
    office.shots("issued")

    # the street's liaison acknowledges it with a reply
    street = open_as("liaison_s")
    street.goto("/supervision/reports/mine/")
    expect(street.locator("#reports")).to_contain_text("东城街道")
    street.locator("#reports").get_by_role("link", name="签收").click()
    street.get_by_label("回复意见").fill("已收到，立即组织整改。")
    street.get_by_role("button", name="签收").click()
    expect(street.get_by_role("alert")).to_contain_text("已签收督导报告")
    expect(street.locator("#status .state")).to_have_text("已签收")
    street.shots("acknowledged")
    assert SupervisionReport.objects.get().state == ReportState.ACKNOWLEDGED

    office.goto(report_url)
    expect(office.locator("#timeline")).to_contain_text("已收到，立即组织整改。")
