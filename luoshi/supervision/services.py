"""The only code that writes supervision (督导): groups, members, assigned units, checklists, visits, findings.

The office that sends a group (MANAGE_SUPERVISION over the group's unit: the campaign's unit or below) sets it up:
its members and the units assigned to it for a time. While an assignment runs, the group's members read the unit's
data as supervisors (scope by assignment: ``queries.assignment_scope``), so they plan visits to it on the shared
calendar, record what they saw (notes, checklist scores, files, questionnaires) and record findings. Findings move
on the tracked-work engine: the leader confirms them; the leader or the office transfers a confirmed one into the
unit's problem list, once, or dismisses it with a reason. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.problems import services as problems
from luoshi.supervision import queries, workflow
from luoshi.supervision.choices import EventKind, FindingKind, FindingState, MemberRole
from luoshi.supervision.models import (
    ChecklistItem,
    ChecklistScore,
    Finding,
    FindingEvent,
    GroupAssignment,
    GroupMember,
    Questionnaire,
    SupervisionGroup,
    VisitFile,
    VisitRecord,
)
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_files
from luoshi.tracking.workflow import Transition
from luoshi.visits import services as visits
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit

MAX_FILES = 20
MAX_TEXT = 5000
TRANSFER_CHANNEL = "督查检查"


def finding_url(item: Finding) -> str:
    return reverse("supervision:finding", args=[item.pk])


# --- the tracker ----------------------------------------------------------------------------------------------


def _not_leader(actor: Any, item: Finding) -> str | None:
    if actor is None or not queries.is_leader(actor, item.group):
        return _("只有督导组组长可以确认发现。")
    return None


def _not_leader_or_office(actor: Any, item: Finding) -> str | None:
    if actor is None:
        return _("只有督导组组长或派出单位可以处理发现。")
    if queries.manages(actor, item.group):
        return None
    if queries.is_leader(actor, item.group) and scope.can(actor, Perm.SUPERVISE, item.org_path):
        return None
    return _("只有督导组组长或派出单位可以处理发现。")


def _transfer_refused(actor: Any, item: Finding) -> str | None:
    refused = _not_leader_or_office(actor, item)
    if refused:
        return refused
    if item.aspect_id is None or item.due_date is None:
        return _("转为问题前请先填写发现的方面和完成时限。")
    return None


class FindingTracker(engine.Tracker[Finding]):
    def notify(self, actor: Any, item: Finding, step: Transition | str) -> None:
        """确认、排除 → who recorded the finding; 转为问题 → who recorded it and the unit's liaisons."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        url = finding_url(item)
        recorder = [item.created_by_id] if item.created_by_id else []
        if action == "confirm" and recorder:
            title = _("督导发现已确认：{title}").format(title=item.title)
            notices.notify(recorder, kind=NoticeKind.DECIDED, title=title, url=url, obj=item)
        elif action == "dismiss" and recorder:
            title = _("督导发现已排除：{title}").format(title=item.title)
            notices.notify(recorder, kind=NoticeKind.OTHER, title=title, body=item.dismiss_reason, url=url, obj=item)
        elif action == "transfer" and item.problem_id:
            to = [*recorder, *notices.users_of_unit(item.unit_id, Perm.REPORT_PROGRESS)]
            title = _("督导发现已转为问题：{title}").format(title=item.title)
            problem_url = reverse("problems:detail", args=[item.problem_id])
            notices.notify(to, kind=NoticeKind.ASSIGNED, title=title, url=problem_url, obj=item)


TRACKER = FindingTracker(
    model=Finding,
    workflow=workflow.WORKFLOW,
    event_model=FindingEvent,
    item_field="finding",
    stale_message=gettext_lazy("该督导发现已被他人修改，请刷新页面后重试。"),
    related=("group", "unit", "aspect"),
    guards={"confirm": _not_leader, "transfer": _transfer_refused, "dismiss": _not_leader_or_office},
)


