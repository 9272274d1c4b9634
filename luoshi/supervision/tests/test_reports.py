"""The supervision report (督导反馈报告): generating versions, the Word document's content read back with python-docx,
identical bytes on re-render, issuing and acknowledging, scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.storage import default_storage
from docx import Document

from luoshi.access.roles import Role
from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices.models import Notification
from luoshi.orgs.models import Unit
from luoshi.supervision import documents, reports
from luoshi.supervision import services as group_services
from luoshi.supervision.choices import EventKind, FindingKind, FindingState, MemberRole, ReportState
from luoshi.supervision.models import (
    ChecklistScore,
    Finding,
    GroupMember,
    Questionnaire,
    ReportEvent,
    ReportVersion,
    SupervisionGroup,
    SupervisionReport,
    VisitRecord,
)
from luoshi.supervision.tests.factory import TODAY, Sup, build, finding, on
from luoshi.testing.world import World, make_user

DUE = dt.date(2099, 6, 30)


# --- a supervised unit ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    """Every report test runs on 2026-05-11 in Shanghai (inside the campaign; visits of March are past)."""
    with on(TODAY):
        yield


@dataclass
class Supervised:
    sup: Sup
    unit: Unit
    records: list[VisitRecord]
    findings: list[Finding]

    @property
    def group(self) -> SupervisionGroup:
        return self.sup.group


def visit(
    sup: Sup,
    day: dt.date,
    kinds: tuple[str, ...],
    notes: str,
    scores: dict[int, str] | None = None,
    questionnaires: tuple[dict[str, Any], ...] = (),
) -> VisitRecord:
    """A visit to 东城街道 planned by the group's member on the calendar and recorded (notes, scores, surveys)."""
    planned = group_services.plan_visit(
        sup.fresh(sup.member),
        sup.group,
        unit=sup.world.street_a,
        date=day,
        headcount=3,
        team="张督导、李督导、王督导",
        kinds=kinds,
        override_reason="按计划开展督导",
    )
    return group_services.record_visit(
        sup.fresh(sup.member), planned, sup.group, notes=notes, scores=scores, questionnaires=questionnaires
    )


def supervised(world: World) -> Supervised:
    """东城街道 visited twice by 东城第一督导组 (听/查 then 看/访 with a questionnaire), scored, with findings in every
    state: the document must show the confirmed and transferred ones only."""
    sup = build(world)
    office = world.office_city  # the campaign's office sets the checklist
    ledger = group_services.add_checklist_item(office, world.campaign, text="台账规范", max_score="10")
    service = group_services.add_checklist_item(office, world.campaign, text="为民服务", max_score="20")
    first = visit(
        sup,
        dt.date(2026, 3, 2),
        ("hears", "checks"),
        "听取街道工作汇报，查阅整改台账12本。",
        scores={ledger.pk: "8"},
    )
    survey = {
        "topic": "社区服务满意度",
        "respondents": 20,
        "satisfied": 15,
        "basically_satisfied": 3,
        "dissatisfied": 2,
    }
    second = visit(
        sup,
        dt.date(2026, 3, 20),
        ("looks", "talks"),
        "实地查看社区服务中心，走访群众20人。",
        scores={ledger.pk: "7", service.pk: "18"},
        questionnaires=(survey,),
    )
    aspects = world.aspects
    found = [
        finding(
            sup,
            FindingState.CONFIRMED,
            title="整改台账不完整",
            description="整改台账不完整的具体情况",
            aspect=aspects[2],
            visit_record=first,
            requirement="补齐2026年以来的整改台账",
            due_date=dt.date(2099, 5, 31),
        ),
        finding(
            sup,
            FindingState.TRANSFERRED,
            title="服务窗口推诿扯皮",
            description="服务窗口推诿扯皮的具体情况",
            aspect=aspects[3],
            kind=FindingKind.RISK,
            visit_record=second,
            requirement="建立首问负责制",
            due_date=dt.date(2099, 4, 30),
        ),
        finding(
            sup,
            FindingState.CONFIRMED,
            title="网格员走访经验",
            description="网格员每周入户",
            aspect=aspects[3],
            kind=FindingKind.PRACTICE,
            requirement="",
            due_date=None,
        ),
        finding(
            sup,
            FindingState.CONFIRMED,
            title="宣传栏内容陈旧",
            description="宣传栏仍是去年内容",
            aspect=aspects[3],
            requirement="",
            due_date=None,
        ),
        finding(sup, FindingState.DRAFT, title="草稿中的发现"),
        finding(sup, FindingState.DISMISSED, title="已排除的发现"),
    ]
    return Supervised(sup, world.street_a, [first, second], found)


