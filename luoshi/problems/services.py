"""The only code that writes problems and their measures, progress, evidence and requests.

Each transition is one function that checks who may do it, locks the row, checks the
version the user saw, writes a timeline event and an audit record, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.orgs.models import Unit
from luoshi.problems import workflow
from luoshi.problems.choices import EventKind, Light, MeasureState, RequestState, State
from luoshi.problems.models import (
    ClosureRequest,
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemClass,
    ProblemEvent,
    ProgressEntry,
)

EDITABLE_FIELDS = (
    "title",
    "description",
    "channel",
    "aspect",
    "unit",
    "responsible_leader",
    "severity",
    "kind",
    "found_on",
    "deadline",
    "problem_class",
)


def today() -> date:
    return timezone.localdate()


def _event(problem: Problem, actor: Any, kind: str, note: str = "", from_state: str = "", to_state: str = "") -> None:
    ProblemEvent.objects.create(
        problem=problem,
        org_path=problem.org_path,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def _locked(problem: Problem, version: int | None) -> Problem:
    fresh = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and fresh.version != version:
        raise Conflict("该问题已被他人修改，请刷新页面后重试。")
    return fresh


def _check_refs(campaign: Campaign, channel: Channel, aspect: Aspect, problem_class: ProblemClass | None) -> None:
    if channel.campaign_id != campaign.pk:
        raise RuleViolation(f"问题来源「{channel}」不属于活动「{campaign}」。")
    if aspect.campaign_id != campaign.pk:
        raise RuleViolation(f"问题方面「{aspect}」不属于活动「{campaign}」。")
    if problem_class is not None and problem_class.campaign_id != campaign.pk:
        raise RuleViolation(f"问题类别「{problem_class}」不属于活动「{campaign}」。")


def _check_dates(found_on: date, deadline: date) -> None:
    if deadline < found_on:
        raise RuleViolation("整改时限不能早于发现日期。")


def _refresh_light(problem: Problem) -> None:
    problem.light = workflow.light_for(problem.state, problem.deadline, today(), problem.campaign.yellow_days)


def file_problem(
    actor: Any,
    *,
    campaign: Campaign,
    title: str,
    channel: Channel,
    aspect: Aspect,
    unit: Unit,
    found_on: date,
    deadline: date,
    description: str = "",
    responsible_leader: Any = None,
    severity: str = "normal",
    kind: str = "deadline",
    problem_class: ProblemClass | None = None,
) -> Problem:
    """登记问题: a new problem enters the list waiting to be claimed."""
    scope.require(actor, Perm.FILE_PROBLEM, unit.path, "您无权为该单位登记问题。")
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(f"单位「{unit}」不在活动「{campaign}」的范围内。")
    _check_refs(campaign, channel, aspect, problem_class)
    _check_dates(found_on, deadline)
    if not title.strip():
        raise RuleViolation("问题标题不能为空。")
    problem = Problem(
        campaign=campaign,
        title=title.strip(),
        description=description,
        channel=channel,
        aspect=aspect,
        unit=unit,
        org_path=unit.path,
        responsible_leader=responsible_leader,
        severity=severity,
        kind=kind,
        found_on=found_on,
        deadline=deadline,
        problem_class=problem_class,
        filed_by=actor,
    )
    _refresh_light(problem)
    with transaction.atomic():
        problem.full_clean(exclude=["org_path", "filed_by", "responsible_leader"])
        problem.save()
        _event(problem, actor, EventKind.FILED, to_state=problem.state)
        record_change(actor, problem, None)
    return problem


def edit_problem(actor: Any, problem: Problem, version: int, **changes: Any) -> Problem:
    """修改问题, with optimistic locking; moving it to another unit needs scope over both."""
    scope.require(actor, Perm.EDIT_PROBLEM, problem)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(f"字段 {', '.join(sorted(unknown))} 不可修改。")
    with transaction.atomic():
        fresh = _locked(problem, version)
        if fresh.state == State.CLOSED:
            raise RuleViolation("已销号的问题不能修改，如需继续整改请先重新打开。")
        before = snapshot(fresh)
        for field, value in changes.items():
            setattr(fresh, field, value)
        _check_refs(fresh.campaign, fresh.channel, fresh.aspect, fresh.problem_class)
        _check_dates(fresh.found_on, fresh.deadline)
        if "unit" in changes:
            scope.require(actor, Perm.EDIT_PROBLEM, fresh.unit.path, "您无权把问题移交给该单位。")
            _move_children(fresh, fresh.unit.path)
        _refresh_light(fresh)
        fresh.version += 1
        fresh.save()
        _event(fresh, actor, EventKind.EDITED)
        record_change(actor, fresh, before)
    return fresh


def _move_children(problem: Problem, new_path: str) -> None:
    problem.org_path = new_path
    for model in (Measure, ProgressEntry, Evidence, ClosureRequest, ExtensionRequest, ProblemEvent):
        lookup = "progress__problem" if model is Evidence else "problem"
        model.objects.filter(**{lookup: problem}).update(org_path=new_path)


def _transition(actor: Any, problem: Problem, action: str, version: int | None, note: str = "") -> Problem:
    """Check scope, state and version, move the problem, and write its event and audit record."""
    step = workflow.TRANSITIONS[action]
    scope.require(actor, step.perm, problem, f"您无权执行「{step.label}」。")
    fresh = _locked(problem, version)
    workflow.transition(action, fresh.state)
    before = fresh.state
    fresh.state = step.target
    fresh.version += 1
    _refresh_light(fresh)
    fresh.save()
    _event(fresh, actor, step.event, note=note, from_state=before, to_state=fresh.state)
    record(
        Action.TRANSITION,
        actor=actor,
        obj=fresh,
        before={"state": before},
        after={"state": fresh.state},
        detail=f"{step.label}{'：' + note if note else ''}"[:200],
    )
    return fresh


@transaction.atomic
def claim(actor: Any, problem: Problem, version: int | None = None) -> Problem:
    """认领: the responsible leader takes the problem on; it moves to 整改中."""
    if problem.responsible_leader_id and problem.responsible_leader_id != actor.pk:
        raise RuleViolation(f"该问题已指定责任领导「{problem.responsible_leader}」，只能由其认领。")
    fresh = _transition(actor, problem, "claim", version)
    fresh.responsible_leader = actor
    fresh.claimed_at = timezone.now()
    fresh.save(update_fields=["responsible_leader", "claimed_at"])
    return fresh


def add_measure(
    actor: Any,
    problem: Problem,
    *,
    text: str,
    owner_unit: Unit,
    deadline: date,
    owner: Any = None,
    owner_name: str = "",
) -> Measure:
    """制定整改措施 for a claimed problem; each measure has its own owner and deadline."""
    scope.require(actor, Perm.MANAGE_MEASURES, problem, "您无权为该问题制定整改措施。")
    if problem.state not in (State.RECTIFYING,):
        raise RuleViolation(f"问题当前状态为「{problem.get_state_display()}」，不能新增整改措施。")
    if not text.strip():
        raise RuleViolation("措施内容不能为空。")
    if not paths.is_within(owner_unit.path, problem.campaign.unit.path):
        raise RuleViolation(f"牵头单位「{owner_unit}」不在本活动范围内。")
    with transaction.atomic():
        measure = Measure.objects.create(
            problem=problem,
            org_path=problem.org_path,
            text=text.strip(),
            owner_unit=owner_unit,
            owner=owner,
            owner_name=owner_name or (str(owner) if owner else ""),
            deadline=deadline,
        )
        _event(problem, actor, EventKind.MEASURE_ADDED, note=measure.text[:200])
        record_change(actor, measure, None)
    return measure


def complete_measure(actor: Any, measure: Measure, version: int | None = None) -> Measure:
    """措施完成."""
    scope.require(actor, Perm.REPORT_PROGRESS, measure, "您无权更新该措施。")
    with transaction.atomic():
        fresh = Measure.objects.select_for_update().get(pk=measure.pk)
        if version is not None and fresh.version != version:
            raise Conflict("该措施已被他人修改，请刷新页面后重试。")
        if fresh.state == MeasureState.DONE:
            raise RuleViolation("该措施已经完成。")
        before = snapshot(fresh)
        fresh.state, fresh.done_at, fresh.version = MeasureState.DONE, timezone.now(), fresh.version + 1
        fresh.save()
        _event(fresh.problem, actor, EventKind.MEASURE_DONE, note=fresh.text[:200])
        record_change(actor, fresh, before, detail="措施完成")
    return fresh


def report_progress(
    actor: Any,
    problem: Problem,
    *,
    text: str,
    measure: Measure | None = None,
    files: Iterable[UploadedFile] = (),
) -> ProgressEntry:
    """报送进展 with evidence files; every file is checked before anything is stored."""
    scope.require(actor, Perm.REPORT_PROGRESS, problem, "您无权报送该问题的进展。")
    if problem.state != State.RECTIFYING:
        raise RuleViolation(f"问题当前状态为「{problem.get_state_display()}」，不能报送进展。")
    if measure is not None and measure.problem_id != problem.pk:
        raise RuleViolation("所选措施不属于该问题。")
    if not text.strip():
        raise RuleViolation("进展情况不能为空。")
    files = list(files)
    checked = [check_upload(f) for f in files]
    with transaction.atomic():
        entry = ProgressEntry.objects.create(
            problem=problem, org_path=problem.org_path, measure=measure, author=actor, text=text.strip()
        )
        for upload, info in zip(files, checked, strict=True):
            evidence = Evidence(
                progress=entry,
                org_path=problem.org_path,
                original_name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
                uploaded_by=actor,
            )
            evidence.file.save(f"{info.sha256[:16]}.{info.extension}", upload, save=False)
            evidence.save()
        _event(problem, actor, EventKind.PROGRESS, note=entry.text[:200])
        record_change(actor, entry, None, detail=f"附件 {len(checked)} 个")
    return entry


@transaction.atomic
def request_closure(actor: Any, problem: Problem, *, summary: str, version: int | None = None) -> ClosureRequest:
    """申请销号: the unit's leader signs off with evidence; all measures must be done."""
    if not summary.strip():
        raise RuleViolation("请填写整改情况说明。")
    open_measures = problem.measures.exclude(state=MeasureState.DONE).count()
    if open_measures:
        raise RuleViolation(f"还有 {open_measures} 项整改措施未完成，不能申请销号。")
    if not Evidence.objects.filter(progress__problem=problem).exists():
        raise RuleViolation("申请销号前请先上传佐证材料。")
    fresh = _transition(actor, problem, "request_closure", version, note=summary.strip()[:200])
    return ClosureRequest.objects.create(
        problem=fresh, org_path=fresh.org_path, requested_by=actor, summary=summary.strip()
    )


