"""The only code that writes problems and their measures, progress, evidence and requests.

Each transition is one function that checks, in this order, who may do it, the version the
user saw (optimistic locking, on the locked row), the state, and the input; then it moves the
problem and writes a timeline event and an audit record, all in one transaction. A refused
call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core import paths
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.i18n import record_text
from luoshi.core.uploads import check_upload
from luoshi.orgs.models import Unit
from luoshi.problems import rollups, workflow
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
from luoshi.problems.tracker import PROBLEMS
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_files, record_report, store_evidence
from luoshi.tracking.workflow import Transition

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
CHILD_MODELS = (Measure, ProgressEntry, Evidence, ClosureRequest, ExtensionRequest, ProblemEvent)


def today() -> date:
    return timezone.localdate()


def _event(problem: Problem, actor: User, kind: str, note: str = "", to_state: str = "") -> None:
    ProblemEvent.objects.create(
        problem=problem,
        org_path=problem.org_path,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        to_state=to_state,
        note=note,
    )


def _locked(problem: Problem, version: int | None) -> Problem:
    return engine.lock(PROBLEMS, problem, version)


def _check_refs(campaign: Campaign, channel: Channel, aspect: Aspect, problem_class: ProblemClass | None) -> None:
    if channel.campaign_id != campaign.pk:
        raise RuleViolation(
            _("问题来源「{channel}」不属于活动「{campaign}」。").format(channel=channel, campaign=campaign)
        )
    if aspect.campaign_id != campaign.pk:
        raise RuleViolation(
            _("问题方面「{aspect}」不属于活动「{campaign}」。").format(aspect=aspect, campaign=campaign)
        )
    if problem_class is not None and problem_class.campaign_id != campaign.pk:
        raise RuleViolation(
            _("问题类别「{problem_class}」不属于活动「{campaign}」。").format(
                problem_class=problem_class, campaign=campaign
            )
        )


def _check_unit(campaign: Campaign, unit: Unit) -> None:
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))


def _check_dates(found_on: date, deadline: date) -> None:
    if deadline < found_on:
        raise RuleViolation(_("整改时限不能早于发现日期。"))


def _check_leader(leader: Any, unit: Unit) -> None:
    """A named responsible leader must be able to claim problems of the unit, or nobody could."""
    if leader is not None and not scope.can(leader, Perm.CLAIM, unit.path):
        raise RuleViolation(
            _("「{leader}」不是单位「{unit}」的责任领导，不能指定为该问题的责任领导。").format(leader=leader, unit=unit)
        )


def _refresh_light(problem: Problem) -> None:
    PROBLEMS.refresh(problem)


def file_problem(
    actor: User,
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
    scope.require(actor, Perm.FILE_PROBLEM, unit.path, _("您无权为该单位登记问题。"))
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束，不能再登记问题。").format(campaign=campaign))
    _check_unit(campaign, unit)
    _check_refs(campaign, channel, aspect, problem_class)
    _check_dates(found_on, deadline)
    _check_leader(responsible_leader, unit)
    if not title.strip():
        raise RuleViolation(_("问题标题不能为空。"))
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
        rollups.on_saved(None, problem)
    return problem


def _real_changes(problem: Problem, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(_("字段 {fields} 不可修改。").format(fields=", ".join(sorted(unknown))))
    return {field: value for field, value in changes.items() if getattr(problem, field) != value}


def _check_edit(actor: User, fresh: Problem, changes: dict[str, Any]) -> None:
    if fresh.state == State.CLOSED:
        raise RuleViolation(_("已销号的问题不能修改，如需继续整改请先重新打开。"))
    if "deadline" in changes and fresh.state != State.PENDING_CLAIM:
        scope.require(actor, Perm.APPROVE_EXTENSION, fresh, _("问题认领后，整改时限只能通过延期申请调整。"))
    if "unit" in changes:
        scope.require(actor, Perm.EDIT_PROBLEM, changes["unit"].path, _("您无权把问题移交给该单位。"))
        _check_unit(fresh.campaign, changes["unit"])
    if "title" in changes and not str(changes["title"]).strip():
        raise RuleViolation(_("问题标题不能为空。"))


def edit_problem(actor: User, problem: Problem, version: int, **changes: Any) -> Problem:
    """修改问题, with optimistic locking; moving it to another unit needs scope over both."""
    scope.require(actor, Perm.EDIT_PROBLEM, problem)
    with transaction.atomic():
        fresh = _locked(problem, version)
        scope.require(actor, Perm.EDIT_PROBLEM, fresh)
        changes = _real_changes(fresh, changes)
        if not changes:
            return fresh
        _check_edit(actor, fresh, changes)
        before, before_facts = snapshot(fresh), rollups.facts(fresh)
        for field, value in changes.items():
            setattr(fresh, field, value.strip() if field == "title" else value)
        _check_refs(fresh.campaign, fresh.channel, fresh.aspect, fresh.problem_class)
        _check_dates(fresh.found_on, fresh.deadline)
        if "unit" in changes or "responsible_leader" in changes:
            _check_leader(fresh.responsible_leader, fresh.unit)
        fresh.full_clean(exclude=["org_path", "filed_by", "responsible_leader"])
        if "unit" in changes:
            _move_children(fresh, fresh.unit.path)
        _refresh_light(fresh)
        fresh.version += 1
        fresh.save()
        _event(fresh, actor, EventKind.EDITED, note=_field_labels(changes))
        record_change(actor, fresh, before)
        rollups.on_saved(before_facts, fresh)
    return fresh


def _field_labels(changes: dict[str, Any]) -> str:
    fields = {f.name: record_text(f.verbose_name) for f in Problem._meta.concrete_fields}
    return "修改了" + "、".join(fields[name] for name in changes)


def _move_children(problem: Problem, new_path: str) -> None:
    problem.org_path = new_path
    for model in CHILD_MODELS:
        lookup = "progress__problem" if model is Evidence else "problem"
        model.objects.filter(**{lookup: problem}).update(org_path=new_path)


def _start(actor: User, problem: Problem, action: str, version: int | None) -> tuple[Problem, Transition]:
    return engine.start(PROBLEMS, actor, problem, action, version)


def _finish(actor: User, fresh: Problem, step: Transition, note: str = "", **fields: Any) -> Problem:
    return engine.move(PROBLEMS, actor, fresh, step, note, **fields)


@transaction.atomic
def claim(actor: User, problem: Problem, version: int | None = None) -> Problem:
    """认领: the responsible leader takes the problem on; it moves to 整改中."""
    fresh, step = _start(actor, problem, "claim", version)
    return _finish(actor, fresh, step, responsible_leader=actor, claimed_at=timezone.now())


def add_measure(
    actor: User,
    problem: Problem,
    *,
    text: str,
    owner_unit: Unit,
    deadline: date,
    owner: Any = None,
    owner_name: str = "",
) -> Measure:
    """制定整改措施 for a claimed problem; each measure has its own owner and deadline."""
    message = _("您无权为该问题制定整改措施。")
    scope.require(actor, Perm.MANAGE_MEASURES, problem, message)
    with transaction.atomic():
        fresh = _locked(problem, None)
        scope.require(actor, Perm.MANAGE_MEASURES, fresh, message)
        if fresh.state != State.RECTIFYING:
            raise RuleViolation(
                _("问题当前状态为「{state}」，只有整改中的问题才能新增整改措施。").format(
                    state=fresh.get_state_display()
                )
            )
        if not text.strip():
            raise RuleViolation(_("措施内容不能为空。"))
        _check_unit(fresh.campaign, owner_unit)
        measure = Measure.objects.create(
            problem=fresh,
            org_path=fresh.org_path,
            text=text.strip(),
            owner_unit=owner_unit,
            owner=owner,
            owner_name=owner_name or (str(owner) if owner else ""),
            deadline=deadline,
        )
        _event(fresh, actor, EventKind.MEASURE_ADDED, note=measure.text[:200])
        record_change(actor, measure, None)
    return measure


def complete_measure(actor: User, measure: Measure, version: int | None = None) -> Measure:
    """措施完成, while the problem is being rectified."""
    message = _("您无权更新该措施。")
    scope.require(actor, Perm.REPORT_PROGRESS, measure, message)
    with transaction.atomic():
        problem = _locked(measure.problem, None)
        fresh = Measure.objects.select_for_update().get(pk=measure.pk)
        scope.require(actor, Perm.REPORT_PROGRESS, fresh, message)
        if version is not None and fresh.version != version:
            raise Conflict(_("该措施已被他人修改，请刷新页面后重试。"))
        if fresh.state == MeasureState.DONE:
            raise RuleViolation(_("该措施已经完成。"))
        if problem.state != State.RECTIFYING:
            raise RuleViolation(
                _("问题当前状态为「{state}」，不能更新措施。").format(state=problem.get_state_display())
            )
        before = snapshot(fresh)
        fresh.state, fresh.done_at, fresh.version = MeasureState.DONE, timezone.now(), fresh.version + 1
        fresh.save()
        _event(problem, actor, EventKind.MEASURE_DONE, note=fresh.text[:200])
        record_change(actor, fresh, before, detail="措施完成")
    return fresh


def report_progress(
    actor: User,
    problem: Problem,
    *,
    text: str,
    measure: Measure | None = None,
    files: Iterable[UploadedFile] = (),
    version: int | None = None,
) -> ProgressEntry:
    """报送进展 with evidence files; every file is checked before anything is stored."""
    message = _("您无权报送该问题的进展。")
    scope.require(actor, Perm.REPORT_PROGRESS, problem, message)
    uploads = list(files)
    with evidence_files() as stored, transaction.atomic():
        fresh = _locked(problem, version)
        scope.require(actor, Perm.REPORT_PROGRESS, fresh, message)
        if fresh.state != State.RECTIFYING:
            raise RuleViolation(_("问题当前状态为「{state}」，不能报送进展。").format(state=fresh.get_state_display()))
        if measure is not None and measure.problem_id != fresh.pk:
            raise RuleViolation(_("所选措施不属于该问题。"))
        if not text.strip():
            raise RuleViolation(_("进展情况不能为空。"))
        checked = [check_upload(f) for f in uploads]
        entry = ProgressEntry.objects.create(
            problem=fresh, org_path=fresh.org_path, measure=measure, author=actor, text=text.strip()
        )
        store_evidence(stored, Evidence, "progress", entry, actor, uploads, checked)
        _event(fresh, actor, EventKind.PROGRESS, note=entry.text[:200])
        record_report(actor, entry, stored, detail=f"附件 {len(checked)} 个")
    return entry


@transaction.atomic
def request_closure(actor: User, problem: Problem, *, summary: str, version: int | None = None) -> ClosureRequest:
    """申请销号: the unit's leader signs off with evidence; all measures must be done."""
    fresh, step = _start(actor, problem, "request_closure", version)
    if not summary.strip():
        raise RuleViolation(_("请填写整改情况说明。"))
    open_measures = fresh.measures.exclude(state=MeasureState.DONE).count()
    if open_measures:
        raise RuleViolation(_("还有 {count} 项整改措施未完成，不能申请销号。").format(count=open_measures))
    if not Evidence.objects.filter(progress__problem=fresh).exists():
        raise RuleViolation(_("申请销号前请先上传佐证材料。"))
    fresh = _finish(actor, fresh, step, note=summary.strip()[:200])
    closure = ClosureRequest.objects.create(
        problem=fresh, org_path=fresh.org_path, requested_by=actor, summary=summary.strip()
    )
    record_change(actor, closure, None)
    return closure