def more_finding(s: Supervised, title: str) -> Finding:
    return finding(s.sup, FindingState.CONFIRMED, title=title, description=f"{title}的情况")


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def stored_bytes(version: ReportVersion) -> bytes:
    with default_storage.open(version.file.name, "rb") as handle:
        return handle.read()


# --- generating ---------------------------------------------------------------------------------------------


def test_generate_makes_the_report_and_a_version_whose_document_tells_what_was_seen_found_and_required(
    world: World,
) -> None:
    s = supervised(world)
    version = reports.generate_report(world.office_a, s.group, s.unit, due_date=DUE)
    report = version.report
    assert (report.state, report.round, report.due_date, report.org_path) == (
        ReportState.DRAFT,
        1,
        DUE,
        world.street_a.path,
    )
    data = stored_bytes(version)
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    text = docx_text(data)
    # what was seen: each visit's date, kinds, headcount and notes; the questionnaire's counts and rate
    assert "东城第一督导组关于东城街道的督导反馈报告" in text
    assert "于2026年3月2日至2026年3月20日对你单位开展第1轮督导，共走访2次" in text
    assert "听取汇报1次、实地查看1次、查阅台账1次、走访群众1次" in text
    assert "1 | 2026年3月2日 | 听、查 | 3 | 听取街道工作汇报，查阅整改台账12本。" in text
    assert "2 | 2026年3月20日 | 看、访 | 3 | 实地查看社区服务中心，走访群众20人。" in text
    assert "2026年3月20日 | 社区服务满意度 | 20 | 15 | 3 | 2 | 90.0%" in text
    # the checklist score, as the groups' ranking sums it: 台账规范 scored twice (8 + 7 of 20), 为民服务 18 of 20
    assert "台账规范 | 2 | 20.0 | 15.0" in text
    assert "为民服务 | 1 | 20.0 | 18.0" in text
    assert "合计 | — | 40.0 | 33.0" in text
    assert "累计得分33.0分（满分40.0分），得分率82.5%" in text
    # what was found, by aspect and kind; drafts and dismissed findings are not reported
    assert "（一）作风建设" in text
    assert "1. 【问题】整改台账不完整。整改台账不完整的具体情况" in text
    assert "（二）为民服务" in text
    assert "【风险隐患】服务窗口推诿扯皮。服务窗口推诿扯皮的具体情况（已转入问题清单跟踪整改）" in text
    assert "【经验做法】网格员走访经验" in text
    assert "草稿中的发现" not in text
    assert "已排除的发现" not in text
    # what is required, by when (a finding without a due date takes the report's)
    assert "1. 整改台账不完整：补齐2026年以来的整改台账（完成时限：2099年5月31日）" in text
    assert "服务窗口推诿扯皮：建立首问负责制（完成时限：2099年4月30日）" in text
    assert "宣传栏内容陈旧：对照问题认真整改，举一反三、建章立制。（完成时限：2099年6月30日）" in text
    assert "网格员走访经验：" not in text
    assert "请于2099年6月30日前完成整改，并将整改情况书面报送东城第一督导组。" in text
    event = ReportEvent.objects.get(report=report, kind=EventKind.GENERATED)
    assert event.actor == world.office_a
    assert "1" in event.note
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="supervision.supervisionreport").exists()


