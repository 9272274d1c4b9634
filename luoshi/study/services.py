"""The only code that writes classes of study (学习班次): classes, half-day sessions, rosters, roster attendance
and leave requests (请假).

A class is organised by a unit (ORGANISE_STUDY over it) or by the campaign's office (MANAGE_STUDY over the
campaign's unit). A 读书班 needs at least ``READING_MIN_HALF_DAYS`` half-days unless set otherwise. The roster
(应参学人员) comes from the register by subtree, kind and position, or by member numbers. The organiser marks each
expected member 出席/迟到/缺席/请假 in one go; a leave request is filed by the organiser or the member's own login
and decided by ORGANISE_STUDY over the session's unit, never by whoever asked; approved, the member is 请假.
Every change is audited; attendance goes through ``luoshi.study.attendance.mark``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.imports import Column, ImportRejected, RowError, SheetFormat, cell_text, check_xlsx, read_sheet
from luoshi.core.paths import is_within, subtree_q
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study import attendance
from luoshi.study.choices import AttendanceStatus, ClassKind, HalfDay, SignInMethod
from luoshi.study.models import Attendance, ClassMember, LeaveRequest, StudyClass, StudySession, TrainingRotation
from luoshi.tracking import engine
from luoshi.tracking.choices import RequestState

READING_MIN_HALF_DAYS = 10
MAX_HALF_DAYS = 200
MAX_ROSTER = 20_000
MAX_NUMBERS = 5_000
MAX_ROSTER_BYTES = 5 * 1024 * 1024
NUMBER = "编号"
ROSTER_SHEET = SheetFormat(
    sheet="应参学人员",
    columns=[Column(NUMBER, True, gettext_lazy("名册中的人员编号"), 16)],
    example_column=NUMBER,
    too_many=gettext_lazy("一次最多导入 {limit} 人。"),
    empty=gettext_lazy("文件中没有人员编号。"),
    what="roster",
)


class RosterRejected(ImportRejected):
    summary = gettext_lazy("名单有 {count} 处错误，未导入任何人员。")


def default_min_half_days(kind: str) -> int:
    """读书班: at least 10 half-days; other kinds have no minimum."""
    return READING_MIN_HALF_DAYS if kind == ClassKind.READING else 0


def may_organise(user: Any, campaign: Campaign, unit_path: str) -> bool:
    """ORGANISE_STUDY over the organiser unit, or MANAGE_STUDY over the campaign's unit."""
    return scope.can(user, Perm.ORGANISE_STUDY, unit_path) or scope.can(user, Perm.MANAGE_STUDY, campaign.unit.path)


def require_organiser(user: Any, campaign: Campaign, unit_path: str) -> None:
    if not may_organise(user, campaign, unit_path):
        raise NotAllowed(_("您无权组织该单位的学习。"))


def clean_text(value: str, what: str, most: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("{what}不能为空。").format(what=what))
    if len(value) > most:
        raise RuleViolation(_("{what}不能超过 {most} 字。").format(what=what, most=most))
    return value


def check_unit(campaign: Campaign, unit: Unit) -> None:
    if not is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))


def _check_kind(kind: str, rotation: TrainingRotation | None, campaign: Campaign) -> None:
    if kind not in ClassKind.values:
        raise RuleViolation(_("班次类型不正确。"), code="kind")
    if rotation is not None and kind != ClassKind.ROTATION:
        raise RuleViolation(_("只有轮训班可以归属轮训。"), code="rotation")
    if rotation is not None and rotation.campaign_id != campaign.pk:
        raise RuleViolation(_("轮训「{rotation}」不属于该活动。").format(rotation=rotation), code="rotation")


def _half_days(value: int | None, kind: str) -> int:
    if value is None:
        return default_min_half_days(kind)
    if not 0 <= int(value) <= MAX_HALF_DAYS:
        raise RuleViolation(_("最少半天数应在 0 到 {most} 之间。").format(most=MAX_HALF_DAYS), code="min_half_days")
    return int(value)


# --- classes ----------------------------------------------------------------------------------------------------