def _decide_closure(
    actor: User, problem: Problem, action: str, note: str, version: int | None, **fields: Any
) -> Problem:
    """The second level of the two-level review: someone other than the requester decides."""
    fresh, step = _start(actor, problem, action, version)
    if action == "send_back" and not note:
        raise RuleViolation(_("退回时请填写理由。"))
    closure = fresh.closure_requests.get(state=RequestState.PENDING)
    engine.decide_request(
        actor,
        closure,
        action == "approve_closure",
        note,
        own_message=_("销号须由审核层级的其他人员审核，不能审核自己的申请。"),
        decided_message=_("没有待审核的销号申请。"),
        detail=record_text(step.label),
    )
    return _finish(actor, fresh, step, note=note, **fields)


@transaction.atomic
def approve_closure(actor: User, problem: Problem, *, note: str = "", version: int | None = None) -> Problem:
    """审核销号: the reviewing level approves; the problem is closed."""
    return _decide_closure(actor, problem, "approve_closure", note.strip(), version, closed_at=timezone.now())


@transaction.atomic
def send_back(actor: User, problem: Problem, *, reason: str, version: int | None = None) -> Problem:
    """退回整改 with a reason."""
    return _decide_closure(actor, problem, "send_back", reason.strip(), version)


@transaction.atomic
def reopen(actor: User, problem: Problem, *, reason: str, version: int | None = None) -> Problem:
    """回头看: the office reopens a closed problem after a later re-check."""
    fresh, step = _start(actor, problem, "reopen", version)
    if not reason.strip():
        raise RuleViolation(_("重新打开时请填写回头看发现的情况。"))
    return _finish(actor, fresh, step, note=reason.strip(), closed_at=None)


