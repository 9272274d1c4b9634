"""A supervision group of district A's office with a leader and a member from a sibling street, assigned 东城街道,
and helpers that put its visits, records and findings into any state through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from luoshi.access import scope
from luoshi.access.roles import Role
from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.supervision import services
from luoshi.supervision.choices import FindingState, MemberRole
from luoshi.supervision.models import Finding, GroupAssignment, SupervisionGroup, VisitRecord
from luoshi.testing.world import World, make_user
from luoshi.visits.models import Visit

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 5, 11)


def on(day: dt.date) -> time_machine.travel:
    """Freeze the clock at 9:00 in Shanghai on ``day`` (``timezone.localdate()`` is ``day``)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), tick=False)


@dataclass
class Sup:
    world: World
    street_a2: Unit
    leader: Any
    member: Any
    group: SupervisionGroup
    assignment: GroupAssignment

    def fresh(self, user: Any) -> Any:
        """The user with no cached scope (a new request)."""
        scope.forget(user)
        return user


def build(world: World, ends_on: dt.date | None = None) -> Sup:
    """东城第一督导组, sent by district A; its leader and member are liaisons of 东城二街道, so they read 东城街道
    only through the group's assignment (from 2026-01-01, open unless ``ends_on``)."""
    street_a2 = create_unit(None, name="东城二街道", code="S001-2", kind=world.street_a.kind, parent=world.district_a)
    leader = make_user("zuzhang", Role.LIAISON, street_a2, "督导组长")
    member = make_user("zuyuan", Role.LIAISON, street_a2, "督导组员")
    group = services.create_group(world.office_a, campaign=world.campaign, unit=world.district_a, name="东城第一督导组")
    services.add_member(world.office_a, group, leader, MemberRole.LEADER)
    services.add_member(world.office_a, group, member, MemberRole.MEMBER)
    assignment = services.assign_unit(world.office_a, group, world.street_a, START, ends_on)
    return Sup(world, street_a2, leader, member, group, assignment)


def plan(sup: Sup, day: dt.date = dt.date(2026, 5, 8), **kw: Any) -> Visit:
    params: dict[str, Any] = {
        "unit": sup.world.street_a,
        "date": day,
        "headcount": 4,
        "team": "组长、组员",
        "kinds": ["checks", "talks"],
        "purpose": "查台账、访群众",
    }
    params.update(kw)
    return services.plan_visit(sup.fresh(sup.member), sup.group, **params)


def recorded(sup: Sup, **kw: Any) -> VisitRecord:
    with on(TODAY):
        visit = plan(sup)
        return services.record_visit(sup.fresh(sup.member), visit, sup.group, notes="台账齐全，群众反映良好。", **kw)


def finding(sup: Sup, state: str = FindingState.DRAFT, **kw: Any) -> Finding:
    params: dict[str, Any] = {
        "unit": sup.world.street_a,
        "title": "问题台账更新不及时",
        "description": "三月以来台账未更新。",
        "requirement": "一周内补齐台账。",
        "aspect": sup.world.aspects[2],
        "due_date": dt.date(2026, 12, 20),
    }
    params.update(kw)
    item = services.record_finding(sup.fresh(sup.member), sup.group, **params)
    if state in (FindingState.CONFIRMED, FindingState.TRANSFERRED):
        item = services.confirm_finding(sup.fresh(sup.leader), item)
    if state == FindingState.TRANSFERRED:
        item = services.transfer_finding(sup.fresh(sup.leader), item)
    if state == FindingState.DISMISSED:
        item = services.dismiss_finding(sup.fresh(sup.leader), item, reason="核实后不属实")
    return item