def test_a_unit_never_visited_gets_a_report_that_says_so(world: World) -> None:
    sup = build(world)
    text = docx_text(stored_bytes(reports.generate_report(world.office_a, sup.group, world.street_a)))
    assert "目前尚无走访记录" in text
    assert "本轮督导未评分。" in text
    assert "本轮督导未发现需要反馈的问题。" in text
    assert "请认真对照反馈问题抓好整改" in text


def test_every_version_is_kept_and_the_same_data_renders_the_same_bytes(world: World) -> None:
    s = supervised(world)
    first = reports.generate_report(world.office_a, s.group, s.unit)
    again = reports.generate_report(s.sup.fresh(s.sup.leader), s.group, s.unit)  # the group's leader
    assert (first.number, again.number) == (1, 2)
    assert first.report_id == again.report_id
    assert first.sha256 == again.sha256
    assert stored_bytes(first) == stored_bytes(again) == documents.render_report(first.report)
    more_finding(s, "新发现的问题")
    third = reports.generate_report(world.office_a, s.group, s.unit, due_date=DUE)
    assert third.number == 3
    assert third.sha256 != first.sha256
    assert "新发现的问题" in docx_text(stored_bytes(third))
    assert "新发现的问题" not in docx_text(stored_bytes(first))
    assert ReportVersion.objects.filter(report=first.report).count() == 3
    assert all(default_storage.exists(v.file.name) for v in ReportVersion.objects.all())
    assert SupervisionReport.objects.get().due_date == DUE


def test_another_round_is_another_report(world: World) -> None:
    sup = build(world)
    one = reports.generate_report(world.office_a, sup.group, world.street_a)
    two = reports.generate_report(world.office_a, sup.group, world.street_a, round=2)
    assert one.report_id != two.report_id
    assert two.number == 1
    with pytest.raises(RuleViolation):
        reports.generate_report(world.office_a, sup.group, world.street_a, round=0)


def test_who_may_generate(world: World) -> None:
    sup = build(world)
    group = sup.group
    for user in (world.liaison_a, world.office_b, world.leader_a, world.supervisor_a, sup.member, world.nobody):
        with pytest.raises(NotAllowed):
            reports.generate_report(sup.fresh(user), group, world.street_a)
    assert not SupervisionReport.objects.exists()
    assert reports.generate_report(world.office_city, group, world.street_a).number == 1  # the office above
    assert reports.may_write(sup.fresh(sup.leader), group, world.street_a)
    group_services.end_assignment(world.office_a, sup.assignment, dt.date(2026, 5, 1))
    assert not reports.may_write(sup.fresh(sup.leader), group, world.street_a)
    with pytest.raises(NotAllowed):  # the leader loses the unit with the assignment
        reports.generate_report(sup.fresh(sup.leader), group, world.street_a)
    assert reports.generate_report(world.office_a, group, world.street_a).number == 2  # the office still may


def test_only_assigned_units_and_future_due_dates(world: World) -> None:
    sup = build(world)
    with pytest.raises(RuleViolation) as refused:
        reports.generate_report(world.office_a, sup.group, sup.street_a2)
    assert refused.value.code == "unit"
    with pytest.raises(RuleViolation) as late:
        reports.generate_report(world.office_a, sup.group, world.street_a, due_date=dt.date(2026, 5, 10))
    assert late.value.code == "due_date"
    assert not SupervisionReport.objects.exists()


# --- issuing and acknowledging ------------------------------------------------------------------------------


def test_issue_freezes_the_report_and_the_unit_acknowledges_it_with_a_reply(world: World) -> None:
    s = supervised(world)
    report = reports.generate_report(world.office_a, s.group, s.unit).report
    assert reports.available_actions(world.office_a, report) == ["issue", "generate"]
    assert reports.available_actions(world.liaison_a, report) == []
    issued = reports.issue_report(s.sup.fresh(s.sup.leader), report, note="请认真整改")
    assert issued.state == ReportState.ISSUED
    assert issued.issued_at is not None
    with pytest.raises(RuleViolation) as frozen_report:
        reports.generate_report(world.office_a, s.group, s.unit)
    assert frozen_report.value.code == "illegal_transition"
    assert ReportVersion.objects.filter(report=report).count() == 1
    assert reports.available_actions(world.liaison_a, issued) == ["acknowledge"]
    done = reports.acknowledge_report(world.liaison_a, issued, note="已收到，立即整改")
    assert done.state == ReportState.ACKNOWLEDGED
    assert done.acknowledged_by == world.liaison_a
    assert done.acknowledged_at is not None
    assert ReportEvent.objects.get(report=report, kind=EventKind.ACKNOWLEDGED).note == "已收到，立即整改"


