"""The supervision API: /api/v1/supervision-groups/ and /api/v1/findings/ with the engine's action endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.supervision.choices import FindingState
from luoshi.supervision.models import GroupAssignment, GroupMember, SupervisionGroup
from luoshi.supervision.tests.factory import TODAY, Sup, build, finding, on
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World


@pytest.fixture
def sup(world: World) -> Sup:
    return build(world)


def client_for(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_groups_list_retrieve_create_update(sup: Sup) -> None:
    world = sup.world
    office = client_for(world.office_a)
    rows = office.get(f"/api/v1/supervision-groups/?campaign={world.campaign.pk}").json()["results"]
    assert [r["name"] for r in rows] == ["东城第一督导组"]
    assert {m["username"] for m in rows[0]["members"]} == {"zuzhang", "zuyuan"}
    assert rows[0]["assignments"][0]["unit_name"] == "东城街道"
    assert client_for(world.office_b).get("/api/v1/supervision-groups/").json()["results"] == []
    assert client_for(world.office_b).get(f"/api/v1/supervision-groups/{sup.group.pk}/").status_code == 404
    assert office.get("/api/v1/supervision-groups/abc/").status_code == 404
    assert office.get("/api/v1/supervision-groups/?campaign=abc").status_code == 400
    made = office.post(
        "/api/v1/supervision-groups/",
        {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "API督导组"},
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    changed = office.patch(
        f"/api/v1/supervision-groups/{pk}/", {"name": "API督导组二", "round": 2}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["round"] == 2
    refused = client_for(world.liaison_a).post(
        "/api/v1/supervision-groups/",
        {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "越权"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    nul = office.post(
        "/api/v1/supervision-groups/",
        {"campaign": world.campaign.pk, "unit": world.district_a.pk, "name": "坏\x00"},
        content_type="application/json",
    )
    assert nul.status_code == 400
    with on(TODAY):  # a member sees the group but may not manage it
        member = client_for(sup.member)
        assert member.get(f"/api/v1/supervision-groups/{sup.group.pk}/").status_code == 200
        assert (
            member.patch(
                f"/api/v1/supervision-groups/{sup.group.pk}/", {"name": "越权"}, content_type="application/json"
            ).status_code
            == 403
        )


def test_members_and_assignments_as_actions(sup: Sup) -> None:
    world = sup.world
    office = client_for(world.office_a)
    base = f"/api/v1/supervision-groups/{sup.group.pk}"
    added = office.post(
        f"{base}/members/", {"user": world.liaison_a.pk, "role": "liaison"}, content_type="application/json"
    )
    assert added.status_code == 201
    member = GroupMember.objects.get(group=sup.group, user=world.liaison_a)
    outsider = office.post(f"{base}/members/", {"user": world.liaison_b.pk}, content_type="application/json")
    assert outsider.status_code == 400
    removed = office.post(f"{base}/remove-member/", {"member": member.pk}, content_type="application/json")
    assert removed.status_code == 200
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    assigned = office.post(
        f"{base}/assign/",
        {"unit": sup.street_a2.pk, "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        content_type="application/json",
    )
    assert assigned.status_code == 201
    made = GroupAssignment.objects.get(group=sup.group, unit=sup.street_a2)
    ended = office.post(
        f"{base}/end-assignment/", {"assignment": made.pk, "on": "2026-03-15"}, content_type="application/json"
    )
    assert ended.status_code == 200
    made.refresh_from_db()
    assert str(made.ends_on) == "2026-03-15"
    district_b = office.post(
        f"{base}/assign/", {"unit": world.district_b.pk, "starts_on": "2026-03-01"}, content_type="application/json"
    )
    assert district_b.status_code == 400  # a unit out of scope does not exist
    assert (
        client_for(world.office_b)
        .post(
            f"{base}/assign/", {"unit": world.district_b.pk, "starts_on": "2026-03-01"}, content_type="application/json"
        )
        .status_code
        == 404
    )


def test_findings_list_filters_create_and_actions(sup: Sup) -> None:
    world = sup.world
    draft = finding(sup)
    with on(TODAY):
        member = client_for(sup.member)
        made = member.post(
            "/api/v1/findings/",
            {
                "group": sup.group.pk,
                "unit": world.street_a.pk,
                "title": "API发现",
                "description": "具体情况",
                "kind": "risk",
                "aspect": world.aspects[1].pk,
                "due_date": "2026-09-30",
            },
            content_type="application/json",
        )
        assert made.status_code == 201
        created = made.json()
        assert created["state"] == "draft"
        assert created["allowed_actions"] == []  # a member neither confirms nor dismisses
        leader = client_for(sup.leader)
        listed = leader.get(f"/api/v1/findings/?group={sup.group.pk}&kind=risk").json()["results"]
        assert [r["title"] for r in listed] == ["API发现"]
        assert listed[0]["allowed_actions"] == ["confirm", "dismiss"]
        assert leader.get("/api/v1/findings/?state=bogus").status_code == 400
        assert leader.get("/api/v1/findings/?unit=1e30").status_code == 400
        confirmed = leader.post(
            f"/api/v1/findings/{created['id']}/actions/confirm/", {"version": 1}, content_type="application/json"
        )
        assert confirmed.status_code == 200
        stale = leader.post(
            f"/api/v1/findings/{created['id']}/actions/transfer/", {"version": 1}, content_type="application/json"
        )
        assert stale.status_code == 409
        moved = leader.post(
            f"/api/v1/findings/{created['id']}/actions/transfer/", {"version": 2}, content_type="application/json"
        )
        assert moved.status_code == 200
        assert moved.json()["state"] == FindingState.TRANSFERRED
        assert moved.json()["problem"]
        assert leader.post(f"/api/v1/findings/{draft.pk}/actions/fly/", {}).status_code == 404
    office_b = client_for(world.office_b)
    assert office_b.get("/api/v1/findings/").json()["results"] == []
    assert office_b.get(f"/api/v1/findings/{draft.pk}/").status_code == 404
    assert (
        office_b.post(
            f"/api/v1/findings/{draft.pk}/actions/dismiss/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    outsider = client_for(world.liaison_a).post(
        "/api/v1/findings/",
        {"group": sup.group.pk, "unit": world.street_a.pk, "title": "越权", "description": "越权"},
        content_type="application/json",
    )
    assert outsider.status_code in (400, 403)
    assert SupervisionGroup.objects.count() == 1


def test_secadmin_and_auditor_get_403(sup: Sup) -> None:
    for name in ("secadmin", "auditor"):
        client = client_for(getattr(sup.world, name))
        assert client.get("/api/v1/supervision-groups/").status_code == 403
        assert client.get("/api/v1/findings/").status_code == 403