def _pending_closure(problem: Problem) -> ClosureRequest:
    closure = problem.closure_requests.select_for_update().filter(state=RequestState.PENDING).first()
    if closure is None:
        raise RuleViolation("没有待审核的销号申请。")
    return closure


def _decide_closure(actor: Any, problem: Problem, action: str, note: str, version: int | None) -> Problem:
    closure = _pending_closure(problem)
    if closure.requested_by_id == actor.pk:
        raise RuleViolation("销号须由审核层级的其他人员审核，不能审核自己的申请。")
    fresh = _transition(actor, problem, action, version, note=note)
    closure.state = RequestState.APPROVED if action == "approve_closure" else RequestState.REJECTED
    closure.decided_by, closure.decided_at, closure.decision_note = actor, timezone.now(), note
    closure.save()
    return fresh


@transaction.atomic
def approve_closure(actor: Any, problem: Problem, *, note: str = "", version: int | None = None) -> Problem:
    """审核销号: the reviewing level approves; the problem is closed."""
    fresh = _decide_closure(actor, problem, "approve_closure", note.strip(), version)
    fresh.closed_at = timezone.now()
    fresh.save(update_fields=["closed_at"])
    return fresh


@transaction.atomic
def send_back(actor: Any, problem: Problem, *, reason: str, version: int | None = None) -> Problem:
    """退回整改 with a reason."""
    if not reason.strip():
        raise RuleViolation("退回时请填写理由。")
    return _decide_closure(actor, problem, "send_back", reason.strip(), version)


