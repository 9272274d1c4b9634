"""Helpers of the sign-in and study group tests: a class session with a roster, an open group with a meeting,
and an SMS provider that keeps what it sends in memory (``OUTBOX``) instead of texting anyone."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from luoshi.members.models import Member
from luoshi.members.tests.factory import make_member
from luoshi.orgs.models import Unit
from luoshi.study import groups
from luoshi.study.choices import HalfDay
from luoshi.study.models import ClassMember, StudyClass, StudyGroup, StudySession

OUTBOX: list[tuple[str, str]] = []
PROVIDER = "luoshi.study.tests.signin_factory.OutboxSmsProvider"


class OutboxSmsProvider:
    """A test SMS gateway: every message lands in ``OUTBOX``."""

    def send(self, phone: str, text: str) -> None:
        OUTBOX.append((phone, text))


def last_sms_code() -> str:
    found = re.search(r"\d{6}", OUTBOX[-1][1])
    assert found is not None
    return found.group(0)


def class_session(
    world: Any,
    unit: Unit | None = None,
    *,
    starts_at: dt.time | None = dt.time(9, 0),
    date: dt.date = dt.date(2026, 5, 12),
) -> StudySession:
    unit = unit or world.district_a
    study_class = StudyClass.objects.create(
        campaign=world.campaign, unit=unit, org_path=unit.path, topic="读书班（测试）", min_half_days=10
    )
    return StudySession.objects.create(
        campaign=world.campaign,
        study_class=study_class,
        org_path=unit.path,
        title="第一讲",
        date=date,
        half=HalfDay.MORNING,
        starts_at=starts_at,
        place="区委党校",
        secret=secrets.token_hex(32),
    )


def on_roster(session: StudySession, member: Member) -> None:
    assert session.study_class is not None
    ClassMember.objects.create(study_class=session.study_class, member=member, org_path=member.org_path)


def member(unit: Unit, phone: str = "13800138000", **fields: Any) -> Member:
    return make_member(unit, phone=phone, **fields)


def open_group(world: Any, unit: Unit | None = None, **fields: Any) -> StudyGroup:
    unit = unit or world.street_a
    fields.setdefault("name", "东城流动党员学习小组")
    fields.setdefault("topic", "学习贯彻新思想")
    fields.setdefault("address", "东城街道党群服务中心")
    return groups.create_group(None, campaign=world.campaign, unit=unit, **fields)
