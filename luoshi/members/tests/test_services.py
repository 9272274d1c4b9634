"""The member register's rules: scope, audit, phones encrypted, indexed and masked, unique numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.core import crypto
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.members import services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def events(member: Member) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk)).order_by("seq"))


def test_a_liaison_adds_a_member_of_their_district_and_it_is_audited_without_the_phone(world: World) -> None:
    member = services.create_member(
        world.liaison_a, unit=world.street_a, number="A0001", name="王建国", position="党支部书记", phone="13812345678"
    )
    assert member.org_path == world.street_a.path
    assert member.phone_masked == "138****5678"
    assert "13812345678" not in member.phone_enc
    assert services.phone_of(member) == "13812345678"
    assert member.phone_index == crypto.blind_index("13812345678")
    (event,) = events(member)
    assert event.action == Action.CREATE
    assert event.actor_id == world.liaison_a.pk
    assert "13812345678" not in str(event.after)
    assert "phone_enc" not in (event.after or {})


def test_nobody_adds_members_outside_their_scope(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.create_member(world.liaison_b, unit=world.street_a, number="A0002", name="李明")
    with pytest.raises(NotAllowed):
        services.create_member(world.leader_a, unit=world.street_a, number="A0003", name="李明")
    assert not Member.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567x", "138123456789"])
def test_a_bad_phone_is_refused_without_echoing_it(world: World, phone: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.create_member(world.liaison_a, unit=world.street_a, number="A0004", name="张三", phone=phone)
    assert phone not in str(refused.value)
    assert not Member.objects.exists()


def test_numbers_are_unique_with_a_clear_message(world: World) -> None:
    make_member(world.street_a, number="DUP1")
    with pytest.raises(RuleViolation, match="编号「DUP1」已被"):
        services.create_member(world.liaison_b, unit=world.district_b, number="DUP1", name="赵六")
    other = make_member(world.street_a, number="DUP2")
    with pytest.raises(RuleViolation, match="不能重复"):
        services.update_member(world.liaison_a, other, number="DUP1")
    with pytest.raises(RuleViolation):
        services.create_member(None, unit=world.street_a, number="有 空格", name="赵六")


def test_update_changes_fields_and_phone_and_audits_only_what_changed(world: World) -> None:
    member = make_member(world.street_a, phone="13812345678", position="党员")
    services.update_member(world.liaison_a, member, position="组织委员")
    assert Member.objects.get(pk=member.pk).phone_masked == "138****5678"
    services.update_member(world.liaison_a, member, phone="13900001111")
    member.refresh_from_db()
    assert services.phone_of(member) == "13900001111"
    assert member.position == "组织委员"
    last = events(member)[-1]
    assert last.action == Action.UPDATE
    assert "13900001111" not in str(last.before) + str(last.after)
    assert "position" in (events(member)[1].after or {})
    services.update_member(world.liaison_a, member, phone="")
    member.refresh_from_db()
    assert member.phone_enc == member.phone_index == member.phone_masked == ""
    with pytest.raises(RuleViolation):
        services.update_member(world.liaison_a, member, active=False)
    with pytest.raises(NotAllowed):
        services.update_member(world.liaison_b, member, name="改名")


def test_a_mobile_member_keeps_home_and_current_place(world: World) -> None:
    member = services.create_member(
        world.office_city,
        unit=world.street_a,
        number="M1",
        name="流动甲",
        kind=MemberKind.MOBILE,
        home_unit=world.street_a,
        current_unit=world.district_b,
        current_place="西城区某街道",
        latitude="31.5",
        longitude="119.25",
    )
    assert member.latitude == Decimal("31.500000")
    assert member.current_unit == world.district_b
    with pytest.raises(RuleViolation, match="纬度和经度"):
        services.update_member(world.office_city, member, longitude=None)
    with pytest.raises(RuleViolation):
        services.update_member(world.office_city, member, latitude="91", longitude="1")
    with pytest.raises(RuleViolation):
        services.update_member(world.office_city, member, kind="nobody")


def test_moving_needs_both_units(world: World) -> None:
    member = make_member(world.street_a)
    with pytest.raises(NotAllowed):
        services.move_member(world.liaison_a, member, world.district_b)
    services.move_member(world.office_city, member, world.district_b)
    member.refresh_from_db()
    assert member.unit == world.district_b
    assert member.org_path == world.district_b.path
    assert "转到西城区" in events(member)[-1].detail
    assert services.move_member(world.office_city, member, world.district_b) is member


def test_deactivate_and_reactivate(world: World) -> None:
    member = make_member(world.street_a)
    with pytest.raises(NotAllowed):
        services.deactivate(world.liaison_b, member)
    services.deactivate(world.liaison_a, member, "组织关系转出")
    assert not Member.objects.get(pk=member.pk).active
    assert services.member_by_number(member.number) is None
    with pytest.raises(RuleViolation, match="已离册"):
        services.deactivate(world.liaison_a, member)
    services.reactivate(world.liaison_a, member)
    assert services.member_by_number(member.number) == member
    assert services.reactivate(world.liaison_a, member).active
    assert [e.detail for e in events(member)][-2:] == ["组织关系转出", "恢复在册"]


def test_link_user_gives_a_member_a_login_once(world: World) -> None:
    member, other = make_member(world.street_a), make_member(world.street_a)
    person = make_user("member_login")
    services.link_user(world.liaison_a, member, person)
    assert services.member_of(person) == member
    with pytest.raises(RuleViolation):
        services.link_user(world.liaison_a, other, person)
    with pytest.raises(NotAllowed):
        services.link_user(world.liaison_b, other, person)
    services.link_user(world.liaison_a, member, None)
    assert services.member_of(person) is None
    assert services.member_of(world.nobody) is None


def test_phone_matches_by_blind_index(world: World) -> None:
    member = make_member(world.street_a, phone="13812345678")
    assert services.phone_matches(member, "138-1234-5678")
    assert services.phone_matches(member, "+8613812345678")
    assert not services.phone_matches(member, "13812345679")
    assert not services.phone_matches(member, "not a phone")
    assert not services.phone_matches(make_member(world.street_a), "13812345678")


def test_member_by_number_finds_active_members_only(world: World) -> None:
    member = make_member(world.street_a, number="N-77")
    assert services.member_by_number(" N-77 ") == member
    assert services.member_by_number("") is None
    assert services.member_by_number("N-78") is None


def test_checks_used_by_the_import(world: World) -> None:
    assert services.clean_phone("138 1234 5678") == "13812345678"
    assert services.clean_kind(MemberKind.CADRE) == MemberKind.CADRE
    assert services.clean_number(" ab_1 ") == "ab_1"
    assert services.clean_text(" x ", 5, "姓名") == "x"
    assert services.clean_coordinate("", "纬度", 90) is None
    with pytest.raises(RuleViolation):
        services.clean_coordinate("abc", "纬度", 90)
    with pytest.raises(RuleViolation):
        services.clean_coordinate("nan", "纬度", 90)
    assert services.phone_fields("")["phone_enc"] == ""
