"""Helpers for the tests of classes of study: a class with sessions and a roster, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.orgs.models import Unit
from luoshi.study import services
from luoshi.study.choices import ClassKind, HalfDay
from luoshi.study.models import ClassMember, StudyClass, StudySession
from luoshi.testing.world import World

DAY = dt.date(2026, 5, 4)
HALVES = (HalfDay.MORNING, HalfDay.AFTERNOON)


def make_class(world: World, unit: Unit | None = None, **fields: Any) -> StudyClass:
    fields.setdefault("topic", "读书班")
    fields.setdefault("kind", ClassKind.READING)
    return services.create_class(None, campaign=world.campaign, unit=unit or world.district_a, **fields)


def make_sessions(study_class: StudyClass, count: int, start: dt.date = DAY) -> list[StudySession]:
    """``count`` half-days from ``start``: morning and afternoon of each day."""
    return [
        services.add_session(
            None, study_class, date=start + dt.timedelta(days=i // 2), half=HALVES[i % 2], place="党校"
        )
        for i in range(count)
    ]


def enrol(study_class: StudyClass, *members: Member) -> None:
    for member in members:
        ClassMember.objects.get_or_create(study_class=study_class, member=member, org_path=member.org_path)


def members(unit: Unit, count: int, **fields: Any) -> list[Member]:
    return [make_member(unit, **fields) for _ in range(count)]
