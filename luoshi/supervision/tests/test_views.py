"""Supervision pages through the Django test client: the office's forms, the members' visits and findings, the
calendar's warnings on the plan page, downloads, the checklist and the ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from luoshi.audit.models import AuditEvent
from luoshi.supervision import services
from luoshi.supervision.choices import FindingState, MemberRole
from luoshi.supervision.models import (
    ChecklistItem,
    Finding,
    GroupAssignment,
    GroupMember,
    SupervisionGroup,
    VisitRecord,
)
from luoshi.supervision.tests.factory import TODAY, Sup, build, finding, on, plan, recorded
from luoshi.testing.problems import png
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World
from luoshi.visits.models import Visit


@pytest.fixture
def sup(world: World) -> Sup:
    return build(world)


def client_for(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_group_list_and_detail(sup: Sup) -> None:
    world = sup.world
    office = client_for(world.office_a)
    page = office.get(f"/supervision/?campaign={world.campaign.pk}")
    assert page.status_code == 200
    assert "东城第一督导组" in page.content.decode()
    finding(sup)
    with on(TODAY):
        detail = office.get(f"/supervision/groups/{sup.group.pk}/").content.decode()
    assert "督导组长" in detail
    assert "东城街道" in detail
    assert "问题台账更新不及时" in detail
    assert "督导发现统计" in detail
    assert client_for(world.office_b).get(f"/supervision/groups/{sup.group.pk}/").status_code == 404
    assert "东城第一督导组" not in client_for(world.office_b).get("/supervision/").content.decode()
    assert office.get("/supervision/?campaign=abc").status_code == 400
    assert office.get("/supervision/?campaign=99999").status_code == 404


def test_member_sees_the_group_page(sup: Sup) -> None:
    with on(TODAY):
        page = client_for(sup.member).get(f"/supervision/groups/{sup.group.pk}/")
    assert page.status_code == 200
    assert "计划走访" in page.content.decode()


def test_office_forms(world: World) -> None:
    office = client_for(world.office_a)
    made = office.post(
        f"/supervision/groups/new/?campaign={world.campaign.pk}",
        {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "新督导组", "round": 1, "note": ""},
    )
    assert made.status_code == 302
    group = SupervisionGroup.objects.get(name="新督导组")
    assert office.get(f"/supervision/groups/{group.pk}/edit/").status_code == 200
    edited = office.post(f"/supervision/groups/{group.pk}/edit/", {"name": "改名督导组", "round": 2, "note": "x"})
    assert edited.status_code == 302
    assert office.get(f"/supervision/groups/{group.pk}/members/add/?q=东城").status_code == 200
    added = office.post(f"/supervision/groups/{group.pk}/members/add/", {"user": world.leader_a.pk, "role": "leader"})
    assert added.status_code == 302
    member = GroupMember.objects.get(group=group)
    assigned = office.post(
        f"/supervision/groups/{group.pk}/assign/", {"unit": world.street_a.pk, "starts_on": "2026-03-01"}
    )
    assert assigned.status_code == 302
    assignment = GroupAssignment.objects.get(group=group)
    assert office.get(f"/supervision/assignments/{assignment.pk}/end/").status_code == 200
    ended = office.post(f"/supervision/assignments/{assignment.pk}/end/", {"on": "2026-04-30"})
    assert ended.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == dt.date(2026, 4, 30)
    assert office.post(f"/supervision/members/{member.pk}/remove/").status_code == 302
    assert not GroupMember.objects.filter(group=group).exists()
    # a broken rule stays on the form
    again = office.post(f"/supervision/groups/{group.pk}/assign/", {"unit": world.district_a.pk, "starts_on": "x"})
    assert again.status_code == 200


def test_office_b_is_refused_the_forms(sup: Sup) -> None:
    other = client_for(sup.world.office_b)
    for url in ("edit/", "members/add/", "assign/", "visits/new/", "findings/new/"):
        assert other.get(f"/supervision/groups/{sup.group.pk}/{url}").status_code == 404
    assert other.get(f"/supervision/assignments/{sup.assignment.pk}/end/").status_code == 404


def test_plan_page_shows_the_calendars_warning_and_takes_a_reason(sup: Sup) -> None:
    client = client_for(sup.member)
    url = f"/supervision/groups/{sup.group.pk}/visits/new/"
    data = {
        "unit": sup.world.street_a.pk,
        "date": "2026-05-08",
        "headcount": 12,
        "team": "全组",
        "kinds": ["checks"],
        "purpose": "查台账",
    }
    with on(TODAY):
        assert client.get(url).status_code == 200
        warned = client.post(url, data)
        assert warned.status_code == 200
        body = warned.content.decode()
        assert 'id="rule-hits"' in body
        assert "仍需走访的理由" in body
        assert not Visit.objects.exists()
        done = client.post(url, {**data, "override_reason": "交叉检查需全员参加"})
    assert done.status_code == 302
    assert Visit.objects.get().override_reason == "交叉检查需全员参加"


def test_record_a_visit_through_its_page_and_download_its_file(sup: Sup) -> None:
    item = services.add_checklist_item(sup.world.office_city, sup.world.campaign, text="台账规范", max_score="10")
    client = client_for(sup.member)
    with on(TODAY):
        visit = plan(sup)
        url = f"/supervision/visits/{visit.pk}/record/"
        page = client.get(url)
        assert page.status_code == 200
        assert "台账规范" in page.content.decode()
        assert "问卷主题" in page.content.decode()  # a 访 visit
        too_high = client.post(url, {"notes": "走访", f"score_{item.pk}": "11"})
        assert too_high.status_code == 200
        assert not VisitRecord.objects.exists()
        done = client.post(
            url,
            {
                "notes": "台账齐全",
                f"score_{item.pk}": "9",
                "topic": "满意度",
                "respondents": "10",
                "satisfied": "8",
                "basically_satisfied": "1",
                "dissatisfied": "1",
                "attachments": [png("现场.png")],
            },
        )
        assert done.status_code == 302
        made = VisitRecord.objects.get()
        shown = client.get(f"/supervision/records/{made.pk}/").content.decode()
        assert "台账齐全" in shown
        assert "现场.png" in shown
        stored = made.files.get()
        download = client.get(f"/supervision/files/{stored.pk}/")
        assert download.status_code == 200
        assert AuditEvent.objects.filter(action="export", object_id=str(stored.pk)).exists()
        assert client_for(sup.world.office_b).get(f"/supervision/files/{stored.pk}/").status_code == 404
        assert client_for(sup.world.office_b).get(f"/supervision/records/{made.pk}/").status_code == 404
        # a colleague of district A who is no member is refused the record form
        other = client_for(sup.world.supervisor_a)
        assert other.get(f"/supervision/visits/{plan(sup, day=TODAY).pk}/record/").status_code == 403


def test_finding_pages_and_actions(sup: Sup) -> None:
    leader = client_for(sup.leader)
    member = client_for(sup.member)
    with on(TODAY):
        url = f"/supervision/groups/{sup.group.pk}/findings/new/"
        assert member.get(url).status_code == 200
        made = member.post(
            url,
            {
                "unit": sup.world.street_a.pk,
                "kind": "problem",
                "aspect": sup.world.aspects[0].pk,
                "title": "会议记录缺失",
                "description": "四月支部会议无记录",
                "requirement": "补记",
                "due_date": "2026-06-30",
            },
        )
        assert made.status_code == 302
        item = Finding.objects.get(title="会议记录缺失")
        page = leader.get(f"/supervision/findings/{item.pk}/").content.decode()
        assert "确认发现" in page
        assert member.get(f"/supervision/findings/{item.pk}/confirm/").status_code == 200  # says why not
        assert leader.post(f"/supervision/findings/{item.pk}/confirm/", {"version": 1}).status_code == 302
        assert leader.get(f"/supervision/findings/{item.pk}/transfer/").status_code == 200
        assert leader.post(f"/supervision/findings/{item.pk}/transfer/", {"version": 2}).status_code == 302
        item.refresh_from_db()
        assert item.state == FindingState.TRANSFERRED
        assert item.problem is not None
        page = leader.get(f"/supervision/findings/{item.pk}/").content.decode()
        assert f"/problems/{item.problem_id}/" in page
    other = finding(sup)
    office = client_for(sup.world.office_a)
    assert office.post(f"/supervision/findings/{other.pk}/dismiss/", {"version": 1, "reason": ""}).status_code == 200
    dismissed = office.post(f"/supervision/findings/{other.pk}/dismiss/", {"version": 1, "reason": "重复"})
    assert dismissed.status_code == 302
    assert client_for(sup.world.office_b).get(f"/supervision/findings/{other.pk}/").status_code == 404


def test_checklist_page(sup: Sup) -> None:
    world = sup.world
    city = client_for(world.office_city)
    url = f"/supervision/checklist/?campaign={world.campaign.pk}"
    assert city.post(url, {"text": "台账规范", "max_score": "10"}).status_code == 302
    assert city.post(url, {"text": "群众满意", "max_score": "20"}).status_code == 302
    first, second = ChecklistItem.objects.order_by("order")
    assert city.post(f"/supervision/checklist/{second.pk}/move/", {"direction": "up"}).status_code == 302
    assert list(ChecklistItem.objects.order_by("order").values_list("text", flat=True)) == ["群众满意", "台账规范"]
    assert city.post(f"/supervision/checklist/{first.pk}/edit/", {"text": "台账", "max_score": "5"}).status_code == 302
    assert city.post(url, {"text": "坏", "max_score": "-1"}).status_code == 200
    district = client_for(world.office_a)
    assert "台账" in district.get(url).content.decode()
    assert district.post(url, {"text": "越权", "max_score": "5"}).status_code == 403
    assert district.get(f"/supervision/checklist/{first.pk}/edit/").status_code == 404


def test_ranking_page_and_export(sup: Sup) -> None:
    world = sup.world
    item = services.add_checklist_item(world.office_city, world.campaign, text="台账规范", max_score="10")
    recorded(sup, scores={item.pk: "7"})
    office = client_for(world.office_a)
    page = office.get(f"/supervision/ranking/?campaign={world.campaign.pk}").content.decode()
    assert "东城街道" in page
    assert "70.0%" in page
    export = office.get(f"/supervision/ranking.xlsx?campaign={world.campaign.pk}")
    assert export.status_code == 200
    assert AuditEvent.objects.filter(action="export", detail__contains="督导评分排名").exists()
    assert "东城街道" not in client_for(world.office_b).get("/supervision/ranking/").content.decode()
    assert office.get("/supervision/ranking.xlsx?campaign=1e9").status_code == 400


def test_secadmin_is_refused(sup: Sup) -> None:
    admin = client_for(sup.world.secadmin)
    assert admin.get("/supervision/").status_code == 403
    assert admin.get(f"/supervision/groups/{sup.group.pk}/").status_code == 403


def test_role_names(sup: Sup) -> None:
    assert {m.role for m in GroupMember.objects.filter(group=sup.group)} == {MemberRole.LEADER, MemberRole.MEMBER}


def test_a_finding_made_on_a_visit_record(sup: Sup) -> None:
    made = recorded(sup)
    client = client_for(sup.member)
    with on(TODAY):
        page = client.get(f"/supervision/records/{made.pk}/").content.decode()
        url = f"/supervision/groups/{sup.group.pk}/findings/new/?record={made.pk}"
        assert url.split("/supervision")[1] in page.replace("&amp;", "&")
        assert client.get(url).status_code == 200
        assert client.get(f"/supervision/groups/{sup.group.pk}/findings/new/?record=x").status_code == 400
        assert client.get(f"/supervision/groups/{sup.group.pk}/findings/new/?record=999999").status_code == 404
        done = client.post(
            url, {"unit": sup.world.street_a.pk, "kind": "problem", "title": "现场脏乱", "description": "楼道堆物"}
        )
    assert done.status_code == 302
    assert Finding.objects.get(title="现场脏乱").record == made
