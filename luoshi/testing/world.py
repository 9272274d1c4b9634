"""A small org tree with one user per role, shared by every test (``world`` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel
from luoshi.orgs.models import Unit, UnitKind
from luoshi.orgs.services import create_unit

PASSWORD = "Luoshi-test-2026"  # noqa: S105
ASPECTS = ("理论学习", "政治建设", "作风建设", "为民服务")


@dataclass
class World:
    city: Unit
    district_a: Unit
    street_a: Unit
    district_b: Unit
    campaign: Campaign
    users: dict[str, Any] = field(default_factory=dict)
    channels: list[Channel] = field(default_factory=list)
    aspects: list[Aspect] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_user(username: str, role: str | None = None, unit: Unit | None = None, name: str = "") -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, display_name=name or username)
    if role and unit:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def build_world() -> World:
    kinds = {
        code: UnitKind.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("city", "市委"), ("district", "县市区"), ("street", "乡镇街道"), ("dept", "市直部门")]
    }
    city = create_unit(None, name="示范市", code="C000", kind=kinds["city"], parent=None)
    district_a = create_unit(None, name="东城区", code="D001", kind=kinds["district"], parent=city)
    street_a = create_unit(None, name="东城街道", code="S001", kind=kinds["street"], parent=district_a)
    district_b = create_unit(None, name="西城区", code="D002", kind=kinds["district"], parent=city)
    campaign = Campaign.objects.create(
        name="测试主题教育", unit=city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    channels = [Channel.objects.create(campaign=campaign, name=n, order=i) for i, n in enumerate(DEFAULT_CHANNELS)]
    aspects = [Aspect.objects.create(campaign=campaign, name=n, order=i) for i, n in enumerate(ASPECTS)]
    world = World(city, district_a, street_a, district_b, campaign, channels=channels, aspects=aspects)
    specs = [
        ("office_city", Role.OFFICE, city, "市办公室"),
        ("office_a", Role.OFFICE, district_a, "东城办公室"),
        ("liaison_a", Role.LIAISON, district_a, "东城联络员"),
        ("leader_a", Role.LEADER, district_a, "东城领导"),
        ("leader_a2", Role.LEADER, district_a, "东城副职"),
        ("liaison_b", Role.LIAISON, district_b, "西城联络员"),
        ("leader_b", Role.LEADER, district_b, "西城领导"),
        ("office_b", Role.OFFICE, district_b, "西城办公室"),
        ("supervisor_a", Role.SUPERVISOR, district_a, "东城督导"),
        ("secadmin", Role.SECURITY_ADMIN, city, "安全管理员"),
        ("auditor", Role.AUDITOR, city, "审计员"),
        ("dispatcher_city", Role.DISPATCHER, city, "市受理派单员"),
        ("handler_a", Role.HANDLER, district_a, "东城承办人"),
        ("handler_b", Role.HANDLER, district_b, "西城承办人"),
    ]
    for username, role, unit, name in specs:
        world.users[username] = make_user(username, role, unit, name)
    world.users["nobody"] = make_user("nobody")
    return world