def test_a_report_without_a_document_cannot_be_issued(world: World) -> None:
    sup = build(world)
    report = SupervisionReport.objects.create(group=sup.group, unit=world.street_a, org_path=world.street_a.path)
    assert "issue" not in reports.available_actions(world.office_a, report)
    with pytest.raises(RuleViolation):
        reports.issue_report(world.office_a, report)


def test_downloads_are_scope_checked_and_audited(world: World) -> None:
    sup = build(world)
    version = reports.generate_report(world.office_a, sup.group, world.street_a)
    with pytest.raises(NotAllowed):  # a draft is not the unit's to read yet
        reports.open_version(world.liaison_a, version)
    reports.issue_report(world.office_a, version.report)
    stream, name = reports.open_version(world.liaison_a, version)
    with stream:
        assert stream.read() == stored_bytes(version)
    assert name == reports.download_name(version) == "东城街道督导反馈报告（第1轮·第1版）.docx"
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(version.pk)).count() == 1
    for outsider in (world.office_b, world.liaison_b, world.secadmin):
        with pytest.raises(NotAllowed):
            reports.open_version(outsider, version)
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(version.pk)).count() == 1


def test_a_member_of_another_group_sees_no_report(world: World) -> None:
    sup = build(world)
    reports.generate_report(world.office_a, sup.group, world.street_a)
    other = group_services.create_group(world.office_b, campaign=world.campaign, unit=world.district_b, name="西城组")
    stranger = make_user("stranger_b", Role.LIAISON, world.district_b, "西城督导")
    group_services.add_member(world.office_b, other, stranger, MemberRole.LEADER)
    assert not SupervisionReport.objects.visible_to(sup.fresh(stranger), "view").exists()
    assert SupervisionReport.objects.visible_to(sup.fresh(sup.member), "view").count() == 1
    assert GroupMember.objects.filter(user=stranger).count() == 1


def test_the_score_sums_each_item_over_its_visits(world: World) -> None:
    s = supervised(world)
    facts = documents.unit_facts(SupervisionReport(group=s.group, unit=s.unit))
    assert [(i.text, i.times, str(i.scored), str(i.possible)) for i in facts.items] == [
        ("台账规范", 2, "15.0", "20.0"),
        ("为民服务", 1, "18.0", "20.0"),
    ]
    assert facts.score is not None
    assert str(facts.score.percent) == "82.5"
    assert [r.pk for r in facts.records] == [r.pk for r in s.records]
    assert ChecklistScore.objects.filter(record__in=s.records).count() == 3
    assert Questionnaire.objects.get(record=s.records[1]).respondents == 20
    assert documents.item_scores([]) == []


def test_a_draft_is_read_by_its_writers_and_the_group_the_unit_reads_it_once_issued(world: World) -> None:
    sup = build(world)
    report = reports.generate_report(world.office_a, sup.group, world.street_a).report
    readers = (world.office_a, world.office_city, sup.fresh(sup.leader), sup.fresh(sup.member))
    assert all(list(reports.visible_reports(user)) == [report] for user in readers)
    for user in (world.liaison_a, world.leader_a, world.supervisor_a, world.office_b, world.secadmin):
        assert not reports.visible_reports(user).exists()
    reports.issue_report(world.office_a, report)
    assert list(reports.visible_reports(world.liaison_a)) == [report]
    assert not reports.visible_reports(world.office_b).exists()