@transaction.atomic
def request_extension(
    actor: User, problem: Problem, *, new_deadline: date, reason: str, version: int | None = None
) -> ExtensionRequest:
    """申请延期, only before the deadline passes and only one pending at a time."""
    fresh = engine.require_activity(PROBLEMS, actor, problem, "request_extension", version)
    if new_deadline <= fresh.deadline:
        raise RuleViolation(_("申请的新时限须晚于当前时限。"))
    if not reason.strip():
        raise RuleViolation(_("请填写延期理由。"))
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


def _decide_extension(actor: User, ext: ExtensionRequest, approve: bool, note: str) -> tuple[ExtensionRequest, Problem]:
    message = _("您无权审批延期申请。")
    scope.require(actor, Perm.APPROVE_EXTENSION, ext, message)
    problem = _locked(ext.problem, None)
    scope.require(actor, Perm.APPROVE_EXTENSION, problem, message)
    if approve and problem.state == State.CLOSED:
        raise RuleViolation(_("问题已销号，无需延期。"))
    if approve and ext.new_deadline <= problem.deadline:
        raise RuleViolation(_("申请的新时限不晚于问题当前的整改时限，无需延期。"))
    if not approve and not note.strip():
        raise RuleViolation(_("不同意延期时请填写理由。"))
    fresh = engine.decide_request(
        actor,
        ext,
        approve,
        note,
        own_message=_("不能审批自己的延期申请。"),
        decided_message=_("该延期申请已经审批。"),
    )
    return fresh, problem


