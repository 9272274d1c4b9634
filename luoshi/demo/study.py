"""Classes of study (学习) in the demo, after Yangzhou's reports: the county-level cadres' reading class (县处级干部
读书班) of the city, 12 half-days, and one reading class per district for the cadres of its streets (10 half-days;
the last district planned only 8, which the 10-half-day rule flags), each with its roster from the register and
attendance by the organiser (a few absent, late, or on leave through an approved request); and the rotation
"基层党组织书记专题轮训" over every 党支部书记 of the city in 21 rotation classes (batches) of one day each, so the
rotation covers most of its target. Everything goes through ``luoshi.study.services`` and ``rotations``.

Call it after the register (``build_members``)::

    lines = build_study(demo, tree, cast, people, random.Random(seed + 8), today)
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import QuerySet

from luoshi.core.paths import subtree_q
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study import coverage, rotations, services
from luoshi.study.choices import AttendanceStatus, ClassKind, HalfDay
from luoshi.study.models import StudyClass, StudySession

CITY_HALF_DAYS = 12
DISTRICT_HALF_DAYS = 10
SHORT_HALF_DAYS = 8
BATCHES = 21
SECRETARY = "党支部书记"
COUNTY_UNITS = ("district", "function-zone", "dept", "party-committee")
JUNIOR = ("科员", "科长", "干部")
TOPICS = (
    "原原本本学习党章和党的纪律规定",
    "专题辅导：以案为鉴、以案促改",
    "分组研讨：对照检视作风方面的突出问题",
    "现场教学：红色教育基地",
    "交流发言：学习体会和整改思路",
    "观看警示教育片",
)
PLACES = ("市委党校报告厅", "区委党校第一教室", "干部学院多功能厅", "红色教育基地")
START = dt.time(8, 30)
AFTERNOON = dt.time(14, 30)


def _county_cadres(city: Unit) -> QuerySet[Member]:
    found = Member.objects.filter(subtree_q(city.path), kind=MemberKind.CADRE, active=True)
    return found.filter(unit__kind__code__in=COUNTY_UNITS).exclude(position__in=JUNIOR)


def _street_cadres(district: Unit) -> QuerySet[Member]:
    found = Member.objects.filter(subtree_q(district.path), kind=MemberKind.CADRE, active=True)
    return found.filter(unit__kind__code="street").exclude(position__in=JUNIOR)


def _sessions(study_class: StudyClass, first: dt.date, count: int, place: str) -> list[StudySession]:
    made = []
    for index in range(count):
        half = HalfDay.MORNING if index % 2 == 0 else HalfDay.AFTERNOON
        made.append(
            services.add_session(
                None,
                study_class,
                date=first + dt.timedelta(days=index // 2),
                half=half,
                starts_at=START if half == HalfDay.MORNING else AFTERNOON,
                place=place,
                title=TOPICS[index % len(TOPICS)],
            )
        )
    return made


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.9:
        return AttendanceStatus.PRESENT
    if roll < 0.95:
        return AttendanceStatus.LATE
    return AttendanceStatus.ABSENT


def _attend(session: StudySession, members: list[Member], rng: random.Random, today: dt.date) -> int:
    if session.date > today:
        return 0
    return services.mark_attendance(None, session, {m.pk: _status(rng) for m in members})


def _leave(session: StudySession, member: Member, asked_by: Any, decided_by: Any) -> None:
    """A leave request filed by the organiser and approved by the office: the member is 请假."""
    asked = services.request_leave(asked_by, session, member, reason="参加上级调训，无法参加本次学习")
    services.decide_leave(decided_by, asked, approve=True, note="同意，请自学补课")


def _reading_class(
    demo: Any, unit: Unit, topic: str, roster: list[Member], first: dt.date, half_days: int, place: str
) -> tuple[StudyClass, list[StudySession]]:
    made = services.create_class(
        None,
        campaign=demo.campaign,
        unit=unit,
        topic=topic,
        kind=ClassKind.READING,
        description="每天上午、下午各一个半天，原原本本学、联系实际学。",
    )
    services.add_to_roster(None, made, roster)
    return made, _sessions(made, first, half_days, place)


def _reading_classes(demo: Any, tree: OrgTree, cast: Cast, rng: random.Random, today: dt.date) -> list[StudyClass]:
    start = demo.campaign.starts_on + dt.timedelta(days=14)
    roster = list(_county_cadres(tree.city))
    city, sessions = _reading_class(demo, tree.city, "县处级干部读书班", roster, start, CITY_HALF_DAYS, PLACES[0])
    for session in sessions:
        _attend(session, roster, rng, today)
    if roster and sessions[0].date <= today:
        _leave(sessions[0], roster[0], cast.city_liaison, cast.office)
    made = [city]
    for index, district in enumerate(cast.districts):
        members = list(_street_cadres(district.unit))
        half_days = SHORT_HALF_DAYS if index == len(cast.districts) - 1 else DISTRICT_HALF_DAYS
        first = start + dt.timedelta(days=7 + 2 * index)
        topic = f"{district.unit.name}科级干部读书班"
        study_class, held = _reading_class(demo, district.unit, topic, members, first, half_days, PLACES[1])
        for session in held:
            _attend(session, members, rng, today)
        if members and held[-1].date <= today:
            _leave(held[-1], members[-1], district.liaison, district.office)
        made.append(study_class)
    return made


def _rotation(demo: Any, tree: OrgTree, rng: random.Random, today: dt.date) -> Any:
    rotation = rotations.create_rotation(
        None,
        campaign=demo.campaign,
        unit=tree.city,
        title="基层党组织书记专题轮训",
        target_kind=MemberKind.PARTY,
        target_position=SECRETARY,
        required_half_days=2,
    )
    secretaries = list(rotations.target_group(rotation).order_by("org_path", "id"))
    size = -(-len(secretaries) // BATCHES) if secretaries else 0
    first = demo.campaign.starts_on + dt.timedelta(days=28)
    for number in range(BATCHES):
        batch = rotations.add_batch(None, rotation, unit=tree.city, topic=f"基层党组织书记专题轮训班第{number + 1}期")
        group = secretaries[number * size : (number + 1) * size]
        services.add_to_roster(None, batch, group)
        day = min(first + dt.timedelta(days=4 * number), today)
        for session in _sessions(batch, day, 2, PLACES[2 + number % 2]):
            _attend(session, group, rng, today)
    return rotation


def build_study(demo: Any, tree: OrgTree, cast: Cast, people: Any, rng: random.Random, today: dt.date) -> list[str]:
    """Write the reading classes and the rotation; the summary lines give the figures a report would quote."""
    classes = _reading_classes(demo, tree, cast, rng, today)
    rotation = _rotation(demo, tree, rng, today)
    campaign = demo.campaign
    total = coverage.unit_coverage(campaign, tree.city)
    held = StudySession.objects.filter(campaign=campaign, study_class__isnull=False, date__lte=today).count()
    below = sum(1 for c in classes if StudySession.objects.filter(study_class=c).count() < c.min_half_days)
    trained = rotations.rotation_coverage(rotation)
    return [
        f"读书班 {len(classes)} 个（市级 1 个、县市区 {len(classes) - 1} 个），{below} 个计划半天数不足 10 个；"
        f"轮训班 {trained.batches} 期",
        f"学习场次 {total.half_days} 个半天（已举办 {held} 个），参学 {total.attendances:,} 人次，"
        f"覆盖 {total.people:,} 人（去重）",
        f"基层党组织书记专题轮训：{trained.batches} 期，完成 {trained.trained:,} / {trained.target:,} 人"
        f"（{trained.rate or 0}%），参训 {trained.attendances:,} 人次",
    ]
