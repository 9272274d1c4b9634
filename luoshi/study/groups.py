"""Open study groups (开放式学习小组): a place, a schedule and a topic that members join where they are.

Organisers (``ORGANISE_STUDY`` over the host unit) create and edit groups, add meetings (``StudySession`` rows
with ``group`` set), add members by number and mark attendance from the roster of joined members. A member linked
to a login joins and leaves by themselves; ``capacity`` holds under concurrent joins (the group row is locked).
"Near me" orders a campaign's open groups by distance when both sides have coordinates, otherwise offers the
groups of the member's county (the second level of the org tree) subtree.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.paths import ancestors, subtree_q
from luoshi.members.models import Member
from luoshi.members.services import clean_coordinate, clean_text, member_by_number
from luoshi.orgs.models import Unit
from luoshi.study import attendance
from luoshi.study.choices import AttendanceStatus, HalfDay
from luoshi.study.models import Attendance, GroupMembership, StudyGroup, StudySession

MAX_CAPACITY = 10000
EARTH_RADIUS_KM = 6371.0
EDITABLE = ("name", "topic", "schedule", "address", "latitude", "longitude", "capacity", "is_open")


def _require(actor: User | None, path: str, message: str = "") -> None:
    if actor is not None:
        scope.require(actor, Perm.ORGANISE_STUDY, path, message or _("您无权组织该单位的学习小组。"))


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    for name, limit, label, required in (
        ("name", 100, _("小组名称"), True),
        ("topic", 200, _("学习主题"), True),
        ("schedule", 200, _("学习安排"), False),
        ("address", 200, _("地点"), True),
    ):
        if name in clean:
            clean[name] = clean_text(clean[name], limit, label, required=required)
    if "latitude" in clean or "longitude" in clean:
        clean["latitude"] = clean_coordinate(clean.get("latitude"), _("纬度"), 90)
        clean["longitude"] = clean_coordinate(clean.get("longitude"), _("经度"), 180)
        if (clean["latitude"] is None) != (clean["longitude"] is None):
            raise RuleViolation(_("纬度和经度要么都填，要么都不填。"))
    if "capacity" in clean and not 1 <= int(clean["capacity"]) <= MAX_CAPACITY:
        raise RuleViolation(_("容量应在 1 到 {n} 人之间。").format(n=MAX_CAPACITY))
    return clean


def create_group(
    actor: User | None,
    *,
    campaign: Campaign,
    unit: Unit,
    name: str,
    topic: str,
    address: str,
    schedule: str = "",
    latitude: Any = None,
    longitude: Any = None,
    capacity: int = 30,
    is_open: bool = True,
) -> StudyGroup:
    """A new open group hosted by ``unit``; its calendar feed token is a fresh secret."""
    _require(actor, unit.path)
    if actor is not None and not visible_campaigns(actor).filter(pk=campaign.pk).exists():
        raise NotAllowed(_("您无权在该活动中组织学习小组。"))
    fields = _clean(
        {"name": name, "topic": topic, "schedule": schedule, "address": address, "latitude": latitude}
        | {"longitude": longitude, "capacity": capacity, "is_open": bool(is_open)}
    )
    with transaction.atomic():
        group = StudyGroup.objects.create(
            campaign=campaign,
            unit=unit,
            org_path=unit.path,
            feed_token=secrets.token_urlsafe(24),
            created_by=actor,
            **fields,
        )
        record_change(actor, group, None, "新建开放式学习小组")
    return group


def update_group(actor: User | None, group: StudyGroup, **fields: Any) -> StudyGroup:
    """Edit a group's details (not its host unit or campaign); capacity never below the members joined."""
    _require(actor, group.org_path)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise RuleViolation(_("不能修改这些字段：{names}").format(names="、".join(sorted(unknown))))
    clean = _clean(fields)
    with transaction.atomic():
        locked = StudyGroup.objects.select_for_update().get(pk=group.pk)
        if "capacity" in clean and clean["capacity"] < locked.members.count():
            raise RuleViolation(_("容量不能少于已加入的人数。"))
        before = snapshot(locked)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        record_change(actor, locked, before, "修改开放式学习小组")
    return locked


def add_meeting(
    actor: User | None,
    group: StudyGroup,
    *,
    date: dt.date,
    half: str = HalfDay.EVENING,
    starts_at: dt.time | None = None,
    title: str = "",
    place: str = "",
) -> StudySession:
    """A meeting (学习活动) of the group: a session with its own sign-in secret, at the group's place by default."""
    _require(actor, group.org_path)
    if half not in HalfDay.values:
        raise RuleViolation(_("时段不对。"))
    with transaction.atomic():
        meeting = StudySession.objects.create(
            campaign_id=group.campaign_id,
            group=group,
            org_path=group.org_path,
            title=clean_text(title, 200, _("内容")) or group.topic[:200],
            date=date,
            half=half,
            starts_at=starts_at,
            place=clean_text(place, 200, _("地点")) or group.address,
            secret=secrets.token_hex(32),
        )
        record_change(actor, meeting, None, "新增学习小组活动")
    return meeting