@transaction.atomic
def approve_extension(actor: User, ext: ExtensionRequest, *, note: str = "") -> ExtensionRequest:
    """同意延期: the problem's deadline moves, and so may its light."""
    fresh, problem = _decide_extension(actor, ext, True, note)
    moved_to = f"时限延至 {fresh.new_deadline:%Y-%m-%d}"
    engine.update(
        PROBLEMS, actor, problem, EventKind.EXTENSION_APPROVED, "同意延期", moved_to, deadline=fresh.new_deadline
    )
    return fresh


@transaction.atomic
def reject_extension(actor: User, ext: ExtensionRequest, *, note: str) -> ExtensionRequest:
    """不同意延期, with a reason."""
    fresh, problem = _decide_extension(actor, ext, False, note)
    _event(problem, actor, EventKind.EXTENSION_REJECTED, note=fresh.decision_note)
    engine.notify_after(PROBLEMS, actor, problem, EventKind.EXTENSION_REJECTED)
    return fresh


def allowed_actions(actor: User, problem: Problem) -> list[str]:
    """The transitions ``actor`` may take on ``problem`` now (for API clients); pages ask ``available``."""
    return [name for name in available(actor, problem) if name in workflow.TRANSITIONS]


def available(actor: User, problem: Problem) -> list[str]:
    """Every transition and activity ``actor`` may take on ``problem`` now: buttons, action pages and API."""
    return engine.available_actions(PROBLEMS, actor, problem)


def refresh_lights(on: date | None = None) -> dict[str, int]:
    """Recompute every open problem's light (daily job) and move the rollups' light counts with them.

    Per campaign, in one transaction: the rows whose light changes are locked first (all three colours,
    before any rollup row, so a transition waiting on one of them cannot hold a rollup row this needs),
    then updated by id, then their moves are added to the rollups; no row loop in the database.
    """
    on = on or today()
    changed = {Light.RED: 0, Light.YELLOW: 0, Light.GREEN: 0}
    for campaign_id, yellow_days in Campaign.objects.values_list("id", "yellow_days"):
        rows = Problem.objects.filter(campaign_id=campaign_id)
        open_rows = rows.exclude(state=State.CLOSED)
        yellow_until = date.fromordinal(on.toordinal() + yellow_days)
        green_q = Q(state=State.CLOSED) | Q(deadline__gt=yellow_until)
        plans = (
            (Light.RED, open_rows.filter(deadline__lt=on).exclude(light=Light.RED)),
            (Light.YELLOW, open_rows.filter(deadline__gte=on, deadline__lte=yellow_until).exclude(light=Light.YELLOW)),
            (Light.GREEN, rows.filter(green_q).exclude(light=Light.GREEN)),
        )
        with transaction.atomic():
            found = [
                (light, list(plan.select_for_update().values_list("pk", "org_path", "state", "light").order_by("pk")))
                for light, plan in plans
            ]
            moves: list[tuple[str, str, str]] = []
            for light, locked in found:
                ids = [pk for pk, *_ in locked]
                for start in range(0, len(ids), 500):
                    Problem.objects.filter(pk__in=ids[start : start + 500]).update(light=light)
                changed[light] += len(ids)
                moves += [(path, old, light) for _, path, state, old in locked if state != State.CLOSED]
            rollups.lights_changed(campaign_id, moves, on)
    return {str(k): v for k, v in changed.items()}


def create_problem_class(
    actor: User, *, campaign: Campaign, unit: Unit, name: str, description: str = ""
) -> ProblemClass:
    """新建问题类别 (一类事): similar problems grouped so that one fix serves the whole class."""
    scope.require(actor, Perm.EDIT_PROBLEM, unit.path, _("您无权在该单位新建问题类别。"))
    _check_unit(campaign, unit)
    if not name.strip():
        raise RuleViolation(_("类别名称不能为空。"))
    with transaction.atomic():
        problem_class = ProblemClass.objects.create(
            campaign=campaign, unit=unit, org_path=unit.path, name=name.strip(), description=description
        )
        record_change(actor, problem_class, None)
    return problem_class
