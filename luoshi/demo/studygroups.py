"""Open study groups (开放式学习小组) in the demo, after Shandong's reports (426 groups that mobile party members
join where they are): ``GROUPS`` groups hosted by the streets and communities of the city's districts, with an
address, a schedule, a topic and a capacity; about half with coordinates (so "near me" orders by distance). Each
takes members, mobile party members (流动党员) now in its county first, then party members of its county, and has
two meetings held with attendance (signed in by scan or from the roster, a few late or absent) and one to come.

Groups go through ``luoshi.study.groups``, attendance through ``luoshi.study.attendance.mark_many``; the memberships
and the meetings are each written in one batch with one audit record (a few thousand rows), like the register.

Call it after the register (``build_members``)::

    lines = build_study_groups(demo, tree, cast, people, random.Random(seed + 11), today)
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.paths import subtree_q
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study import attendance, groups
from luoshi.study.choices import AttendanceStatus, HalfDay, SignInMethod
from luoshi.study.models import GroupMembership, StudyGroup, StudySession

GROUPS = 426
SHANDONG_GROUPS = 426
CENTRE = (31.80, 119.20)  # the invented city's centre, as in the register's coordinates
SPREAD = 0.35
PLACE_SHARE = 0.5
MEMBERS = (4, 12)
HOSTS = ("street", "community")
TOPICS = (
    "学习贯彻党的二十届三中全会精神",
    "原原本本学党章",
    "以案为鉴、以案促改警示教育",
    "中央八项规定精神学习",
    "党的创新理论“微宣讲”",
    "流动党员“党课开讲啦”",
)
PLACES = ("党群服务中心", "新时代文明实践站", "流动党员之家", "“红色驿站”", "党员活动室")
SCHEDULES = ("每月第一个周六晚上", "每月 15 日下午", "每两周周三晚上", "每月最后一个周日上午")
NAMES = ("流动党员学习小组", "“红色驿站”学习小组", "新业态党员学习小组", "外来务工党员学习小组")


def _hosts(tree: OrgTree) -> list[Unit]:
    units = Unit.objects.filter(subtree_q(tree.city.path, "path"), kind__code__in=HOSTS).order_by("path")
    return [u for u in units if u.path.count(".") >= 3]


def _county(unit: Unit) -> str:
    return groups.county_path(unit.path)


def _place(rng: random.Random) -> tuple[Decimal | None, Decimal | None]:
    if rng.random() >= PLACE_SHARE:
        return None, None
    lat = CENTRE[0] + rng.uniform(-SPREAD, SPREAD)
    lon = CENTRE[1] + rng.uniform(-SPREAD, SPREAD)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _candidates(county: str, rng: random.Random) -> list[Member]:
    """Party members of the county, then the mobile party members now in the county: the groups take from the end,
    so the mobile members join first."""
    mobile = Member.objects.filter(kind=MemberKind.MOBILE, active=True)
    here = list(mobile.filter(subtree_q(county, "current_unit__path"))[:300])
    party = list(Member.objects.filter(subtree_q(county), kind=MemberKind.PARTY, active=True)[:300])
    rng.shuffle(here)
    rng.shuffle(party)
    return party + here


def _group(demo: Any, unit: Unit, number: int, rng: random.Random) -> StudyGroup:
    lat, lon = _place(rng)
    return groups.create_group(
        None,
        campaign=demo.campaign,
        unit=unit,
        name=f"{unit.name}{rng.choice(NAMES)}"[:90] + ("" if number < 1 else f"（{number + 1}）"),
        topic=rng.choice(TOPICS),
        schedule=rng.choice(SCHEDULES),
        address=f"{unit.name}{rng.choice(PLACES)}"[:200],
        latitude=lat,
        longitude=lon,
        capacity=rng.choice((15, 20, 30, 50)),
    )


def _attend(meeting: StudySession, members: list[Member], rng: random.Random) -> int:
    """Most signed in by scan, some marked from the roster, a few late or absent; written per method in bulk."""
    by_method: dict[str, list[tuple[Member, str]]] = {SignInMethod.QR: [], SignInMethod.ROSTER: []}
    for member in members:
        roll = rng.random()
        if roll < 0.08:
            status, method = AttendanceStatus.ABSENT, SignInMethod.ROSTER
        elif roll < 0.16:
            status, method = AttendanceStatus.LATE, SignInMethod.QR
        else:
            status = AttendanceStatus.PRESENT
            method = SignInMethod.QR if roll < 0.7 else SignInMethod.ROSTER
        by_method[method].append((member, status))
    for way, marks in by_method.items():
        attendance.mark_many(meeting, marks, method=way)
    return sum(mark != AttendanceStatus.ABSENT for marks in by_method.values() for _m, mark in marks)


def _meeting(group: StudyGroup, day: dt.date, half: str) -> StudySession:
    """A meeting as ``groups.add_meeting`` makes it (its own sign-in secret, the group's topic and place)."""
    return StudySession(
        campaign_id=group.campaign_id,
        group=group,
        org_path=group.org_path,
        title=group.topic[:200],
        date=day,
        half=half,
        place=group.address,
        secret=secrets.token_hex(32),
    )


def _meetings(made: list[tuple[StudyGroup, list[Member]]], rng: random.Random, today: dt.date) -> tuple[int, int]:
    """Two meetings held six and two weeks ago with attendance and one to come, per group; the meetings are
    written in one batch with one audit record, like the memberships. Returns meetings held and sign-ins."""
    held: list[tuple[StudySession, list[Member]]] = []
    upcoming: list[StudySession] = []
    for group, members in made:
        for weeks in (6, 2):
            day = today - dt.timedelta(days=7 * weeks + rng.randint(0, 4))
            held.append((_meeting(group, day, rng.choice(HalfDay.values)), members))
        upcoming.append(_meeting(group, today + dt.timedelta(days=rng.randint(3, 20)), HalfDay.EVENING))
    StudySession.objects.bulk_create([m for m, _members in held] + upcoming, batch_size=1000)
    record(
        Action.IMPORT,
        object_type="study.studysession",
        object_repr="开放式学习小组活动",
        detail=f"演示数据：开放式学习小组活动 {len(held) + len(upcoming)} 次",
        after={"created": len(held) + len(upcoming), "groups": len(made), "as_of": today.isoformat()},
    )
    return len(held), sum(_attend(meeting, members, rng) for meeting, members in held)


def build_study_groups(
    demo: Any, tree: OrgTree, cast: Cast, people: Any, rng: random.Random, today: dt.date
) -> list[str]:
    """Write the open groups with their members and meetings; the summary line gives the figures."""
    hosts = _hosts(tree)
    if not hosts:
        return []
    pools: dict[str, list[Member]] = {}
    rows: list[GroupMembership] = []
    made: list[tuple[StudyGroup, list[Member]]] = []
    for number in range(GROUPS):
        unit = hosts[(number * 7919) % len(hosts)] if number < len(hosts) else rng.choice(hosts)
        group = _group(demo, unit, number // len(hosts), rng)
        county = _county(unit)
        pool = pools.setdefault(county, _candidates(county, rng))
        taken = [pool.pop() for _i in range(min(len(pool), rng.randint(*MEMBERS), group.capacity))]
        rows += [GroupMembership(group=group, member=m, org_path=group.org_path) for m in taken]
        made.append((group, taken))
    GroupMembership.objects.bulk_create(rows, batch_size=1000)
    record(
        Action.IMPORT,
        object_type="study.groupmembership",
        object_repr="开放式学习小组成员",
        detail=f"演示数据：开放式学习小组成员 {len(rows)} 人次",
        after={"created": len(rows), "groups": len(made), "as_of": today.isoformat()},
    )
    held, attended = _meetings(made, rng, today)
    placed = sum(1 for g, _m in made if g.latitude is not None)
    mobile = sum(1 for _g, members in made for m in members if m.kind == MemberKind.MOBILE)
    return [
        f"开放式学习小组 {len(made)} 个（山东德州 {SHANDONG_GROUPS} 个），{placed} 个标注了坐标；"
        f"成员 {len(rows):,} 人次（流动党员 {mobile:,}）；已开展学习活动 {held} 次，签到 {attended:,} 人次"
    ]