def join_group(actor: User | None, group: StudyGroup, member: Member) -> GroupMembership:
    """Put ``member`` in the group: the member themselves (their login) while the group is open, or an organiser
    of the group; refused when full. Joining twice keeps the first membership."""
    own = actor is not None and member.user_id == actor.pk
    if not own:
        _require(actor, group.org_path)
    if not member.active:
        raise RuleViolation(_("该人员已离册，不能加入学习小组。"))
    with transaction.atomic():
        locked = StudyGroup.objects.select_for_update().get(pk=group.pk)
        found = GroupMembership.objects.filter(group=locked, member=member).first()
        if found is not None:
            return found
        if own and not locked.is_open:
            raise RuleViolation(_("该学习小组暂不开放加入。"))
        if locked.members.count() >= locked.capacity:
            raise RuleViolation(_("该学习小组已满员（{n} 人），请选择其他小组。").format(n=locked.capacity), "full")
        joined = GroupMembership.objects.create(group=locked, member=member, org_path=locked.org_path)
        record(Action.CREATE, actor=actor, obj=joined, detail=f"加入学习小组 {locked.pk}")
    return joined


def leave_group(actor: User | None, group: StudyGroup, member: Member) -> bool:
    """Take ``member`` out of the group (themselves or an organiser); False when they were not in it."""
    if actor is None or member.user_id != actor.pk:
        _require(actor, group.org_path)
    with transaction.atomic():
        found = GroupMembership.objects.filter(group=group, member=member).first()
        if found is None:
            return False
        record(Action.DELETE, actor=actor, obj=found, detail=f"退出学习小组 {group.pk}")
        found.delete()
    return True


def add_by_number(actor: User | None, group: StudyGroup, number: str) -> GroupMembership:
    """An organiser adds the member with this number (编号)."""
    _require(actor, group.org_path)
    member = member_by_number(number)
    if member is None:
        raise RuleViolation(_("名册中没有编号为「{number}」的在册人员。").format(number=str(number)[:30]), "no_member")
    return join_group(actor, group, member)


def mark_meeting(actor: User | None, meeting: StudySession, member: Member, status: str) -> Attendance:
    """The organiser marks a joined member's attendance at a meeting of the group (from its roster)."""
    _require(actor, meeting.org_path)
    if meeting.group_id is None:
        raise RuleViolation(_("这不是学习小组的活动。"))
    if status not in AttendanceStatus.values:
        raise RuleViolation(_("考勤状态不对。"))
    if not GroupMembership.objects.filter(group_id=meeting.group_id, member=member).exists():
        raise RuleViolation(_("该人员不是本小组成员。"))
    with transaction.atomic():
        row, changed = attendance.mark(meeting, member, status, actor=actor)
        if changed:
            record(Action.UPDATE, actor=actor, obj=row, detail=f"学习小组活动考勤：{status}")
    return row


# --- near me ----------------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def county_path(path: str) -> str:
    """The county-level ancestor of a unit (the second level of the tree), or the unit itself at the top."""
    chain = ancestors(path)
    return chain[1] if len(chain) > 1 else chain[0]


@dataclass(frozen=True)
class NearGroup:
    group: StudyGroup
    distance_km: float | None
    joined: int


def _open_groups(campaign: Campaign | None) -> Any:
    groups = StudyGroup.objects.filter(is_open=True, campaign__is_active=True).select_related("unit", "campaign")
    return groups.filter(campaign=campaign) if campaign is not None else groups


def groups_near(member: Member, campaign: Campaign | None = None, limit: int = 30) -> list[NearGroup]:
    """Open groups for ``member``: by distance when both have coordinates, then the groups of their county."""
    groups = _open_groups(campaign)
    found: list[tuple[StudyGroup, float | None]] = []
    if member.latitude is not None and member.longitude is not None:
        here = (float(member.latitude), float(member.longitude))
        placed = groups.filter(latitude__isnull=False, longitude__isnull=False)
        measured = [(g, haversine_km(*here, float(g.latitude or 0), float(g.longitude or 0))) for g in placed]
        measured.sort(key=lambda pair: (pair[1], pair[0].pk))
        found = [(g, d) for g, d in measured[:limit]]
    if len(found) < limit:
        unit = member.current_unit or member.unit
        seen = {g.pk for g, _d in found}
        local = groups.filter(subtree_q(county_path(unit.path))).exclude(pk__in=seen).order_by("org_path", "id")
        found += [(g, None) for g in local[: limit - len(found)]]
    counts = member_counts([g.pk for g, _d in found])
    return [NearGroup(g, d, counts.get(g.pk, 0)) for g, d in found]


def member_counts(group_ids: list[int]) -> dict[int, int]:
    rows = GroupMembership.objects.filter(group_id__in=group_ids).values("group_id").annotate(n=Count("id"))
    return {row["group_id"]: row["n"] for row in rows}