@transaction.atomic
def reopen(actor: Any, problem: Problem, *, reason: str, version: int | None = None) -> Problem:
    """回头看: the office reopens a closed problem after a later re-check."""
    if not reason.strip():
        raise RuleViolation("重新打开时请填写回头看发现的情况。")
    fresh = _transition(actor, problem, "reopen", version, note=reason.strip())
    fresh.closed_at = None
    fresh.save(update_fields=["closed_at"])
    return fresh


@transaction.atomic
def request_extension(actor: Any, problem: Problem, *, new_deadline: date, reason: str) -> ExtensionRequest:
    """申请延期, only before the deadline passes and only one pending at a time."""
    scope.require(actor, Perm.REQUEST_EXTENSION, problem, "您无权为该问题申请延期。")
    fresh = _locked(problem, None)
    if fresh.state == State.CLOSED:
        raise RuleViolation("已销号的问题不能申请延期。")
    if today() > fresh.deadline:
        raise RuleViolation("整改时限已过，不能再申请延期。延期须在时限届满前提出。")
    if new_deadline <= fresh.deadline:
        raise RuleViolation("申请的新时限须晚于当前时限。")
    if not reason.strip():
        raise RuleViolation("请填写延期理由。")
    if fresh.extensions.filter(state=RequestState.PENDING).exists():
        raise RuleViolation("该问题已有待审批的延期申请。")
    ext = ExtensionRequest.objects.create(
        problem=fresh,
        org_path=fresh.org_path,
        requested_by=actor,
        old_deadline=fresh.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
    )
    _event(fresh, actor, EventKind.EXTENSION_REQUESTED, note=f"申请延期至 {new_deadline:%Y-%m-%d}：{ext.reason}"[:500])
    record_change(actor, ext, None)
    return ext