def available_actions(actor: Any, finding: Finding) -> list[str]:
    """What ``actor`` may do with ``finding`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, finding)


# --- groups ---------------------------------------------------------------------------------------------------


def _text(value: str, label: str, most: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("{label}不能为空。").format(label=label))
    if len(value) > most:
        raise RuleViolation(_("{label}不能超过 {most} 字。").format(label=label, most=most))
    return value


def _round(value: int) -> int:
    if not 1 <= int(value) <= 99:
        raise RuleViolation(_("轮次应在 1 到 99 之间。"))
    return int(value)


def _require_manager(actor: Any, group: SupervisionGroup, message: str = "") -> None:
    scope.require(actor, Perm.MANAGE_SUPERVISION, group.org_path, message or _("您无权管理该督导组。"))


def create_group(
    actor: User, *, campaign: Campaign, unit: Unit, name: str, round: int = 1, note: str = ""
) -> SupervisionGroup:
    """组建督导组: sent by ``unit`` (the campaign's unit or below), by its office."""
    scope.require(actor, Perm.MANAGE_SUPERVISION, unit.path, _("您无权在该单位组建督导组。"))
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束。").format(campaign=campaign))
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    group = SupervisionGroup(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        name=_text(name, _("督导组名称"), 100),
        round=_round(round),
        note=_text(note, _("说明"), MAX_TEXT, required=False),
        created_by=actor,
    )
    with transaction.atomic():
        group.save()
        record_change(actor, group, None, detail="组建督导组")
    return group


def update_group(
    actor: User, group: SupervisionGroup, *, name: str | None = None, round: int | None = None, note: str | None = None
) -> SupervisionGroup:
    """修改督导组: its name, round and note."""
    _require_manager(actor, group)
    with transaction.atomic():
        fresh = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        _require_manager(actor, fresh)
        before = snapshot(fresh)
        if name is not None:
            fresh.name = _text(name, _("督导组名称"), 100)
        if round is not None:
            fresh.round = _round(round)
        if note is not None:
            fresh.note = _text(note, _("说明"), MAX_TEXT, required=False)
        fresh.save()
        record_change(actor, fresh, before, detail="修改督导组")
    return fresh


def member_candidates(actor: Any, query: str = "") -> Any:
    """Users the office may put in a group: those holding a role within its MANAGE_SUPERVISION scope, matched by
    username or name."""
    tops = scope.scope_paths(actor, Perm.MANAGE_SUPERVISION)
    if not tops:
        return User.objects.none()
    q = scope.visible_q(actor, Perm.MANAGE_SUPERVISION, "unit__path")
    ids = RoleAssignment.objects.filter(q).values("user_id")
    users = User.objects.filter(pk__in=ids, is_active=True)
    query = query.strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    return users.order_by("username")


def add_member(actor: User, group: SupervisionGroup, user: Any, role: str = MemberRole.MEMBER) -> GroupMember:
    """增加成员: a user within the office's scope, as leader (one per group), member or liaison."""
    _require_manager(actor, group)
    if role not in MemberRole.values:
        raise RuleViolation(_("成员职务无效。"))
    if not member_candidates(actor).filter(pk=user.pk).exists():
        raise RuleViolation(_("只能选择本单位范围内的用户。"))
    with transaction.atomic():
        SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        if GroupMember.objects.filter(group=group, user=user).exists():
            raise RuleViolation(_("{user} 已是该督导组成员。").format(user=user))
        if role == MemberRole.LEADER and GroupMember.objects.filter(group=group, role=MemberRole.LEADER).exists():
            raise RuleViolation(_("该督导组已有组长。"))
        member = GroupMember.objects.create(group=group, user=user, role=role)
        record_change(actor, member, None, detail="增加督导组成员")
    scope.forget(user)
    return member


def remove_member(actor: User, member: GroupMember) -> None:
    """移除成员: they lose the group's units at once."""
    group = member.group
    _require_manager(actor, group)
    with transaction.atomic():
        before = snapshot(member)
        record(Action.DELETE, actor=actor, obj=member, before=before, detail="移除督导组成员")
        member.delete()
    scope.forget(member.user)


def assign_unit(
    actor: User, group: SupervisionGroup, unit: Unit, starts_on: dt.date, ends_on: dt.date | None = None
) -> GroupAssignment:
    """分配督导对象: ``unit`` (below the group's unit) from ``starts_on`` to ``ends_on`` inclusive (None: open)."""
    _require_manager(actor, group)
    scope.require(actor, Perm.MANAGE_SUPERVISION, unit.path, _("您无权把该单位分配给督导组。"))
    if not paths.is_within(unit.path, group.org_path) or unit.path == group.org_path:
        raise RuleViolation(_("督导对象应是派出单位的下级单位。"))
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation(_("结束日期不能早于开始日期。"))
    campaign = group.campaign
    if not campaign.starts_on <= starts_on <= campaign.ends_on:
        raise RuleViolation(_("开始日期应在活动期间内。"))
    with transaction.atomic():
        SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        overlapping = GroupAssignment.objects.filter(group=group, unit=unit).exclude(ends_on__lt=starts_on)
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if overlapping.exists():
            raise RuleViolation(_("该单位在这段时间已分配给本督导组。"))
        assignment = GroupAssignment.objects.create(
            group=group, unit=unit, org_path=unit.path, starts_on=starts_on, ends_on=ends_on
        )
        record_change(actor, assignment, None, detail="分配督导对象")
    return assignment


def end_assignment(actor: User, assignment: GroupAssignment, on: dt.date) -> GroupAssignment:
    """结束督导: the assignment's last day is ``on``; the members lose the unit the day after."""
    _require_manager(actor, assignment.group)
    with transaction.atomic():
        fresh = GroupAssignment.objects.select_for_update().get(pk=assignment.pk)
        if on < fresh.starts_on:
            raise RuleViolation(_("结束日期不能早于开始日期。"))
        if fresh.ends_on is not None and fresh.ends_on < on:
            raise RuleViolation(_("该督导已于 {day} 结束。").format(day=fresh.ends_on))
        before = snapshot(fresh)
        fresh.ends_on = on
        fresh.save(update_fields=["ends_on", "updated_at"])
        record_change(actor, fresh, before, detail="结束督导")
    return fresh


# --- checklists -------------------------------------------------------------------------------------------------


def _require_campaign_office(actor: Any, campaign: Campaign) -> None:
    scope.require(actor, Perm.MANAGE_SUPERVISION, campaign.unit.path, _("只有活动牵头单位可以设置评分细则。"))


def _max_score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RuleViolation(_("满分应是数字。")) from exc
    if not score.is_finite() or not Decimal(0) < score <= Decimal(1000):
        raise RuleViolation(_("满分应大于 0、不超过 1000。"))
    return score.quantize(Decimal("0.1"))


def _aspect(campaign: Campaign, aspect: Aspect | None) -> Aspect | None:
    if aspect is not None and aspect.campaign_id != campaign.pk:
        raise RuleViolation(_("方面不属于该活动。"))
    return aspect


def add_checklist_item(
    actor: User, campaign: Campaign, *, text: str, max_score: Any, aspect: Aspect | None = None
) -> ChecklistItem:
    """新增评分项, last in the campaign's checklist."""
    _require_campaign_office(actor, campaign)
    with transaction.atomic():
        last = ChecklistItem.objects.filter(campaign=campaign).aggregate(m=Max("order"))["m"]
        item = ChecklistItem.objects.create(
            campaign=campaign,
            text=_text(text, _("评分项"), 200),
            max_score=_max_score(max_score),
            aspect=_aspect(campaign, aspect),
            order=0 if last is None else last + 1,
        )
        record_change(actor, item, None, detail="新增督导评分项")
    return item


def edit_checklist_item(
    actor: User, item: ChecklistItem, *, text: str, max_score: Any, aspect: Aspect | None = None
) -> ChecklistItem:
    """修改评分项; scores already given keep their values (a lowered maximum does not rescore them)."""
    _require_campaign_office(actor, item.campaign)
    with transaction.atomic():
        fresh = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(fresh)
        fresh.text = _text(text, _("评分项"), 200)
        fresh.max_score = _max_score(max_score)
        fresh.aspect = _aspect(fresh.campaign, aspect)
        fresh.save()
        record_change(actor, fresh, before, detail="修改督导评分项")
    return fresh


def move_checklist_item(actor: User, item: ChecklistItem, direction: str) -> ChecklistItem:
    """调整顺序: ``up`` or ``down`` one place in the campaign's checklist."""
    _require_campaign_office(actor, item.campaign)
    if direction not in ("up", "down"):
        raise RuleViolation(_("方向无效。"))
    with transaction.atomic():
        items = list(ChecklistItem.objects.select_for_update().filter(campaign=item.campaign).order_by("order", "id"))
        index = next(i for i, row in enumerate(items) if row.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for order, row in enumerate(items):
            if row.order != order:
                row.order = order
                row.save(update_fields=["order", "updated_at"])
        moved = items[other if 0 <= other < len(items) else index]
        record(Action.UPDATE, actor=actor, obj=moved, after={"order": moved.order}, detail="调整督导评分项顺序")
    return moved


# --- visits ---------------------------------------------------------------------------------------------------


def _require_member(actor: Any, group: SupervisionGroup, message: str) -> GroupMember:
    found = queries.membership(actor, group)
    if found is None:
        raise NotAllowed(message)
    return found


def plan_visit(
    actor: User,
    group: SupervisionGroup,
    *,
    unit: Unit,
    date: dt.date,
    headcount: int,
    team: str,
    kinds: Iterable[str],
    purpose: str = "",
    override_reason: str = "",
) -> Visit:
    """计划走访: a member files a visit to a unit assigned to the group on the visit's date and still today, on the
    shared calendar (which may warn, refuse or need a reason: ``visits.services.VisitRefused``)."""
    if not queries.manages(actor, group):
        _require_member(actor, group, _("只有督导组成员可以报备督导走访。"))
    today = timezone.localdate()
    if queries.running_assignment(group, unit, date) is None or queries.running_assignment(group, unit, today) is None:
        raise RuleViolation(_("「{unit}」在该日期不是本督导组的督导对象。").format(unit=unit), code="not_assigned")
    return visits.file_visit(
        actor,
        campaign=group.campaign,
        unit=unit,
        date=date,
        headcount=headcount,
        team=team,
        organiser=group.name,
        organiser_key=group.organiser_key,
        kinds=kinds,
        purpose=purpose,
        override_reason=override_reason,
    )


def _score_value(raw: Any, item: ChecklistItem) -> Decimal:
    try:
        score = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise RuleViolation(_("「{item}」的得分应是数字。").format(item=item.text), code="score") from exc
    if not score.is_finite() or not Decimal(0) <= score <= item.max_score:
        raise RuleViolation(
            _("「{item}」的得分应在 0 到 {most} 之间。").format(item=item.text, most=item.max_score), code="score"
        )
    return score.quantize(Decimal("0.1"))


def _scores(campaign: Campaign, scores: Mapping[Any, Any]) -> list[tuple[ChecklistItem, Decimal]]:
    items = {item.pk: item for item in ChecklistItem.objects.filter(campaign=campaign)}
    out = []
    for key, raw in scores.items():
        try:
            item = items[int(key)]
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleViolation(_("评分项不属于该活动。"), code="score") from exc
        out.append((item, _score_value(raw, item)))
    return out


QUESTIONNAIRE_COUNTS = ("respondents", "satisfied", "basically_satisfied", "dissatisfied")


def _questionnaires(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        counts: dict[str, int] = {}
        for key in QUESTIONNAIRE_COUNTS:
            try:
                counts[key] = int(row.get(key) or 0)
            except (TypeError, ValueError) as exc:
                raise RuleViolation(_("问卷人数应是整数。"), code="questionnaire") from exc
            if not 0 <= counts[key] <= 100000:
                raise RuleViolation(_("问卷人数应在 0 到 100000 之间。"), code="questionnaire")
        if counts["respondents"] < 1:
            raise RuleViolation(_("问卷受访人数至少为 1。"), code="questionnaire")
        answered = counts["satisfied"] + counts["basically_satisfied"] + counts["dissatisfied"]
        if answered > counts["respondents"]:
            raise RuleViolation(_("满意度人数之和不能超过受访人数。"), code="questionnaire")
        out.append({"topic": _text(str(row.get("topic") or ""), _("问卷主题"), 200), **counts})
    return out


def record_visit(
    actor: User,
    visit: Visit,
    group: SupervisionGroup,
    notes: str,
    scores: Mapping[Any, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    questionnaires: Sequence[Mapping[str, Any]] = (),
) -> VisitRecord:
    """记录走访: what the group saw on its visit, by a member supervising the unit (via the assignment): notes,
    checklist scores (0..max per item), photos and files (through the one upload checker), and for a 访 visit
    the questionnaires; the calendar marks the visit recorded. A visit is recorded once."""
    message = _("只有督导组成员可以记录该走访。")
    scope.require(actor, Perm.SUPERVISE, visit.org_path, message)
    _require_member(actor, group, message)
    if visit.organiser_key != group.organiser_key:
        raise RuleViolation(_("该走访不是本督导组报备的。"), code="organiser")
    if visit.date > timezone.localdate():
        raise RuleViolation(_("走访日期未到，不能记录。"), code="date")
    text = _text(notes, _("走访情况"), MAX_TEXT)
    checked_scores = _scores(group.campaign, scores or {})
    asked = _questionnaires(questionnaires)
    if asked and not visit.talks:
        raise RuleViolation(_("只有「访」群众的走访可以填写问卷。"), code="questionnaire")
    uploads = list(files)
    if len(uploads) > MAX_FILES:
        raise RuleViolation(_("每次走访至多上传 {n} 个文件。").format(n=MAX_FILES), code="files")
    checked = [check_upload(upload) for upload in uploads]
    with evidence_files() as stored, transaction.atomic():
        fresh = Visit.objects.select_for_update().get(pk=visit.pk)
        scope.require(actor, Perm.SUPERVISE, fresh.org_path, message)
        if fresh.state != VisitState.PLANNED or VisitRecord.objects.filter(visit=fresh).exists():
            raise RuleViolation(_("只有已报备、尚未记录的走访可以记录。"), code="state")
        made = VisitRecord.objects.create(
            visit=fresh, group=group, org_path=fresh.org_path, notes=text, recorded_by=actor
        )
        ChecklistScore.objects.bulk_create(
            [ChecklistScore(record=made, item=item, score=score) for item, score in checked_scores]
        )
        for row in asked:
            Questionnaire.objects.create(record=made, org_path=made.org_path, **row)
        for upload, info in zip(uploads, checked, strict=True):
            found = VisitFile(
                record=made,
                org_path=made.org_path,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_by=actor,
            )
            found.file.save(f"{info.sha256[:16]}.{info.extension}", upload, save=False)
            found.save()
            stored.append(found)
        visits.mark_recorded(actor, fresh)
        listed = [{"name": masked_name(f.original_name), "sha256": f.sha256} for f in stored]
        after = {
            **snapshot(made),
            "scores": {str(item.pk): str(score) for item, score in checked_scores},
            "questionnaires": len(asked),
            "files": listed,
        }
        record(Action.CREATE, actor=actor, obj=made, after=after, detail="记录督导走访")
    return made


# --- findings ---------------------------------------------------------------------------------------------------


def record_finding(
    actor: User,
    group: SupervisionGroup,
    *,
    unit: Unit,
    title: str,
    description: str,
    kind: str = FindingKind.PROBLEM,
    aspect: Aspect | None = None,
    requirement: str = "",
    due_date: dt.date | None = None,
    visit_record: VisitRecord | None = None,
) -> Finding:
    """记录督导发现 (草稿): by a member supervising ``unit``, which the group is assigned today."""
    message = _("只有督导组成员可以记录该单位的督导发现。")
    scope.require(actor, Perm.SUPERVISE, unit.path, message)
    _require_member(actor, group, message)
    if queries.running_assignment(group, unit) is None:
        raise RuleViolation(_("「{unit}」当前不是本督导组的督导对象。").format(unit=unit), code="not_assigned")
    if kind not in FindingKind.values:
        raise RuleViolation(_("发现类型无效。"))
    if visit_record is not None and (visit_record.group_id != group.pk or visit_record.org_path != unit.path):
        raise RuleViolation(_("走访记录不属于本督导组对该单位的走访。"))
    finding = Finding(
        group=group,
        unit=unit,
        org_path=unit.path,
        record=visit_record,
        aspect=_aspect(group.campaign, aspect),
        kind=kind,
        title=_text(title, _("标题"), 200),
        description=_text(description, _("具体情况"), MAX_TEXT),
        requirement=_text(requirement, _("整改要求"), MAX_TEXT, required=False),
        due_date=due_date,
        state=FindingState.DRAFT,
        created_by=actor,
    )
    with transaction.atomic():
        finding.save()
        engine.event(TRACKER, finding, actor, EventKind.DRAFTED)
        record_change(actor, finding, None, detail="记录督导发现")
    return finding


def edit_finding(actor: User, finding: Finding, *, version: int | None = None, **changes: Any) -> Finding:
    """修改督导发现 (草稿或已确认): its title, description, requirement, due date, kind and aspect; by a member."""
    allowed = {"title", "description", "requirement", "due_date", "kind", "aspect"}
    if set(changes) - allowed:
        raise RuleViolation(_("字段不可修改。"))
    message = _("只有督导组成员可以修改督导发现。")
    scope.require(actor, Perm.SUPERVISE, finding.org_path, message)
    _require_member(actor, finding.group, message)
    with transaction.atomic():
        fresh = engine.lock(TRACKER, finding, version)
        scope.require(actor, Perm.SUPERVISE, fresh.org_path, message)
        if fresh.state not in (FindingState.DRAFT, FindingState.CONFIRMED):
            raise RuleViolation(_("已转问题或已排除的发现不能修改。"), code="illegal_transition")
        if "kind" in changes and changes["kind"] not in FindingKind.values:
            raise RuleViolation(_("发现类型无效。"))
        cleaned = dict(changes)
        for key, label, most, required in (
            ("title", _("标题"), 200, True),
            ("description", _("具体情况"), MAX_TEXT, True),
            ("requirement", _("整改要求"), MAX_TEXT, False),
        ):
            if key in cleaned:
                cleaned[key] = _text(cleaned[key], label, most, required)
        if "aspect" in cleaned:
            cleaned["aspect"] = _aspect(fresh.group.campaign, cleaned["aspect"])
        return engine.update(TRACKER, actor, fresh, EventKind.DRAFTED, "修改督导发现", **cleaned)


def confirm_finding(actor: User, finding: Finding, *, note: str = "", version: int | None = None) -> Finding:
    """确认发现: the group's leader."""
    with transaction.atomic():
        fresh, step = engine.start(TRACKER, actor, finding, "confirm", version)
        return engine.move(TRACKER, actor, fresh, step, note.strip())


def _channel(campaign: Campaign, channel: Channel | None) -> Channel:
    if channel is not None:
        if channel.campaign_id != campaign.pk:
            raise RuleViolation(_("问题来源不属于该活动。"))
        return channel
    found = Channel.objects.filter(campaign=campaign, name=TRANSFER_CHANNEL).first()
    found = found or Channel.objects.filter(campaign=campaign).order_by("order", "id").first()
    if found is None:
        raise RuleViolation(_("活动尚未设置问题来源，不能转为问题。"))
    return found


def problem_description(finding: Finding) -> str:
    """The transferred problem's description: the finding's, its requirement, and where it came from."""
    parts = [finding.description.strip()]
    if finding.requirement.strip():
        parts.append(_("整改要求：{text}").format(text=finding.requirement.strip()))
    parts.append(_("来自督导发现：{group}（发现 #{id}）").format(group=finding.group.name, id=finding.pk))
    return "\n".join(parts)


def transfer_finding(
    actor: User, finding: Finding, *, channel: Channel | None = None, version: int | None = None
) -> Finding:
    """转为问题: files a problem in the visited unit's problem list with the finding's title, description,
    requirement, aspect and due date, and links it both ways; a finding is transferred exactly once."""
    with transaction.atomic():
        fresh, step = engine.start(TRACKER, actor, finding, "transfer", version)
        if fresh.problem_id is not None:
            raise RuleViolation(_("该发现已转为问题。"), code="illegal_transition")
        assert fresh.aspect is not None  # the guard said so
        assert fresh.due_date is not None
        campaign = fresh.group.campaign
        found_on = fresh.record.visit.date if fresh.record_id and fresh.record else timezone.localdate()
        problem = problems.file_problem(
            actor,
            campaign=campaign,
            title=fresh.title,
            channel=_channel(campaign, channel),
            aspect=fresh.aspect,
            unit=fresh.unit,
            found_on=min(found_on, fresh.due_date),
            deadline=fresh.due_date,
            description=problem_description(fresh),
        )
        note = _("问题 {number}").format(number=problem.number)
        return engine.move(TRACKER, actor, fresh, step, note, problem=problem)


def dismiss_finding(actor: User, finding: Finding, *, reason: str, version: int | None = None) -> Finding:
    """排除: with a reason, from draft or confirmed; by the leader or the office."""
    reason = _text(reason, _("排除理由"), MAX_TEXT)
    with transaction.atomic():
        fresh, step = engine.start(TRACKER, actor, finding, "dismiss", version)
        return engine.move(TRACKER, actor, fresh, step, reason, dismiss_reason=reason)