def create_class(
    actor: User | None,
    *,
    campaign: Campaign,
    unit: Unit,
    topic: str,
    kind: str = ClassKind.READING,
    description: str = "",
    min_half_days: int | None = None,
    rotation: TrainingRotation | None = None,
) -> StudyClass:
    """新建学习班次; ``actor`` None is the system (demo), otherwise an organiser of the unit."""
    if actor is not None:
        require_organiser(actor, campaign, unit.path)
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))
    check_unit(campaign, unit)
    _check_kind(kind, rotation, campaign)
    with transaction.atomic():
        made = StudyClass.objects.create(
            campaign=campaign,
            unit=unit,
            org_path=unit.path,
            kind=kind,
            topic=clean_text(topic, _("主题"), 200),
            description=clean_text(description, _("说明"), 5000, required=False),
            min_half_days=_half_days(min_half_days, kind),
            rotation=rotation,
            created_by=actor,
        )
        record_change(actor, made, None, detail=_("新建学习班次"))
    return made


def update_class(
    actor: User,
    study_class: StudyClass,
    *,
    topic: str,
    description: str = "",
    min_half_days: int | None = None,
) -> StudyClass:
    """修改学习班次: topic, description and the least half-days."""
    require_organiser(actor, study_class.campaign, study_class.org_path)
    with transaction.atomic():
        fresh = StudyClass.objects.select_for_update().get(pk=study_class.pk)
        before = snapshot(fresh)
        fresh.topic = clean_text(topic, _("主题"), 200)
        fresh.description = clean_text(description, _("说明"), 5000, required=False)
        fresh.min_half_days = _half_days(min_half_days, fresh.kind)
        fresh.save()
        record_change(actor, fresh, before, detail=_("修改学习班次"))
    return fresh


# --- sessions ---------------------------------------------------------------------------------------------------


def add_session(
    actor: User | None,
    study_class: StudyClass,
    *,
    date: dt.date,
    half: str = HalfDay.MORNING,
    starts_at: dt.time | None = None,
    place: str = "",
    title: str = "",
) -> StudySession:
    """新增学习场次 of one half-day; a class has at most one session per half-day."""
    if actor is not None:
        require_organiser(actor, study_class.campaign, study_class.org_path)
    if half not in HalfDay.values:
        raise RuleViolation(_("时段不正确。"), code="half")
    if StudySession.objects.filter(study_class=study_class, date=date, half=half).exists():
        raise RuleViolation(_("该班次在这个半天已有场次。"), code="duplicate")
    with transaction.atomic():
        made = StudySession.objects.create(
            campaign_id=study_class.campaign_id,
            study_class=study_class,
            org_path=study_class.org_path,
            title=clean_text(title, _("内容"), 200, required=False),
            date=date,
            half=half,
            starts_at=starts_at,
            place=clean_text(place, _("地点"), 200, required=False),
            secret=secrets.token_hex(32),
        )
        record_change(actor, made, None, detail=_("新增学习场次"))
    return made


# --- roster -----------------------------------------------------------------------------------------------------


def add_to_roster(actor: User | None, study_class: StudyClass, members: Iterable[Member], how: str = "") -> int:
    """Adds members of the campaign's subtree to the roster (others are left out); how many were new."""
    if actor is not None:
        require_organiser(actor, study_class.campaign, study_class.org_path)
    how = how or _("按名单")
    campaign_path = study_class.campaign.unit.path
    rows = [
        ClassMember(study_class=study_class, member=m, org_path=m.org_path)
        for m in members
        if is_within(m.org_path, campaign_path)
    ]
    if len(rows) > MAX_ROSTER:
        raise RuleViolation(_("一次最多加入 {most} 人。").format(most=MAX_ROSTER), code="too_many")
    before = ClassMember.objects.filter(study_class=study_class).count()
    with transaction.atomic():
        ClassMember.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        added = ClassMember.objects.filter(study_class=study_class).count() - before
        record(
            Action.UPDATE,
            actor=actor,
            obj=study_class,
            detail=_("应参学人员：{how}，新增 {n} 人").format(how=how, n=added),
            after={"added": added},
        )
    return added


def register_members(unit: Unit, *, kind: str = "", position: str = "") -> Any:
    """Active members of the unit's subtree, optionally of a kind and with a position keyword."""
    found = Member.objects.filter(subtree_q(unit.path), active=True)
    if kind:
        found = found.filter(kind=kind)
    if position.strip():
        found = found.filter(position__contains=position.strip())
    return found


