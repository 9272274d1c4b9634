"""The people of the demo (演示账号与角色): one login per role, plus fictional officials who act in the data.

Only ``demo_`` accounts can log in (password ``DEMO_PASSWORD``); the other officials exist so that
problems are claimed, rectified and reviewed by the right people, and have unusable passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import twofactor
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.demo.accounts import DEMO_PASSWORD, DEMO_PREFIX
from luoshi.demo.content import CITY_LEADER_TITLE, COMMITTEE_TITLES
from luoshi.demo.names import NameMaker
from luoshi.demo.orgtree import ZONES, OrgTree
from luoshi.orgs.models import Unit


@dataclass
class DistrictCast:
    """Who acts for one district-level unit: its office (办公室), liaison (联络员) and leader (责任领导)."""

    unit: Unit
    office: Any
    liaison: Any
    leader: Any


@dataclass
class Cast:
    office: Any
    city_liaison: Any
    city_leader: Any
    committee: list[Any]
    supervisor: Any
    districts: list[DistrictCast]

    @property
    def home(self) -> DistrictCast:
        """The district the district-level demo accounts belong to."""
        return self.districts[0]


def leader_title(unit: Unit) -> str:
    return f"{unit.name}党工委书记" if unit.name in ZONES else f"{unit.name}委书记"


class People:
    def __init__(self, names: NameMaker):
        self.names = names
        self.unusable = make_password(None)

    @cached_property
    def demo_hash(self) -> str:
        return make_password(DEMO_PASSWORD)

    def user(self, username: str, title: str, role: str, unit: Unit, name: str = "") -> Any:
        demo = username.startswith(DEMO_PREFIX)
        user = get_user_model().objects.create(
            username=username,
            display_name=name or self.names.person(),
            title=title,
            unit=unit,
            password=self.demo_hash if demo else self.unusable,
        )
        record(Action.CREATE, obj=user, after=snapshot(user), actor_name="演示数据", detail="演示数据：新建账号")
        assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit)
        record_change(None, assignment, None, detail="演示数据：角色授权")
        if demo and twofactor.requires_two_factor(user):
            twofactor.enrol_demo(user)
        return user

    def district(self, unit: Unit, index: int) -> DistrictCast:
        prefix, head = f"d{index:02d}_", unit.name
        return DistrictCast(
            unit,
            office=self.user(f"{prefix}office", f"{head}学习教育办公室", Role.OFFICE, unit),
            liaison=self.user(f"{prefix}liaison", f"{head}联络员", Role.LIAISON, unit),
            leader=self.user(f"{prefix}leader", leader_title(unit), Role.LEADER, unit),
        )

    def home_district(self, unit: Unit) -> tuple[DistrictCast, Any]:
        head = unit.name
        cast = DistrictCast(
            unit,
            office=self.user("demo_office_district", f"{head}学习教育办公室", Role.OFFICE, unit),
            liaison=self.user("demo_liaison", f"{head}联络员", Role.LIAISON, unit),
            leader=self.user("demo_leader", leader_title(unit), Role.LEADER, unit),
        )
        supervisor = self.user("demo_supervisor", f"市委第一督导组 联系{head}", Role.SUPERVISOR, unit)
        self.user("demo_handler", f"{head}诉求承办人", Role.HANDLER, unit)
        return cast, supervisor


def build_cast(tree: OrgTree, names: NameMaker, people: People | None = None) -> Cast:
    """Create the demo logins and the officials; the first district is the demo accounts' home."""
    people = people or People(names)
    city = tree.city
    office = people.user("demo_office", "市委学习教育领导小组办公室", Role.OFFICE, city)
    people.user("demo_secadmin", "安全管理员", Role.SECURITY_ADMIN, city)
    people.user("demo_auditor", "安全审计员", Role.AUDITOR, city)
    people.user("demo_dispatcher", "12345热线受理派单员", Role.DISPATCHER, city)
    committee = [
        people.user(
            "demo_city_leader" if title == CITY_LEADER_TITLE else f"city_leader_{i:02d}", title, Role.LEADER, city
        )
        for i, title in enumerate(COMMITTEE_TITLES, 1)
    ]
    city_leader = next(u for u in committee if u.username == "demo_city_leader")
    city_liaison = people.user("city_liaison", "市委办公室联络员", Role.LIAISON, city)
    home, supervisor = people.home_district(tree.districts[0].saved())
    others = [people.district(node.saved(), i) for i, node in enumerate(tree.districts[1:], 2)]
    return Cast(office, city_liaison, city_leader, committee, supervisor, [home, *others])
