"""Open study groups: rules of joining, near-by ordering, meetings and attendance, the .ics feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.members import services as member_services
from luoshi.study import feeds, groups
from luoshi.study.choices import AttendanceStatus, HalfDay
from luoshi.study.models import Attendance, GroupMembership, StudyGroup
from luoshi.study.tests import signin_factory as f
from luoshi.testing.twofactor import verified_login


@pytest.fixture
def group(world):
    return f.open_group(world, capacity=2, latitude="32.394000", longitude="119.412000", schedule="每月第一个周六晚")


def test_create_group_checks_scope_and_audits(world):
    made = groups.create_group(
        world.liaison_a, campaign=world.campaign, unit=world.street_a, name="小组甲", topic="主题", address="地点"
    )
    assert made.org_path == world.street_a.path
    assert len(made.feed_token) >= 30
    assert AuditEvent.objects.filter(object_type="study.studygroup", object_id=str(made.pk)).exists()
    with pytest.raises(NotAllowed):
        groups.create_group(
            world.liaison_b, campaign=world.campaign, unit=world.street_a, name="小组乙", topic="主题", address="地点"
        )
    with pytest.raises(RuleViolation, match="纬度和经度"):
        groups.create_group(
            None, campaign=world.campaign, unit=world.street_a, name="丙", topic="主题", address="地点", latitude="30"
        )


def test_update_group_keeps_capacity_above_members(world, group):
    groups.join_group(None, group, f.member(world.street_a))
    groups.join_group(None, group, f.member(world.street_a))
    with pytest.raises(RuleViolation, match="容量不能少于"):
        groups.update_group(world.liaison_a, group, capacity=1)
    changed = groups.update_group(world.liaison_a, group, topic="新主题", capacity=5)
    assert (changed.topic, changed.capacity) == ("新主题", 5)
    with pytest.raises(RuleViolation):
        groups.update_group(world.liaison_a, group, unit=world.district_b)
    with pytest.raises(NotAllowed):
        groups.update_group(world.liaison_b, group, topic="越权")


def test_capacity_enforced(world, group):
    groups.join_group(None, group, f.member(world.street_a))
    groups.join_group(None, group, f.member(world.street_a))
    with pytest.raises(RuleViolation, match="已满员"):
        groups.join_group(None, group, f.member(world.street_a))
    assert GroupMembership.objects.filter(group=group).count() == 2


def test_member_joins_and_leaves_by_themselves(world, group):
    person = f.member(world.district_b)
    member_services.link_user(None, person, world.nobody)
    joined = groups.join_group(world.nobody, group, person)
    assert groups.join_group(world.nobody, group, person) == joined  # twice keeps the first
    assert groups.leave_group(world.nobody, group, person)
    assert not groups.leave_group(world.nobody, group, person)
    with pytest.raises(NotAllowed):
        groups.join_group(world.nobody, group, f.member(world.street_a))  # someone else: organisers only


def test_closed_group_refuses_self_join_but_organiser_adds(world, group):
    groups.update_group(None, group, is_open=False)
    person = f.member(world.street_a)
    member_services.link_user(None, person, world.nobody)
    with pytest.raises(RuleViolation, match="暂不开放"):
        groups.join_group(world.nobody, group, person)
    assert groups.join_group(world.liaison_a, group, person).member == person


def test_add_by_number(world, group):
    f.member(world.district_b, number="M0009")
    assert groups.add_by_number(world.liaison_a, group, "M0009").member.number == "M0009"
    with pytest.raises(RuleViolation, match="没有编号"):
        groups.add_by_number(world.liaison_a, group, "NOPE")
    with pytest.raises(NotAllowed):
        groups.add_by_number(world.liaison_b, group, "M0009")


def test_meeting_and_attendance_by_roster(world, group):
    meeting = groups.add_meeting(world.liaison_a, group, date=dt.date(2026, 6, 6), half=HalfDay.EVENING)
    assert (meeting.place, meeting.org_path, len(meeting.secret)) == (group.address, group.org_path, 64)
    person = f.member(world.street_a)
    with pytest.raises(RuleViolation, match="不是本小组成员"):
        groups.mark_meeting(world.liaison_a, meeting, person, AttendanceStatus.PRESENT)
    groups.join_group(None, group, person)
    row = groups.mark_meeting(world.liaison_a, meeting, person, AttendanceStatus.LATE)
    assert row.status == AttendanceStatus.LATE
    assert row.org_path == person.org_path
    with pytest.raises(RuleViolation):
        groups.mark_meeting(world.liaison_a, meeting, person, "bogus")
    with pytest.raises(NotAllowed):
        groups.mark_meeting(world.liaison_b, meeting, person, AttendanceStatus.ABSENT)
    with pytest.raises(RuleViolation):
        groups.add_meeting(world.liaison_a, group, date=dt.date(2026, 6, 6), half="xx")


def test_haversine():
    assert groups.haversine_km(0, 0, 0, 0) == 0
    beijing_shanghai = groups.haversine_km(39.9042, 116.4074, 31.2304, 121.4737)
    assert 1060 < beijing_shanghai < 1075


def test_county_path(world):
    assert groups.county_path(world.street_a.path) == world.district_a.path
    assert groups.county_path(world.city.path) == world.city.path


def test_near_by_distance_then_county(world):
    far = f.open_group(world, name="远", latitude="32.500000", longitude="119.600000")
    near = f.open_group(world, name="近", latitude="32.395000", longitude="119.413000")
    local = f.open_group(world, name="本区无坐标")
    elsewhere = f.open_group(world, unit=world.district_b, name="西城无坐标")
    closed = f.open_group(world, name="暂停", latitude="32.394100", longitude="119.412100", is_open=False)
    person = f.member(world.street_a, latitude=Decimal("32.394000"), longitude=Decimal("119.412000"))
    found = groups.groups_near(person)
    names = [item.group.name for item in found]
    assert names[:2] == [near.name, far.name]
    assert local.name in names
    assert elsewhere.name not in names
    assert closed.name not in names
    assert found[0].distance_km is not None
    assert found[1].distance_km is not None
    assert found[0].distance_km < found[1].distance_km
    groups.join_group(None, near, person)
    assert groups.groups_near(person)[0].joined == 1
    assert groups.member_counts([near.pk, far.pk]) == {near.pk: 1}


def test_near_without_coordinates_is_the_county(world):
    local = f.open_group(world, name="本区")
    f.open_group(world, unit=world.district_b, name="西城")
    person = f.member(world.district_b, kind="mobile", current_unit=world.street_a, home_unit=world.district_b)
    assert [item.group for item in groups.groups_near(person)] == [local]


# --- the .ics feed ----------------------------------------------------------------------------------------------


def test_feed_parses_with_events_location_geo_and_link_back(client, world, group):
    groups.add_meeting(None, group, date=dt.date(2026, 6, 6), half=HalfDay.EVENING, title="第一次学习")
    groups.add_meeting(None, group, date=dt.date(2026, 7, 4), half=HalfDay.AFTERNOON, starts_at=dt.time(15, 0))
    answer = client.get(reverse("study_public:group_feed", args=[group.feed_token]))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first, second = events
    back = f"http://testserver{reverse('study:group_detail', args=[group.pk])}"
    assert str(first["URL"]) == back
    assert back in str(first["DESCRIPTION"])
    assert str(first["LOCATION"]) == group.address
    assert (first["GEO"].latitude, first["GEO"].longitude) == (32.394, 119.412)
    assert first.decoded("DTSTART").hour == 19
    assert first.decoded("DTEND").hour == 21
    assert (second.decoded("DTSTART").hour, second.decoded("DTSTART").minute) == (15, 0)
    assert second.decoded("DTEND") - second.decoded("DTSTART") == dt.timedelta(hours=3)
    assert len({str(e["UID"]) for e in events}) == 2
    again = Calendar.from_ical(client.get(reverse("study_public:group_feed", args=[group.feed_token])).content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_feed_meeting_times():
    meeting = f.StudySession(date=dt.date(2026, 6, 6), half=HalfDay.MORNING)
    start, end = feeds.meeting_times(meeting)
    assert (start.hour, end.hour) == (9, 12)


def test_feed_wrong_token_is_404(client, db):
    assert client.get(reverse("study_public:group_feed", args=["nope"])).status_code == 404


# --- pages ------------------------------------------------------------------------------------------------------


def test_pages_of_a_group(client, world, group):
    verified_login(client, world.liaison_a)
    listed = client.get(reverse("study:group_list"), {"q": "流动", "space": "1", "unit": world.district_a.pk})
    assert group.name in listed.content.decode()
    assert group.name not in client.get(reverse("study:group_list"), {"unit": world.district_b.pk}).content.decode()
    assert client.get(reverse("study:group_list"), {"unit": "abc"}).status_code == 200
    detail = client.get(reverse("study:group_detail", args=[group.pk])).content.decode()
    assert group.feed_token in detail
    f.member(world.street_a, number="N0001")
    client.post(reverse("study:group_members", args=[group.pk]), {"action": "add", "number": "N0001"})
    assert GroupMembership.objects.filter(group=group, member__number="N0001").exists()
    answer = client.post(
        reverse("study:group_meeting_new", args=[group.pk]), {"date": "2026-06-06", "half": HalfDay.EVENING}
    )
    assert answer.status_code == 302
    meeting = group.sessions.get()
    person = GroupMembership.objects.get(group=group).member
    client.post(reverse("study:group_meeting", args=[meeting.pk]), {f"m-{person.pk}": AttendanceStatus.PRESENT})
    assert Attendance.objects.get(session=meeting, member=person).status == AttendanceStatus.PRESENT
    assert person.name in client.get(reverse("study:group_meeting", args=[meeting.pk])).content.decode()
    client.post(reverse("study:group_members", args=[group.pk]), {"action": "remove", "member": person.pk})
    assert not GroupMembership.objects.filter(group=group).exists()
    assert (
        client.post(reverse("study:group_members", args=[group.pk]), {"action": "remove", "member": "x"}).status_code
        == 404
    )


def test_group_new_and_edit_pages(client, world):
    verified_login(client, world.liaison_a)
    assert client.get(reverse("study:group_new")).status_code == 200
    data = {
        "campaign": world.campaign.pk,
        "unit": world.street_a.pk,
        "name": "新小组",
        "topic": "主题",
        "address": "某地",
        "capacity": 10,
        "is_open": "on",
    }
    assert client.post(reverse("study:group_new"), data).status_code == 302
    made = StudyGroup.objects.get(name="新小组")
    edit = {k: v for k, v in data.items() if k not in ("campaign", "unit")} | {"name": "改名小组"}
    assert client.post(reverse("study:group_edit", args=[made.pk]), edit).status_code == 302
    made.refresh_from_db()
    assert made.name == "改名小组"
    bad = client.post(reverse("study:group_new"), data | {"unit": world.district_b.pk})
    assert bad.status_code == 200
    assert not StudyGroup.objects.filter(unit=world.district_b).exists()


def test_group_pages_out_of_scope_are_404(client, world, group):
    meeting = groups.add_meeting(None, group, date=dt.date(2026, 6, 6))
    verified_login(client, world.liaison_b)
    assert client.get(reverse("study:group_detail", args=[group.pk])).status_code == 404
    assert client.get(reverse("study:group_edit", args=[group.pk])).status_code == 404
    assert client.get(reverse("study:group_meeting", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("study:group_members", args=[group.pk]), {"number": "X"}).status_code == 404
    assert group.name not in client.get(reverse("study:group_list")).content.decode()


def test_leader_sees_but_does_not_organise(client, world, group):
    meeting = groups.add_meeting(None, group, date=dt.date(2026, 6, 6))
    verified_login(client, world.leader_a)
    assert client.get(reverse("study:group_detail", args=[group.pk])).status_code == 200
    assert client.get(reverse("study:group_edit", args=[group.pk])).status_code == 404
    assert client.post(reverse("study:group_meeting", args=[meeting.pk]), {}).status_code == 403


def test_near_page_join_and_leave(client, world, group):
    person = f.member(world.street_a, latitude=Decimal("32.39"), longitude=Decimal("119.41"))
    member_services.link_user(None, person, world.nobody)
    client.force_login(world.nobody)
    page = client.get(reverse("study:group_near")).content.decode()
    assert group.name in page
    assert "km" in page
    client.post(reverse("study:group_membership", args=[group.pk]), {"action": "join"})
    assert GroupMembership.objects.filter(group=group, member=person).exists()
    client.post(reverse("study:group_membership", args=[group.pk]), {"action": "leave"})
    assert not GroupMembership.objects.filter(group=group, member=person).exists()


def test_near_page_without_member(client, world):
    client.force_login(world.nobody)
    assert client.get(reverse("study:group_near")).status_code == 403
    assert client.post(reverse("study:group_membership", args=[1]), {"action": "join"}).status_code == 404
    verified_login(client, world.liaison_a)
    assert "尚未关联" in client.get(reverse("study:group_near")).content.decode()
    assert client.post(reverse("study:group_membership", args=[1]), {"action": "join"}).status_code == 404


def test_full_group_refused_on_the_page(client, world, group):
    groups.join_group(None, group, f.member(world.street_a))
    groups.join_group(None, group, f.member(world.street_a))
    person = f.member(world.street_a)
    member_services.link_user(None, person, world.nobody)
    client.force_login(world.nobody)
    answer = client.post(reverse("study:group_membership", args=[group.pk]), {"action": "join"}, follow=True)
    assert "已满员" in answer.content.decode()
    assert not GroupMembership.objects.filter(member=person).exists()