def _decide_extension(actor: Any, ext: ExtensionRequest, approve: bool, note: str) -> ExtensionRequest:
    scope.require(actor, Perm.APPROVE_EXTENSION, ext, "您无权审批延期申请。")
    fresh = ExtensionRequest.objects.select_for_update().get(pk=ext.pk)
    if fresh.state != RequestState.PENDING:
        raise RuleViolation("该延期申请已经审批。")
    if fresh.requested_by_id == actor.pk:
        raise RuleViolation("不能审批自己的延期申请。")
    before = snapshot(fresh)
    fresh.state = RequestState.APPROVED if approve else RequestState.REJECTED
    fresh.decided_by, fresh.decided_at, fresh.decision_note = actor, timezone.now(), note.strip()
    fresh.save()
    record_change(actor, fresh, before)
    return fresh


@transaction.atomic
def approve_extension(actor: Any, ext: ExtensionRequest, *, note: str = "") -> ExtensionRequest:
    """同意延期: the problem's deadline moves."""
    fresh = _decide_extension(actor, ext, True, note)
    problem = _locked(fresh.problem, None)
    before = snapshot(problem)
    problem.deadline = fresh.new_deadline
    problem.version += 1
    _refresh_light(problem)
    problem.save()
    _event(problem, actor, EventKind.EXTENSION_APPROVED, note=f"时限延至 {fresh.new_deadline:%Y-%m-%d}")
    record_change(actor, problem, before, detail="同意延期")
    return fresh


@transaction.atomic
def reject_extension(actor: Any, ext: ExtensionRequest, *, note: str) -> ExtensionRequest:
    """不同意延期, with a reason."""
    if not note.strip():
        raise RuleViolation("不同意延期时请填写理由。")
    fresh = _decide_extension(actor, ext, False, note)
    _event(fresh.problem, actor, EventKind.EXTENSION_REJECTED, note=fresh.decision_note)
    return fresh


def refresh_lights(on: date | None = None) -> dict[str, int]:
    """Recompute every open problem's light (daily job); three UPDATEs per campaign, no row loop."""
    on = on or today()
    changed = {Light.RED: 0, Light.YELLOW: 0, Light.GREEN: 0}
    for campaign_id, yellow_days in Campaign.objects.values_list("id", "yellow_days"):
        rows = Problem.objects.filter(campaign_id=campaign_id)
        open_rows = rows.exclude(state=State.CLOSED)
        yellow_until = on.toordinal() + yellow_days
        yellow_q = Q(deadline__gte=on, deadline__lte=date.fromordinal(yellow_until))
        changed[Light.RED] += open_rows.filter(deadline__lt=on).exclude(light=Light.RED).update(light=Light.RED)
        changed[Light.YELLOW] += open_rows.filter(yellow_q).exclude(light=Light.YELLOW).update(light=Light.YELLOW)
        green_q = Q(state=State.CLOSED) | Q(deadline__gt=date.fromordinal(yellow_until))
        changed[Light.GREEN] += rows.filter(green_q).exclude(light=Light.GREEN).update(light=Light.GREEN)
    return {str(k): v for k, v in changed.items()}


def create_problem_class(
    actor: Any, *, campaign: Campaign, unit: Unit, name: str, description: str = ""
) -> ProblemClass:
    """新建问题类别 (一类事): similar problems grouped so that one fix serves the whole class."""
    scope.require(actor, Perm.EDIT_PROBLEM, unit.path, "您无权在该单位新建问题类别。")
    if not name.strip():
        raise RuleViolation("类别名称不能为空。")
    with transaction.atomic():
        problem_class = ProblemClass.objects.create(
            campaign=campaign, unit=unit, org_path=unit.path, name=name.strip(), description=description
        )
        record_change(actor, problem_class, None)
    return problem_class