def test_issuing_tells_the_unit_and_acknowledging_tells_the_leader(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    sup = build(world)
    street = make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    report = reports.generate_report(world.office_a, sup.group, world.street_a).report
    with django_capture_on_commit_callbacks(execute=True):
        issued = reports.issue_report(world.office_a, report)
    told = Notification.objects.get(recipient=street)
    assert told.url == reports.report_url(report)
    assert "东城第一督导组" in told.title
    with django_capture_on_commit_callbacks(execute=True):
        reports.acknowledge_report(street, issued, note="收到")
    assert "东城街道已签收" in Notification.objects.get(recipient=sup.leader).title


# --- withdrawing and urging -----------------------------------------------------------------------------------


def test_the_writers_withdraw_an_issued_report_with_a_reason_until_the_unit_acknowledges_it(world: World) -> None:
    s = supervised(world)
    report = reports.generate_report(world.office_a, s.group, s.unit).report
    issued = reports.issue_report(world.office_a, report)
    assert reports.available_actions(world.office_a, issued) == ["withdraw"]
    assert reports.available_actions(world.liaison_a, issued) == ["acknowledge"]
    for reader in (world.liaison_a, s.sup.fresh(s.sup.member)):  # they read the report but did not write it
        with pytest.raises(RuleViolation) as refused:
            reports.withdraw_report(reader, issued, note="撤回")
        assert "只有派出督导组的单位或督导组组长" in str(refused.value)
    with pytest.raises(NotAllowed):
        reports.withdraw_report(world.office_b, issued, note="越权撤回")
    with pytest.raises(RuleViolation) as no_reason:
        reports.withdraw_report(world.office_a, issued, note="  ")
    assert no_reason.value.code == "note"
    back = reports.withdraw_report(s.sup.fresh(s.sup.leader), issued, note="整改时限有误")
    assert (back.state, back.issued_at) == (ReportState.DRAFT, None)
    assert ReportEvent.objects.get(report=report, kind=EventKind.WITHDRAWN).note == "整改时限有误"
    assert not reports.visible_reports(world.liaison_a).exists()
    version = reports.generate_report(world.office_a, s.group, s.unit, due_date=DUE)
    assert version.number == 2
    again = reports.issue_report(world.office_a, version.report)
    done = reports.acknowledge_report(world.liaison_a, again, note="收到")
    with pytest.raises(RuleViolation) as too_late:
        reports.withdraw_report(world.office_a, done, note="再改一次")
    assert too_late.value.code == "illegal_transition"
    assert AuditEvent.objects.filter(object_id=str(report.pk), detail__contains="撤回").count() == 1


def test_withdrawing_tells_the_unit_it_need_not_acknowledge(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    sup = build(world)
    street = make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    report = reports.generate_report(world.office_a, sup.group, world.street_a).report
    issued = reports.issue_report(world.office_a, report)
    with django_capture_on_commit_callbacks(execute=True):
        reports.withdraw_report(world.office_a, issued, note="内容需补充")
    told = Notification.objects.get(recipient=street)
    assert "已撤回" in told.title
    assert told.url == "/supervision/reports/mine/"


def test_an_issued_report_is_urged_until_the_unit_acknowledges_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from luoshi.urging import services as urging

    sup = build(world)
    street = make_user("liaison_s", Role.LIAISON, world.street_a, "东城街道联络员")
    report = reports.generate_report(world.office_a, sup.group, world.street_a).report
    with pytest.raises(RuleViolation):  # a draft is the writers' own work
        urging.urge(world.office_a, [report], message="请签收")
    issued = reports.issue_report(world.office_a, report)
    with django_capture_on_commit_callbacks(execute=True):
        [urge] = urging.urge(world.office_a, [issued], message="请尽快签收督导反馈报告")
    assert (urge.unit_id, urge.url) == (world.street_a.pk, reports.report_url(report))
    assert urge.title == "督导反馈报告：东城第一督导组 · 东城街道"
    assert Notification.objects.filter(recipient=street, kind="urged").exists()
    with pytest.raises(NotAllowed):
        urging.urge(world.office_b, [issued], message="越权催办")
    done = reports.acknowledge_report(world.liaison_a, issued)
    with pytest.raises(RuleViolation):
        urging.urge(world.office_a, [done], message="已签收的不再催办")