def roster_from_register(
    actor: User | None, study_class: StudyClass, *, unit: Unit, kind: str = "", position: str = ""
) -> int:
    """Adds the register's members of a unit's subtree (by kind and position keyword); how many were new."""
    if actor is not None:
        require_organiser(actor, study_class.campaign, study_class.org_path)
    check_unit(study_class.campaign, unit)
    position = clean_text(position, _("职务"), 100, required=False)
    members = register_members(unit, kind=kind, position=position).only("pk", "org_path")
    return add_to_roster(actor, study_class, members, _("按名册（{unit}）").format(unit=unit))


def parse_numbers(numbers: str | Iterable[str]) -> list[str]:
    """Member numbers separated by lines, commas, semicolons or spaces; duplicates dropped, order kept."""
    parts = re.split(r"[\s,，;；、]+", numbers) if isinstance(numbers, str) else [str(n) for n in numbers]
    cleaned = list(dict.fromkeys(p.strip() for p in parts if p.strip()))
    if len(cleaned) > MAX_NUMBERS:
        raise RuleViolation(_("一次最多输入 {most} 个编号。").format(most=MAX_NUMBERS), code="too_many")
    return cleaned


def roster_from_numbers(actor: User | None, study_class: StudyClass, numbers: str | Iterable[str]) -> int:
    """Adds members by their numbers; unknown numbers or members outside the campaign refuse the whole list."""
    if actor is not None:
        require_organiser(actor, study_class.campaign, study_class.org_path)
    wanted = parse_numbers(numbers)
    if not wanted:
        raise RuleViolation(_("请输入人员编号。"), code="numbers")
    found = {
        m.number: m
        for m in Member.objects.filter(number__in=wanted, active=True).filter(subtree_q(study_class.campaign.unit.path))
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        shown = "、".join(missing[:20])
        raise RuleViolation(_("以下编号不在名册中：{numbers}").format(numbers=shown), code="numbers")
    return add_to_roster(actor, study_class, found.values(), _("按编号"))


def roster_from_workbook(actor: User | None, study_class: StudyClass, upload: UploadedFile) -> int:
    """Adds the members whose numbers a workbook lists (a column 编号); all or nothing, errors by row."""
    if actor is not None:
        require_organiser(actor, study_class.campaign, study_class.org_path)
    check_xlsx(upload, MAX_ROSTER_BYTES)
    upload.seek(0)
    found = read_sheet(upload, ROSTER_SHEET, MAX_NUMBERS)
    if found.errors:
        raise RosterRejected(found.errors)
    rows = [(row.row, cell_text(row.values.get(NUMBER))) for row in found.rows]
    known = set(
        Member.objects.filter(number__in=[n for _r, n in rows], active=True)
        .filter(subtree_q(study_class.campaign.unit.path))
        .values_list("number", flat=True)
    )
    errors = [RowError(r, NUMBER, _("名册中没有该编号。"), n) for r, n in rows if n and n not in known]
    if errors:
        raise RosterRejected(errors)
    return roster_from_numbers(actor, study_class, [n for _r, n in rows if n])


def remove_from_roster(actor: User, study_class: StudyClass, member: Member) -> None:
    """Removes a member from the roster (their attendance, if any, stays)."""
    require_organiser(actor, study_class.campaign, study_class.org_path)
    with transaction.atomic():
        deleted, _rows = ClassMember.objects.filter(study_class=study_class, member=member).delete()
        if deleted:
            record(
                Action.DELETE,
                actor=actor,
                obj=study_class,
                detail=_("移出应参学人员 {number}").format(number=member.number),
            )


# --- attendance -------------------------------------------------------------------------------------------------


def _require_session_organiser(actor: User, session: StudySession) -> StudyClass:
    if session.study_class is None:
        raise RuleViolation(_("学习小组的场次请在小组页面考勤。"))
    require_organiser(actor, session.study_class.campaign, session.org_path)
    return session.study_class


def mark_attendance(actor: User | None, session: StudySession, marks: Mapping[int, str]) -> int:
    """名册考勤: each member id → 出席/迟到/缺席/请假, for members on the class's roster; how many changed."""
    if actor is not None:
        study_class = _require_session_organiser(actor, session)
    else:
        assert session.study_class is not None
        study_class = session.study_class
    if any(status not in AttendanceStatus.values for status in marks.values()):
        raise RuleViolation(_("考勤状态不正确。"), code="status")
    on_roster = set(
        ClassMember.objects.filter(study_class=study_class, member_id__in=list(marks)).values_list(
            "member_id", flat=True
        )
    )
    strangers = [pk for pk in marks if pk not in on_roster]
    if strangers:
        raise RuleViolation(_("有 {n} 人不在该班次的应参学名单中。").format(n=len(strangers)), code="roster")
    members = Member.objects.in_bulk(list(marks))
    with transaction.atomic():
        pairs = [(members[pk], status) for pk, status in marks.items()]
        changed = attendance.mark_many(session, pairs, method=SignInMethod.ROSTER, actor=actor)
        record(
            Action.UPDATE,
            actor=actor,
            obj=session,
            detail=_("名册考勤 {n} 人，变更 {changed} 人").format(n=len(marks), changed=changed),
            after={"marked": len(marks), "changed": changed},
        )
    return changed


def mark_all_present(actor: User | None, session: StudySession) -> int:
    """全部出席: every roster member without an attendance yet is marked present; how many changed."""
    assert session.study_class is not None
    marked = set(Attendance.objects.filter(session=session).values_list("member_id", flat=True))
    roster = ClassMember.objects.filter(study_class=session.study_class).values_list("member_id", flat=True)
    marks = {pk: AttendanceStatus.PRESENT for pk in roster if pk not in marked}
    return mark_attendance(actor, session, marks)


# --- leave requests ---------------------------------------------------------------------------------------------


def may_request_leave(user: Any, session: StudySession, member: Member) -> bool:
    """The member's own login, or an organiser of the session."""
    if getattr(user, "pk", None) is not None and member.user_id == user.pk:
        return True
    return session.study_class is not None and may_organise(user, session.study_class.campaign, session.org_path)


def request_leave(actor: User, session: StudySession, member: Member, *, reason: str) -> LeaveRequest:
    """请假 for a session, filed for a member on its roster by the organiser or the member's own login."""
    if not may_request_leave(actor, session, member):
        raise NotAllowed(_("您无权为该人员请假。"))
    if not ClassMember.objects.filter(study_class_id=session.study_class_id, member=member).exists():
        raise RuleViolation(_("该人员不在该班次的应参学名单中。"), code="roster")
    if LeaveRequest.objects.filter(session=session, member=member, state=RequestState.PENDING).exists():
        raise RuleViolation(_("该人员已有待审批的请假申请。"), code="duplicate")
    with transaction.atomic():
        made = LeaveRequest.objects.create(
            session=session,
            member=member,
            org_path=session.org_path,
            requested_by=actor,
            reason=clean_text(reason, _("请假事由"), 1000),
        )
        record_change(actor, made, None, detail=_("请假申请"))
    return made


def may_decide_leave(user: Any, leave: LeaveRequest) -> bool:
    return (
        leave.state == RequestState.PENDING
        and leave.requested_by_id != getattr(user, "pk", None)
        and scope.can(user, Perm.ORGANISE_STUDY, leave.org_path)
    )


def decide_leave(actor: User, leave: LeaveRequest, *, approve: bool, note: str = "") -> LeaveRequest:
    """批准 or 不批准 a leave request (ORGANISE_STUDY over the session's unit, not the requester); approved → 请假."""
    scope.require(actor, Perm.ORGANISE_STUDY, leave.org_path, _("您无权审批该请假申请。"))
    with transaction.atomic():
        decided = engine.decide_request(
            actor,
            leave,
            approve,
            clean_text(note, _("审批意见"), 1000, required=False),
            own_message=_("不能审批自己提交的请假申请。"),
            decided_message=_("该请假申请已审批。"),
            detail=_("批准请假") if approve else _("不批准请假"),
        )
        if approve:
            attendance.mark(decided.session, decided.member, AttendanceStatus.LEAVE, actor=actor)
    return decided
