"""Classes of study through their services: scope, audit, roster, attendance marks, leave requests."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from luoshi.audit.models import AuditEvent
from luoshi.campaigns.models import Campaign
from luoshi.core.downloads import XLSX_TYPE as XLSX
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.members.choices import MemberKind
from luoshi.members.tests.factory import make_member
from luoshi.study import services
from luoshi.study.choices import AttendanceStatus, ClassKind, HalfDay
from luoshi.study.models import Attendance, ClassMember, LeaveRequest, StudyClass, StudySession
from luoshi.study.tests.classes_factory import DAY, enrol, make_class, make_sessions, members
from luoshi.testing.world import World, make_user
from luoshi.tracking.choices import RequestState

pytestmark = pytest.mark.django_db


def audited(obj: object, action: str | None = None) -> int:
    found = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))  # type: ignore[attr-defined]
    return found.filter(action=action).count() if action else found.count()


def test_a_reading_class_needs_ten_half_days_by_default_others_none(world: World) -> None:
    reading = services.create_class(world.liaison_a, campaign=world.campaign, unit=world.street_a, topic="读书班")
    central = services.create_class(
        world.liaison_a, campaign=world.campaign, unit=world.street_a, topic="集中学习", kind=ClassKind.CENTRAL
    )
    assert reading.min_half_days == services.READING_MIN_HALF_DAYS == 10
    assert central.min_half_days == 0
    assert services.default_min_half_days(ClassKind.TOPIC) == 0
    assert reading.org_path == world.street_a.path
    assert reading.created_by == world.liaison_a
    assert audited(reading, "create") == 1


def test_an_organiser_outside_the_unit_is_refused_and_the_campaign_office_may(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.create_class(world.liaison_b, campaign=world.campaign, unit=world.district_a, topic="越权")
    with pytest.raises(NotAllowed):  # a leader holds no ORGANISE_STUDY
        services.create_class(world.leader_a, campaign=world.campaign, unit=world.district_a, topic="越权")
    made = services.create_class(world.office_city, campaign=world.campaign, unit=world.district_b, topic="市里办")
    assert made.unit == world.district_b
    assert services.may_organise(world.office_city, world.campaign, world.street_a.path)
    assert not services.may_organise(world.office_b, world.campaign, world.street_a.path)
    assert StudyClass.objects.count() == 1


def test_rules_on_classes(world: World) -> None:
    with pytest.raises(RuleViolation):
        services.create_class(world.office_city, campaign=world.campaign, unit=world.city, topic="  ")
    with pytest.raises(RuleViolation):
        services.create_class(world.office_city, campaign=world.campaign, unit=world.city, topic="甲", kind="x")
    with pytest.raises(RuleViolation):
        services.create_class(
            world.office_city, campaign=world.campaign, unit=world.city, topic="甲", min_half_days=999
        )
    services.check_unit(world.campaign, world.street_a)  # inside: no refusal
    assert services.clean_text(" 甲 ", "主题", 10) == "甲"


def test_update_class_is_audited_with_what_changed(world: World) -> None:
    made = make_class(world)
    with pytest.raises(NotAllowed):
        services.update_class(world.office_b, made, topic="改")
    changed = services.update_class(world.liaison_a, made, topic="新主题", min_half_days=12)
    assert (changed.topic, changed.min_half_days) == ("新主题", 12)
    event = AuditEvent.objects.filter(object_id=str(made.pk), action="update").latest("seq")
    assert event.after == {"min_half_days": 12, "topic": "新主题"}


def test_a_session_is_one_half_day_with_its_own_secret(world: World) -> None:
    made = make_class(world)
    first = services.add_session(world.liaison_a, made, date=DAY, half=HalfDay.MORNING, place="党校")
    second = services.add_session(world.liaison_a, made, date=DAY, half=HalfDay.AFTERNOON)
    assert len(first.secret) == 64
    assert first.secret != second.secret
    assert first.org_path == made.org_path
    assert first.campaign == world.campaign
    with pytest.raises(RuleViolation, match="已有场次"):
        services.add_session(world.liaison_a, made, date=DAY, half=HalfDay.MORNING)
    with pytest.raises(NotAllowed):
        services.add_session(world.liaison_b, made, date=DAY, half=HalfDay.EVENING)
    assert StudySession.objects.filter(study_class=made).count() == 2
    assert audited(first, "create") == 1


def test_roster_from_the_register_by_subtree_kind_and_position(world: World) -> None:
    made = make_class(world)
    secretary = make_member(world.street_a, position="党支部书记")
    cadre = make_member(world.street_a, kind=MemberKind.CADRE, position="科员")
    make_member(world.district_b, position="党支部书记")
    added = services.roster_from_register(world.liaison_a, made, unit=world.district_a, position="书记")
    assert added == 1
    assert services.roster_from_register(world.liaison_a, made, unit=world.district_a, kind=MemberKind.CADRE) == 1
    assert services.roster_from_register(world.liaison_a, made, unit=world.district_a) == 0  # nobody new
    assert set(ClassMember.objects.filter(study_class=made).values_list("member", flat=True)) == {
        secretary.pk,
        cadre.pk,
    }
    assert set(services.register_members(world.city, position="书记")) >= {secretary}
    assert audited(made, "update") == 3
    with pytest.raises(NotAllowed):
        services.roster_from_register(world.liaison_b, made, unit=world.district_b)


def test_roster_by_numbers_refuses_the_whole_list_for_one_unknown_number(world: World) -> None:
    made = make_class(world)
    one, two = make_member(world.street_a, number="A001"), make_member(world.district_b, number="B001")
    assert services.parse_numbers("A001, B001；A001\nC9") == ["A001", "B001", "C9"]
    with pytest.raises(RuleViolation, match="C9"):
        services.roster_from_numbers(world.liaison_a, made, "A001 B001 C9")
    assert not ClassMember.objects.filter(study_class=made).exists()
    assert services.roster_from_numbers(world.liaison_a, made, "A001\nB001") == 2
    with pytest.raises(RuleViolation):
        services.roster_from_numbers(world.liaison_a, made, " ")
    services.remove_from_roster(world.liaison_a, made, two)
    assert list(ClassMember.objects.filter(study_class=made).values_list("member", flat=True)) == [one.pk]
    assert audited(made, "delete") == 1


def test_the_organiser_marks_attendance_from_the_roster_in_one_go(world: World) -> None:
    made = make_class(world)
    session = make_sessions(made, 1)[0]
    a, b, c = members(world.street_a, 3)
    stranger = make_member(world.street_a)
    enrol(made, a, b, c)
    marks = {a.pk: AttendanceStatus.PRESENT, b.pk: AttendanceStatus.LATE, c.pk: AttendanceStatus.ABSENT}
    assert services.mark_attendance(world.liaison_a, session, marks) == 3
    assert services.mark_attendance(world.liaison_a, session, marks) == 0
    rows = dict(Attendance.objects.filter(session=session).values_list("member", "status"))
    assert rows == {a.pk: "present", b.pk: "late", c.pk: "absent"}
    assert Attendance.objects.get(session=session, member=a).org_path == world.street_a.path
    with pytest.raises(RuleViolation, match="不在"):
        services.mark_attendance(world.liaison_a, session, {stranger.pk: AttendanceStatus.PRESENT})
    with pytest.raises(RuleViolation):
        services.mark_attendance(world.liaison_a, session, {a.pk: "gone"})
    with pytest.raises(NotAllowed):
        services.mark_attendance(world.liaison_b, session, {a.pk: AttendanceStatus.ABSENT})
    assert audited(session, "update") == 2


def test_all_present_marks_only_those_not_yet_marked(world: World) -> None:
    made = make_class(world)
    session = make_sessions(made, 1)[0]
    a, b = members(world.street_a, 2)
    enrol(made, a, b)
    services.mark_attendance(world.liaison_a, session, {a.pk: AttendanceStatus.ABSENT})
    assert services.mark_all_present(world.liaison_a, session) == 1
    assert dict(Attendance.objects.filter(session=session).values_list("member", "status")) == {
        a.pk: "absent",
        b.pk: "present",
    }


def test_leave_is_filed_by_the_organiser_or_the_member_and_decided_by_another(world: World) -> None:
    made = make_class(world, unit=world.street_a)
    session = make_sessions(made, 1)[0]
    login = make_user("member_a")
    own = make_member(world.street_a, user=login)
    other = make_member(world.street_a)
    enrol(made, own, other)
    assert services.may_request_leave(login, session, own)
    assert not services.may_request_leave(login, session, other)
    with pytest.raises(NotAllowed):
        services.request_leave(login, session, other, reason="代请")
    asked = services.request_leave(login, session, own, reason="出差")
    with pytest.raises(RuleViolation, match="待审批"):
        services.request_leave(world.liaison_a, session, own, reason="又请")
    with pytest.raises(NotAllowed):
        services.decide_leave(world.liaison_b, asked, approve=True)
    assert services.may_decide_leave(world.liaison_a, asked)
    decided = services.decide_leave(world.liaison_a, asked, approve=True, note="同意")
    assert decided.state == RequestState.APPROVED
    assert decided.decided_by == world.liaison_a
    assert Attendance.objects.get(session=session, member=own).status == AttendanceStatus.LEAVE
    with pytest.raises(RuleViolation, match="已审批"):
        services.decide_leave(world.office_a, decided, approve=False)
    assert audited(asked, "create") == 1
    assert audited(asked, "update") == 1


def test_nobody_decides_their_own_leave_request(world: World) -> None:
    made = make_class(world)
    session = make_sessions(made, 1)[0]
    member = make_member(world.street_a)
    enrol(made, member)
    asked = services.request_leave(world.liaison_a, session, member, reason="生病")
    assert not services.may_decide_leave(world.liaison_a, asked)
    with pytest.raises(RuleViolation, match="自己"):
        services.decide_leave(world.liaison_a, asked, approve=True)
    refused = services.decide_leave(world.office_a, asked, approve=False, note="会议重要")
    assert refused.state == RequestState.REJECTED
    assert not Attendance.objects.filter(session=session).exists()
    assert LeaveRequest.objects.get().decision_note == "会议重要"


def test_leave_only_for_a_member_on_the_roster(world: World) -> None:
    made = make_class(world)
    session = make_sessions(made, 1, start=dt.date(2026, 6, 1))[0]
    outsider = make_member(world.street_a)
    with pytest.raises(RuleViolation, match="不在"):
        services.request_leave(world.liaison_a, session, outsider, reason="无")
    with pytest.raises(NotAllowed):
        services.require_organiser(world.leader_a, world.campaign, world.district_a.path)


def test_add_to_roster_leaves_out_people_outside_the_campaign(world: World) -> None:
    own = services.create_class(world.office_a, campaign=campaign_of_district_a(world), unit=world.street_a, topic="甲")
    inside, outside = make_member(world.street_a), make_member(world.district_b)
    with pytest.raises(NotAllowed):
        services.add_to_roster(world.liaison_b, own, [inside])
    assert services.add_to_roster(world.liaison_a, own, [inside, outside, inside]) == 1
    assert list(ClassMember.objects.filter(study_class=own).values_list("member", flat=True)) == [inside.pk]


def campaign_of_district_a(world: World) -> Campaign:
    return Campaign.objects.create(
        name="东城专项", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )


def workbook(*numbers: str, header: str = "编号") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([header, "姓名"])
    for number in numbers:
        sheet.append([number, "某某"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue(), content_type=XLSX)


def test_roster_from_a_workbook_is_all_or_nothing_with_errors_by_row(world: World) -> None:
    made = make_class(world)
    make_member(world.street_a, number="X001")
    make_member(world.street_a, number="X002")
    with pytest.raises(services.RosterRejected) as refused:
        services.roster_from_workbook(world.liaison_a, made, workbook("X001", "NOPE", "X002"))
    assert [(e.row, e.column, e.value) for e in refused.value.errors] == [(3, "编号", "NOPE")]
    assert not ClassMember.objects.filter(study_class=made).exists()
    with pytest.raises(services.RosterRejected):
        services.roster_from_workbook(world.liaison_a, made, workbook("X001", header="工号"))
    with pytest.raises(NotAllowed):
        services.roster_from_workbook(world.liaison_b, made, workbook("X001"))
    assert services.roster_from_workbook(world.liaison_a, made, workbook("X001", "X002", "X001")) == 2
