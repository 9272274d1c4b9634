"""Helpers that make a lecture menu and put orders into any state through the services.

Orders are made in a campaign led by district A (its office, ``office_a``, dispatches), ordered by district A's
liaison for 东城街道, spoken by a member of district A whose login ``speaker_a`` holds the role 宣讲员 there. Each
order wishes for a half-day of its own, so that booked orders never clash unless a test wants them to.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from luoshi.access.roles import Role
from luoshi.campaigns.models import Campaign
from luoshi.lectures import services
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.members.models import Member
from luoshi.members.services import create_member
from luoshi.study.choices import HalfDay
from luoshi.testing.world import World, make_user

FIRST_DAY = dt.date(2026, 1, 5)
HALVES = (HalfDay.MORNING, HalfDay.AFTERNOON, HalfDay.EVENING)
_numbers = itertools.count(1)


def slot() -> tuple[dt.date, str]:
    """A half-day no other order of this test run wished for (dates in 2026, all past)."""
    n = next(_numbers)
    return FIRST_DAY + dt.timedelta(days=(n // 3) % 300), HALVES[n % 3]


def campaign(world: World) -> Campaign:
    """District A's own campaign (its office keeps the menu and dispatches), made once per world."""
    found = Campaign.objects.filter(unit=world.district_a, name="东城宣讲活动").first()
    return found or Campaign.objects.create(
        name="东城宣讲活动", unit=world.district_a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )


def member(world: World, *, unit: Any = None, user: Any = None, name: str = "") -> Member:
    n = next(_numbers)
    return create_member(None, unit=unit or world.district_a, number=f"LM{n:06d}", name=name or f"宣讲员{n}", user=user)


def speaker(world: World) -> Member:
    """The member whose login ``speaker_a`` (宣讲员 of district A) accepts and holds the orders."""
    if "speaker_a" not in world.users:
        world.users["speaker_a"] = make_user("speaker_a", Role.SPEAKER, world.district_a, "东城宣讲员")
        world.users["speaker_other"] = make_user("speaker_other", Role.SPEAKER, world.district_a, "另一宣讲员")
        world.users["speaker_b"] = make_user("speaker_b", Role.SPEAKER, world.district_b, "西城宣讲员")
        member(world, user=world.users["speaker_other"], name="另一宣讲员")
        return member(world, user=world.users["speaker_a"], name="东城宣讲员")
    return Member.objects.get(user=world.users["speaker_a"])


def category(world: World, name: str = "党的创新理论", on: Campaign | None = None) -> LectureCategory:
    on = on or campaign(world)
    found = LectureCategory.objects.filter(campaign=on, name=name).first()
    return found or services.create_category(world.office_a, campaign=on, name=name)


def item(world: World, *, by: Member | None = None, title: str = "") -> LectureItem:
    """A menu item of district A's campaign, spoken by ``speaker_a``'s member unless ``by`` says otherwise."""
    return services.create_item(
        world.office_a,
        campaign=campaign(world),
        category=category(world),
        title=title or f"学习贯彻党的创新理论第{next(_numbers)}讲",
        speaker=by or speaker(world),
        minutes=90,
        summary="结合基层实际宣讲。",
    )


def fresh(order: LectureOrder) -> LectureOrder:
    return LectureOrder.objects.select_related("campaign__unit", "item", "unit", "speaker").get(pk=order.pk)


def ordered(world: World, *, on: LectureItem | None = None, unit: Any = None, when: Any = None) -> LectureOrder:
    day, half = when or slot()
    return services.order_lecture(
        world.liaison_a,
        item=on or item(world),
        unit=unit or world.street_a,
        wished_date=day,
        wished_half=half,
        audience="社区党员",
        place="东城街道党群服务中心",
    )


def in_state(world: World, state: str, **kw: Any) -> LectureOrder:
    """An order of 东城街道 moved into ``state`` the way people would."""
    order = fresh(ordered(world, **kw))
    if state == OrderState.ORDERED:
        return order
    if state == OrderState.CANCELLED:
        return fresh(services.cancel_order(world.liaison_a, order, reason="时间冲突"))
    order = fresh(services.dispatch_order(world.office_a, order))
    if state == OrderState.DISPATCHED:
        return order
    if state == OrderState.DECLINED:
        return fresh(services.decline_order(world.speaker_a, order, reason="当天另有公务"))
    order = fresh(services.accept_order(world.speaker_a, order))
    if state == OrderState.ACCEPTED:
        return order
    order = fresh(services.hold_order(world.speaker_a, order, listeners=120))
    if state == OrderState.HELD:
        return order
    return fresh(services.rate_order(world.liaison_a, order, rating=5, comment="讲得透彻"))
