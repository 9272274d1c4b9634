"""The member register API: scoped lists and objects, masked phone on read, phone write-only, bad input 400."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from luoshi.members import services
from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/members/"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped_and_phones_are_masked(world: World) -> None:
    mine = make_member(world.street_a, phone="13812345678")
    make_member(world.district_b)
    answer = api(world.liaison_a).get(URL)
    assert answer.status_code == 200
    rows = answer.json()["results"] if "results" in answer.json() else answer.json()
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["phone_masked"] == "138****5678"
    assert "phone" not in rows[0]
    assert "13812345678" not in answer.content.decode()
    assert api(world.liaison_b).get(f"{URL}{mine.pk}/").status_code == 404
    assert api(world.secadmin).get(URL).status_code == 403


def test_create_update_and_bad_input(world: World) -> None:
    client = api(world.liaison_a)
    created = client.post(
        URL, {"unit": world.street_a.pk, "number": "API1", "name": "接口党员", "phone": "13812345678"}
    )
    assert created.status_code == 201
    assert created.json()["phone_masked"] == "138****5678"
    member = Member.objects.get(number="API1")
    assert services.phone_of(member) == "13812345678"
    bad_phone = client.post(URL, {"unit": world.street_a.pk, "number": "API2", "name": "坏号码", "phone": "123"})
    assert bad_phone.status_code == 400
    assert client.post(URL, {"unit": world.street_a.pk, "number": "API1", "name": "重号"}).status_code == 400
    assert client.post(URL, {"unit": "1e99", "number": "API3", "name": "坏单位"}).status_code == 400
    assert client.post(URL, {"unit": world.district_b.pk, "number": "API4", "name": "别区"}).status_code == 400
    assert (
        client.post(URL, {"unit": world.street_a.pk, "number": "API5", "name": "x", "latitude": "abc"}).status_code
        == 400
    )
    assert client.get(URL, {"unit": "abc"}).status_code == 400
    assert client.get(f"{URL}0.5/").status_code == 404
    changed = client.patch(f"{URL}{member.pk}/", {"position": "组织委员", "phone": ""}, format="json")
    assert changed.status_code == 200
    assert changed.json()["position"] == "组织委员"
    member.refresh_from_db()
    assert member.phone_enc == ""
    assert member.name == "接口党员"
    assert client.put(f"{URL}{member.pk}/", {"unit": world.district_b.pk}, format="json").status_code == 400
    assert api(world.leader_a).patch(f"{URL}{member.pk}/", {"name": "领导改"}, format="json").status_code == 403
    assert api(world.leader_a).post(URL, {"unit": world.street_a.pk, "number": "L1", "name": "x"}).status_code == 403
    assert (
        api(world.office_city).put(f"{URL}{member.pk}/", {"unit": world.district_b.pk}, format="json").status_code
        == 200
    )
    assert Member.objects.get(pk=member.pk).unit == world.district_b
