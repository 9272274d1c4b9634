"""The pages of classes of study as organisers, members and district B use them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.members.tests.factory import make_member
from luoshi.study import rotations, services
from luoshi.study.choices import AttendanceStatus
from luoshi.study.models import Attendance, ClassMember, LeaveRequest, StudyClass, StudySession, TrainingRotation
from luoshi.study.tests.classes_factory import enrol, make_class, make_sessions
from luoshi.study.tests.test_classes_services import workbook
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World, make_user
from luoshi.tracking.choices import RequestState

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    verified_login(client, user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_the_class_list_and_page_show_half_days_and_a_red_warning_below_ten(client: Client, world: World) -> None:
    short = make_class(world, topic="东城读书班")
    make_sessions(short, 4)
    full = make_class(world, topic="东城第二读书班")
    make_sessions(full, 10)
    c = as_user(client, world.liaison_a)
    listed = text(c.get(reverse("study:index"), {"campaign": world.campaign.pk}))
    assert "东城读书班" in listed
    assert "1 个班次未达最少半天数" in listed
    page = c.get(reverse("study:class", args=[short.pk]))
    assert page.status_code == 200
    assert 'id="short"' in text(page)
    assert "少于最少 10 个半天" in text(page)
    assert 'id="short"' not in text(c.get(reverse("study:class", args=[full.pk])))
    below = text(c.get(reverse("study:below"), {"campaign": world.campaign.pk}))
    assert "东城读书班" in below
    assert "东城第二读书班" not in below


def test_district_b_finds_none_of_district_a_pages(client: Client, world: World) -> None:
    made = make_class(world, topic="秘密读书班")
    (session,) = make_sessions(made, 1)
    r = rotations.create_rotation(None, campaign=world.campaign, unit=world.district_a, title="秘密轮训")
    c = as_user(client, world.office_b)
    for url in (
        reverse("study:class", args=[made.pk]),
        reverse("study:class_edit", args=[made.pk]),
        reverse("study:roster", args=[made.pk]),
        reverse("study:session", args=[session.pk]),
        reverse("study:session_export", args=[session.pk]),
        reverse("study:leave_new", args=[session.pk]),
        reverse("study:rotation", args=[r.pk]),
        reverse("study:rotation_export", args=[r.pk]),
    ):
        assert c.get(url).status_code == 404, url
    listed = text(c.get(reverse("study:index"), {"campaign": world.campaign.pk}))
    assert "秘密读书班" not in listed
    coverage = c.get(reverse("study:coverage"), {"campaign": world.campaign.pk, "unit": world.district_a.pk})
    assert coverage.status_code == 404
    assert c.get(reverse("study:coverage"), {"campaign": "abc"}).status_code == 400


def test_creating_a_class_adding_sessions_and_a_roster_through_the_pages(client: Client, world: World) -> None:
    member = make_member(world.street_a, number="E0001", position="党支部书记")
    c = as_user(client, world.liaison_a)
    url = reverse("study:class_new") + f"?campaign={world.campaign.pk}"
    assert c.get(url).status_code == 200
    answer = c.post(url, {"unit": world.street_a.pk, "kind": "reading", "topic": "街道读书班"})
    made = StudyClass.objects.get(topic="街道读书班")
    assert answer.status_code == 302
    assert made.min_half_days == 10
    new_session = reverse("study:session_new", args=[made.pk])
    c.post(new_session, {"date": "2026-05-04", "half": "am", "starts_at": "08:30", "place": "街道党校"})
    assert StudySession.objects.get(study_class=made).place == "街道党校"
    roster = reverse("study:roster", args=[made.pk])
    bad = c.post(roster, {"how": "numbers", "numbers": "E0001 NOPE"})
    assert bad.status_code == 200
    assert "NOPE" in text(bad)
    upload = workbook("E0001", "NOPE2")
    refused = c.post(roster, {"how": "excel", "file": upload})
    assert "第 3 行" in text(refused)
    assert not ClassMember.objects.filter(study_class=made).exists()
    c.post(roster, {"how": "register", "unit": world.district_a.pk, "position": "书记"})
    assert list(ClassMember.objects.filter(study_class=made).values_list("member", flat=True)) == [member.pk]
    c.post(roster, {"how": "remove", "member": member.pk})
    assert not ClassMember.objects.filter(study_class=made).exists()
    assert c.post(roster, {"how": "remove", "member": "x"}).status_code == 400
    edit = c.post(reverse("study:class_edit", args=[made.pk]), {"topic": "改名读书班", "min_half_days": "12"})
    assert edit.status_code == 302
    assert StudyClass.objects.get(pk=made.pk).min_half_days == 12


def test_a_leader_who_sees_a_class_cannot_organise_it(client: Client, world: World) -> None:
    made = make_class(world)
    c = as_user(client, world.leader_a)
    assert c.get(reverse("study:class", args=[made.pk])).status_code == 200
    assert c.get(reverse("study:roster", args=[made.pk])).status_code == 404
    assert c.get(reverse("study:class_new"), {"campaign": world.campaign.pk}).status_code == 404


def test_the_attendance_page_marks_every_member_in_one_post(client: Client, world: World) -> None:
    made = make_class(world)
    (session,) = make_sessions(made, 1)
    a, b, d = (make_member(world.street_a) for _ in range(3))
    enrol(made, a, b, d)
    c = as_user(client, world.liaison_a)
    url = reverse("study:session", args=[session.pk])
    assert c.get(url).status_code == 200
    answer = c.post(url, {f"m{a.pk}": "present", f"m{b.pk}": "late"})
    assert answer.status_code == 302
    assert c.post(url, {"all_present": "1"}).status_code == 302
    marks = dict(Attendance.objects.filter(session=session).values_list("member", "status"))
    assert marks == {a.pk: "present", b.pk: "late", d.pk: "present"}
    assert c.post(url, {f"m{a.pk}": "nonsense"}).status_code == 400
    assert c.post(url, {"mabc": "present"}).status_code == 400
    stranger = make_member(world.street_a)
    assert c.post(url, {f"m{stranger.pk}": "present"}).status_code == 400
    sheet = load_workbook(io.BytesIO(c.get(reverse("study:session_export", args=[session.pk])).getvalue())).active
    assert sheet is not None
    assert sheet.max_row == 4
    assert {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"出席", "迟到"}


def test_a_member_asks_for_leave_and_an_organiser_approves(client: Client, world: World) -> None:
    made = make_class(world, unit=world.street_a)
    (session,) = make_sessions(made, 1, start=dt.date(2099, 1, 5))
    login = make_user("dangyuan")
    own = make_member(world.street_a, user=login)
    enrol(made, own)
    member_client = as_user(Client(), login)
    mine = text(member_client.get(reverse("study:mine")))
    assert made.topic in mine
    url = reverse("study:leave_new", args=[session.pk])
    assert member_client.post(url, {"member": own.pk, "reason": "出差在外"}).status_code == 302
    leave = LeaveRequest.objects.get()
    assert leave.requested_by == login
    c = as_user(client, world.liaison_a)
    assert "出差在外" in text(c.get(reverse("study:leaves")))
    c.post(reverse("study:leave_decide", args=[leave.pk]), {"decision": "approve", "note": "同意"})
    assert LeaveRequest.objects.get().state == RequestState.APPROVED
    assert Attendance.objects.get(session=session, member=own).status == AttendanceStatus.LEAVE
    assert c.post(reverse("study:leave_decide", args=[leave.pk]), {"decision": "x"}).status_code == 400
    outsider = make_user("waiguo")
    assert as_user(Client(), outsider).get(url).status_code == 404


def test_the_coverage_page_drills_down_and_exports(client: Client, world: World) -> None:
    made = make_class(world)
    one, two = make_sessions(made, 2)
    p = make_member(world.street_a)
    enrol(made, p)
    services.mark_attendance(None, one, {p.pk: "present"})
    services.mark_attendance(None, two, {p.pk: "present"})
    c = as_user(client, world.office_city)
    page = c.get(reverse("study:coverage"), {"campaign": world.campaign.pk})
    assert page.status_code == 200
    assert world.district_a.name in text(page)
    assert page.context["total"].people == 1
    assert page.context["total"].attendances == 2
    down = c.get(reverse("study:coverage"), {"campaign": world.campaign.pk, "unit": world.district_a.pk})
    assert down.context["rows"][0].unit == world.street_a
    xlsx = c.get(reverse("study:coverage_export"), {"campaign": world.campaign.pk, "unit": world.city.pk})
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == (world.city.name, 1, 1)
    assert rows[0][4] == 2


def test_rotation_pages(client: Client, world: World) -> None:
    secretary = make_member(world.street_a, position="党支部书记", name="张书记")
    c = as_user(client, world.office_a)
    new = reverse("study:rotation_new") + f"?campaign={world.campaign.pk}"
    assert c.get(new).status_code == 200
    c.post(new, {"unit": world.district_a.pk, "title": "书记轮训", "target_position": "书记", "required_half_days": 1})
    r = TrainingRotation.objects.get()
    c.post(reverse("study:batch_new", args=[r.pk]), {"unit": world.street_a.pk, "topic": "第1期"})
    batch = StudyClass.objects.get(rotation=r)
    page = text(c.get(reverse("study:rotation", args=[r.pk])))
    assert "第1期" in page
    assert "张书记" in page
    assert "0 / 1" in page
    (session,) = make_sessions(batch, 1)
    enrol(batch, secretary)
    services.mark_attendance(None, session, {secretary.pk: "present"})
    assert "1 / 1" in text(c.get(reverse("study:rotations"), {"campaign": world.campaign.pk}))
    edit = c.post(reverse("study:rotation_edit", args=[r.pk]), {"title": "书记轮训", "required_half_days": 2})
    assert edit.status_code == 302
    sheet = load_workbook(io.BytesIO(c.get(reverse("study:rotation_export", args=[r.pk])).getvalue())).active
    assert sheet is not None
    assert [row[:2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [(secretary.number, "张书记")]
