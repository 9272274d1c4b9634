"""The study groups API: scoped list and detail, create, join and leave for the caller's member, bad input 400."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.members import services as member_services
from luoshi.study import groups
from luoshi.study.models import GroupMembership, StudyGroup
from luoshi.study.tests import signin_factory as f

pytestmark = pytest.mark.django_db
GROUPS = "/api/v1/study-groups/"


def api(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def group(world):
    return f.open_group(world, capacity=1)


def test_list_and_retrieve_are_scoped(world, group):
    listed = api(world.liaison_a).get(GROUPS).json()
    assert [row["id"] for row in listed["results"]] == [group.pk]
    assert listed["results"][0]["joined"] == 0
    assert api(world.liaison_b).get(GROUPS).json()["results"] == []
    assert api(world.liaison_b).get(f"{GROUPS}{group.pk}/").status_code == 404
    assert api(world.leader_a).get(f"{GROUPS}{group.pk}/").json()["name"] == group.name


def test_filters(world, group):
    client = api(world.office_a)
    assert client.get(GROUPS, {"q": "流动"}).json()["count"] == 1
    assert client.get(GROUPS, {"q": "无此"}).json()["count"] == 0
    assert client.get(GROUPS, {"unit": world.district_b.pk}).json()["count"] == 0
    assert client.get(GROUPS, {"unit": world.street_a.pk, "space": "true"}).json()["count"] == 1
    groups.join_group(None, group, f.member(world.street_a))
    assert client.get(GROUPS, {"space": "true"}).json()["count"] == 0
    assert client.get(GROUPS, {"space": "false"}).json()["count"] == 1


def test_bad_numbers_are_400(world, group):
    client = api(world.office_a)
    assert client.get(GROUPS, {"unit": "abc"}).status_code == 400
    assert client.get(GROUPS, {"campaign": "9" * 30}).status_code == 400
    assert client.get(f"{GROUPS}abc/").status_code in (400, 404)
    body = {"campaign": world.campaign.pk, "unit": world.street_a.pk, "name": "甲", "topic": "乙", "address": "丙"}
    assert client.post(GROUPS, body | {"capacity": "many"}, format="json").status_code == 400
    assert client.post(GROUPS, body | {"latitude": "1e9", "longitude": 1}, format="json").status_code == 400
    assert client.post(GROUPS, body | {"unit": "x"}, format="json").status_code == 400
    assert client.post(f"{GROUPS}abc/join/").status_code in (400, 404)


def test_create_scoped(world):
    body = {"campaign": world.campaign.pk, "unit": world.street_a.pk, "name": "新组", "topic": "主题", "address": "地"}
    made = api(world.liaison_a).post(GROUPS, body | {"latitude": "32.1", "longitude": "119.2"}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["latitude"] == "32.100000"
    assert api(world.liaison_b).post(GROUPS, body, format="json").status_code in (400, 403)
    assert api(world.leader_a).post(GROUPS, body, format="json").status_code == 403
    assert api(world.liaison_a).post(GROUPS, body | {"latitude": "32"}, format="json").status_code == 400
    assert StudyGroup.objects.count() == 1


def test_join_and_leave_for_the_linked_member(world, group):
    person = f.member(world.district_b)
    member_services.link_user(None, person, world.nobody)
    client = api(world.nobody)
    joined = client.post(f"{GROUPS}{group.pk}/join/")
    assert joined.status_code == 200
    assert joined.json()["joined"] == 1
    other = f.member(world.street_a)
    member_services.link_user(None, other, world.leader_b)
    full = api(world.leader_b).post(f"{GROUPS}{group.pk}/join/")
    assert full.status_code == 400
    assert "已满员" in str(full.json())
    assert client.post(f"{GROUPS}{group.pk}/leave/").json()["joined"] == 0
    assert not GroupMembership.objects.exists()


def test_join_without_member_or_closed_group(world, group):
    assert api(world.liaison_a).post(f"{GROUPS}{group.pk}/join/").status_code == 400
    groups.update_group(None, group, is_open=False)
    assert api(world.liaison_a).post(f"{GROUPS}{group.pk}/join/").status_code == 404
    assert api(world.liaison_a).post(f"{GROUPS}987654321/join/").status_code == 404
