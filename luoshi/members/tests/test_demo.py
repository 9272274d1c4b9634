"""The demo's member register, built on the test world: secretaries, mobile members, linked logins."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from luoshi.demo.members import SECRETARY, build_members
from luoshi.demo.names import NameMaker
from luoshi.demo.orgtree import Node, OrgTree
from luoshi.demo.people import Cast, DistrictCast, People
from luoshi.members import services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_demo_register_has_secretaries_mobile_members_and_linked_logins(world: World) -> None:
    branch_kind = UnitKind.objects.get_or_create(code="party-branch", defaults={"name": "党支部"})[0]
    village_kind = UnitKind.objects.get_or_create(code="community", defaults={"name": "村社区"})[0]
    village = create_unit(None, name="东城村", code="V001", kind=village_kind, parent=world.street_a)
    branches = [
        create_unit(None, name=f"第{i}党支部", code=f"P00{i}", kind=branch_kind, parent=village) for i in range(40)
    ]
    cast = Cast(
        office=world.office_city,
        city_liaison=None,
        city_leader=None,
        committee=[],
        supervisor=None,
        districts=[
            DistrictCast(world.district_a, world.office_a, world.liaison_a, world.leader_a),
            DistrictCast(world.district_b, world.office_b, world.liaison_b, world.leader_b),
        ],
    )
    tree = OrgTree(Node("示范市", "C000", "city", 0, "", unit=world.city), [], [], 4)
    people = People(NameMaker(random.Random(3)))
    lines = build_members(None, tree, cast, people, random.Random(5), dt.date(2026, 6, 1))
    assert "党员干部名册" in lines[0]
    for branch in branches:
        assert Member.objects.filter(unit=branch, position=SECRETARY).count() == 1
    mobile = Member.objects.filter(kind=MemberKind.MOBILE)
    assert mobile.exists()
    assert all(m.home_unit_id and m.current_unit == village for m in mobile)
    assert Member.objects.filter(kind=MemberKind.CADRE, unit=village).exists()
    assert Member.objects.exclude(phone_index="").exists()
    assert services.member_of(world.liaison_a).unit == world.district_a  # type: ignore[union-attr]
    assert services.member_of(world.office_city).unit == world.city  # type: ignore[union-attr]
    assert Member.objects.count() > 40 * 8
