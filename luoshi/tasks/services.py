"""The only code that writes key tasks (重点任务), their assignments, reports and requests.

Tasks are created and assigned by the office that issues them (MANAGE_TASKS over the task's unit);
assignments move through the shared tracked-work engine: each transition checks scope before and after
the lock, the version the user saw, the state and the extra rules (``GUARDS``), then writes the change,
the timeline event and the audit record in one transaction. Assigning to many units at once is one
bulk insert and one audit record with the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import RuleViolation
from luoshi.core.i18n import record_text
from luoshi.core.uploads import check_upload
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit, UnitKind
from luoshi.tasks import workflow
from luoshi.tasks.choices import CLOSED_STATES, DEFAULT_SOURCES, OPEN_STATES, AssignRole, Cycle, EventKind, State
from luoshi.tasks.models import (
    FinishRequest,
    Milestone,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskEvidence,
    TaskExtension,
    TaskProgress,
    TaskSource,
)
from luoshi.tracking import engine
from luoshi.tracking.choices import Light, RequestState
from luoshi.tracking.files import evidence_files, record_report, store_evidence
from luoshi.tracking.workflow import Transition, light_for

BATCH = 1000
OWN_FINISH = gettext_lazy("不能验收或退回自己提交的办结申请。")
OWN_EXTENSION = gettext_lazy("不能审批自己的延期申请。")


def today() -> dt.date:
    return timezone.localdate()


# --- the tracker: extra rules of the transitions and the activities -------------------------------------------


def _not_task_office(actor: Any, item: TaskAssignment) -> str | None:
    if actor is None or not scope.can(actor, Perm.MANAGE_TASKS, item.task.org_path):
        return _("只有下达该任务的单位才能执行此操作。")
    return None


def _pending(requests: Any) -> Any:
    return requests.filter(state=RequestState.PENDING).order_by("-id").first()


def _deciding_finish(actor: Any, item: TaskAssignment) -> str | None:
    reason = _not_task_office(actor, item)
    if reason:
        return reason
    pending = _pending(item.finish_requests)
    if pending is None:
        return _("没有待审核的办结申请。")
    if pending.requested_by_id == actor.pk:
        return str(OWN_FINISH)
    return None


def _asking_extension(actor: Any, item: TaskAssignment) -> str | None:
    if today() > item.due_on:
        return _("办理时限已过，不能再申请延期。延期须在时限届满前提出。")
    if item.extensions.filter(state=RequestState.PENDING).exists():
        return _("已有待审批的延期申请。")
    return None


def _deciding_extension(actor: Any, item: TaskAssignment) -> str | None:
    reason = _not_task_office(actor, item)
    if reason:
        return reason
    pending = _pending(item.extensions)
    if pending is None:
        return _("没有待审批的延期申请。")
    if pending.requested_by_id == actor.pk:
        return str(OWN_EXTENSION)
    return None


def _passing_down(actor: Any, item: TaskAssignment) -> str | None:
    if not Unit.objects.filter(parent_id=item.unit_id).exists():
        return _("本单位没有下级单位，无法逐级下达。")
    return None


class AssignmentTracker(engine.Tracker[TaskAssignment]):
    def refresh(self, item: TaskAssignment) -> None:
        closed = item.state in CLOSED_STATES
        item.light = light_for(closed, item.due_on, today(), item.task.campaign.yellow_days)

    def notify(self, actor: Any, item: TaskAssignment, step: Transition | str) -> None:
        """退回 → the assignment's owner (or the unit's handlers when it has none); 验收 → who asked to finish."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else ""
        title = str(item.task)
        if action == "send_back":
            to = [item.owner_id] if item.owner_id else notices.users_of_unit(item.unit_id, Perm.HANDLE_TASK)
            kind, text = NoticeKind.SENT_BACK, _("办结申请被退回：{task}").format(task=title)
        elif action == "accept":
            asked = item.finish_requests.order_by("-id").values_list("requested_by_id", flat=True)[:1]
            to, kind, text = list(asked), NoticeKind.DECIDED, _("办结已验收：{task}").format(task=title)
        else:
            return
        notices.notify(to, kind=kind, title=text, url=_assignment_url(item), obj=item)


def _assignment_url(item: TaskAssignment) -> str:
    return reverse("tasks:assignment", args=[item.pk])


def _notify_assigned(rows: list[TaskAssignment], title: str) -> None:
    """交办: every user holding HANDLE_TASK on each assigned unit, in one INSERT once the transaction commits."""

    def make() -> list[Any]:
        holders = notices.users_of_units({row.unit_id for row in rows}, Perm.HANDLE_TASK)
        text = _("新交办任务：{task}").format(task=title)
        built = []
        for row in rows:
            url = _assignment_url(row)
            built += notices.build(holders[row.unit_id], kind=NoticeKind.ASSIGNED, title=text, url=url, obj=row)
        return built

    notices.send_later(make)


def _notify_extension(extension: TaskExtension, fresh: TaskAssignment, approve: bool) -> None:
    """延期审批 → who asked for it."""
    text = _("延期申请已同意：{task}") if approve else _("延期申请未同意：{task}")
    title = text.format(task=fresh.task)
    url = _assignment_url(fresh)
    requester = extension.requested_by_id
    notices.send_later(lambda: notices.build([requester], kind=NoticeKind.DECIDED, title=title, url=url, obj=fresh))


TRACKER = AssignmentTracker(
    model=TaskAssignment,
    workflow=workflow.WORKFLOW,
    event_model=TaskEvent,
    item_field="assignment",
    stale_message=gettext_lazy("该任务已被他人修改，请刷新页面后重试。"),
    related=("task__campaign",),
    activities={
        "report_progress": engine.Activity(gettext_lazy("报送进展"), Perm.HANDLE_TASK, (State.IN_PROGRESS,)),
        "pass_down": engine.Activity(
            gettext_lazy("逐级下达"), Perm.HANDLE_TASK, (State.IN_PROGRESS,), guard=_passing_down
        ),
        "request_extension": engine.Activity(
            gettext_lazy("申请延期"),
            Perm.HANDLE_TASK,
            (State.PENDING_SIGN, State.IN_PROGRESS),
            guard=_asking_extension,
        ),
        "approve_extension": engine.Activity(
            gettext_lazy("同意延期"), Perm.MANAGE_TASKS, OPEN_STATES, guard=_deciding_extension
        ),
        "reject_extension": engine.Activity(
            gettext_lazy("不同意延期"), Perm.MANAGE_TASKS, OPEN_STATES, guard=_deciding_extension
        ),
    },
    guards={
        "accept": _deciding_finish,
        "send_back": _deciding_finish,
        "revoke": _not_task_office,
        "reopen": _not_task_office,
    },
)


def available_actions(actor: Any, assignment: TaskAssignment) -> list[str]:
    """What ``actor`` may do with ``assignment`` now: buttons, action pages and the API's ``allowed_actions``."""
    return engine.available_actions(TRACKER, actor, assignment)


# --- task sources and tasks -----------------------------------------------------------------------------------


def sources_for(campaign: Campaign) -> list[TaskSource]:
    """The campaign's task sources (任务来源); the default ones are created the first time they are asked for."""
    found = list(TaskSource.objects.filter(campaign=campaign))
    if found:
        return found
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        found = list(TaskSource.objects.filter(campaign=campaign))
        if found:
            return found
        made = [TaskSource(campaign=campaign, name=name, order=i) for i, name in enumerate(DEFAULT_SOURCES)]
        TaskSource.objects.bulk_create(made)
        record(
            Action.CREATE,
            object_type=TaskSource._meta.label_lower,
            object_id=str(campaign.pk),
            object_repr=str(campaign),
            detail="默认任务来源",
            after={"campaign": campaign.pk, "names": list(DEFAULT_SOURCES)},
            actor_name="系统",
        )
    return list(TaskSource.objects.filter(campaign=campaign))


def add_source(actor: User, campaign: Campaign, *, name: str) -> TaskSource:
    """新增任务来源 of a campaign, by its office."""
    scope.require(actor, Perm.MANAGE_TASKS, campaign.unit.path, _("您无权设置该活动的任务来源。"))
    name = name.strip()
    if not name:
        raise RuleViolation(_("来源名称不能为空。"))
    existing = sources_for(campaign)
    if any(s.name == name for s in existing):
        raise RuleViolation(_("任务来源「{name}」已存在。").format(name=name))
    with transaction.atomic():
        source = TaskSource.objects.create(campaign=campaign, name=name, order=len(existing))
        record_change(actor, source, None)
    return source


def _check_task(campaign: Campaign, unit: Unit, source: TaskSource, title: str, weight: Decimal) -> None:
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束，不能再部署任务。").format(campaign=campaign))
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    if source.campaign_id != campaign.pk:
        raise RuleViolation(
            _("任务来源「{source}」不属于活动「{campaign}」。").format(source=source, campaign=campaign)
        )
    if not title.strip():
        raise RuleViolation(_("任务名称不能为空。"))
    if len(title.strip()) > 200:
        raise RuleViolation(_("任务名称不能超过 200 字。"))
    if Decimal(weight) <= 0:
        raise RuleViolation(_("权重须为正数。"))


def _check_parent(campaign: Campaign, parent: Task | None, due_on: dt.date) -> int:
    if parent is None:
        return workflow.child_level(None)
    if parent.campaign_id != campaign.pk:
        raise RuleViolation(_("上级任务不属于活动「{campaign}」。").format(campaign=campaign))
    level = workflow.child_level(parent.level)
    if due_on > parent.due_on:
        raise RuleViolation(
            _("子任务的完成时限不能晚于上级任务的完成时限（{due}）。").format(due=f"{parent.due_on:%Y-%m-%d}")
        )
    return level


def create_task(
    actor: User,
    *,
    campaign: Campaign,
    title: str,
    source: TaskSource,
    due_on: dt.date,
    unit: Unit | None = None,
    parent: Task | None = None,
    description: str = "",
    leader: User | None = None,
    leader_name: str = "",
    weight: Decimal = Decimal(1),
    cycle: str = Cycle.MONTHLY,
) -> Task:
    """部署重点任务, or decompose one into a sub-task (分解, at most three levels) issued by the same unit."""
    unit = parent.unit if parent is not None else (unit or campaign.unit)
    scope.require(actor, Perm.MANAGE_TASKS, unit.path, _("您无权在该单位部署重点任务。"))
    _check_task(campaign, unit, source, title, weight)
    level = _check_parent(campaign, parent, due_on)
    if cycle not in Cycle.values:
        raise RuleViolation(_("报送周期无效。"))
    task = Task(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        parent=parent,
        level=level,
        title=title.strip(),
        source=source,
        description=description.strip(),
        leader=leader,
        leader_name=(leader_name.strip() or (str(leader) if leader else ""))[:50],
        weight=Decimal(weight),
        due_on=due_on,
        cycle=cycle,
        created_by=actor,
    )
    with transaction.atomic():
        task.save()
        record_change(actor, task, None)
    return task


def add_milestone(actor: User, task: Task, *, name: str, due_on: dt.date) -> Milestone:
    """新增时间节点 of a task."""
    scope.require(actor, Perm.MANAGE_TASKS, task.org_path, _("您无权设置该任务的时间节点。"))
    if not name.strip():
        raise RuleViolation(_("节点名称不能为空。"))
    with transaction.atomic():
        milestone = Milestone.objects.create(task=task, org_path=task.org_path, name=name.strip()[:100], due_on=due_on)
        record_change(actor, milestone, None)
    return milestone


def reach_milestone(actor: User, milestone: Milestone, *, reached_on: dt.date | None = None) -> Milestone:
    """节点达成: the office marks a milestone reached."""
    scope.require(actor, Perm.MANAGE_TASKS, milestone.org_path, _("您无权更新该时间节点。"))
    with transaction.atomic():
        fresh = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if fresh.reached:
            raise RuleViolation(_("该时间节点已达成。"))
        before = snapshot(fresh)
        fresh.reached, fresh.reached_on = True, reached_on or today()
        fresh.save()
        record_change(actor, fresh, before, detail="节点达成")
    return fresh


# --- assigning (交办) and passing down (逐级下达) --------------------------------------------------------------


@dataclass(frozen=True)
class AssignResult:
    """The assignments made by one action, and how many units were left out because they hold one already."""

    created: list[TaskAssignment]
    skipped: int

    @property
    def count(self) -> int:
        return len(self.created)


def _check_owner(owner: User | None, owner_paths: list[str]) -> None:
    if owner is not None and not all(scope.can(owner, Perm.HANDLE_TASK, path) for path in owner_paths):
        raise RuleViolation(_("「{owner}」对承办单位没有办理任务的权限，不能指定为责任人。").format(owner=owner))


def _targets(
    within: Unit, units: Sequence[Unit], kind: UnitKind | None, root: Unit | None, strict: bool
) -> tuple[list[tuple[int, str]], list[str]]:
    """(unit id, path) of every unit named, or of every unit of ``kind`` under ``root``; and the paths a named
    owner must be able to act on. ``strict``: only units below ``within`` (passing down)."""
    if kind is not None:
        if root is None:
            raise RuleViolation(_("按单位类型交办时，请选择上级单位。"))
        _check_within(within, root, False)
        found = Unit.objects.subtree(root).filter(kind=kind)
        if strict:
            found = found.exclude(pk=within.pk)
        rows = list(found.order_by("path").values_list("pk", "path"))
        if not rows:
            raise RuleViolation(_("「{root}」下没有类型为「{kind}」的单位。").format(root=root, kind=kind))
        return rows, [root.path]
    if not units:
        raise RuleViolation(_("请选择承办单位。"))
    for unit in units:
        _check_within(within, unit, strict)
    return [(u.pk, u.path) for u in units], sorted({u.path for u in units})


def _check_within(within: Unit, unit: Unit, strict: bool) -> None:
    if not paths.is_within(unit.path, within.path) or (strict and unit.pk == within.pk):
        where = _("下级单位") if strict else _("范围内的单位")
        raise RuleViolation(_("「{unit}」不是「{within}」的{where}。").format(unit=unit, within=within, where=where))


def _insert(
    actor: User,
    task: Task,
    targets: list[tuple[int, str]],
    *,
    role: str,
    due_on: dt.date,
    owner: User | None,
    parent: TaskAssignment | None,
    skip_taken: bool,
) -> AssignResult:
    taken = set(task.assignments.exclude(state=State.REVOKED).values_list("unit_id", flat=True))
    wanted = [(pk, path) for pk, path in targets if pk not in taken]
    if not skip_taken and len(wanted) < len(targets):
        names = Unit.objects.filter(pk__in=[pk for pk, _p in targets if pk in taken]).values_list("name", flat=True)
        raise RuleViolation(_("单位「{units}」已承办该任务。").format(units=_("、").join(names[:5])))
    if not wanted:
        raise RuleViolation(_("所选单位都已承办该任务。"))
    light = light_for(False, due_on, today(), task.campaign.yellow_days)
    rows = [
        TaskAssignment(
            task=task,
            unit_id=pk,
            org_path=path,
            parent=parent,
            role=role,
            owner=owner,
            due_on=due_on,
            state=State.PENDING_SIGN,
            light=light,
            assigned_by=actor,
        )
        for pk, path in wanted
    ]
    TaskAssignment.objects.bulk_create(rows, batch_size=BATCH)
    kind = EventKind.PASSED_DOWN if parent is not None else EventKind.ASSIGNED
    at = timezone.now()
    events = [
        TaskEvent(assignment=row, org_path=row.org_path, at=at, actor=actor, kind=kind, to_state=State.PENDING_SIGN)
        for row in rows
    ]
    TaskEvent.objects.bulk_create(events, batch_size=BATCH)
    _notify_assigned(rows, task.title)
    return AssignResult(rows, len(targets) - len(wanted))


def _check_assignment_input(
    role: str, due_on: dt.date, limit: dt.date, owner: User | None, owner_paths: list[str]
) -> None:
    if role not in AssignRole.values:
        raise RuleViolation(_("职责须为牵头或配合。"))
    if due_on > limit:
        raise RuleViolation(_("办理时限不能晚于 {due}。").format(due=f"{limit:%Y-%m-%d}"))
    _check_owner(owner, owner_paths)


def _audit_assign(actor: User, task: Task, result: AssignResult, detail: str, **facts: Any) -> None:
    record(
        Action.CREATE,
        actor=actor,
        obj=task,
        object_type=TaskAssignment._meta.label_lower,
        object_repr=str(task)[:200],
        detail=detail[:200],
        after={"task": task.pk, "count": result.count, "skipped": result.skipped, **facts},
    )


def assign(
    actor: User,
    task: Task,
    *,
    role: str,
    due_on: dt.date,
    units: Sequence[Unit] = (),
    kind: UnitKind | None = None,
    root: Unit | None = None,
    owner: User | None = None,
) -> AssignResult:
    """交办: to the units named, or in one action to every unit of ``kind`` under ``root`` (every street of a
    district); units that hold the task already are left out of the latter. One audit record per action."""
    scope.require(actor, Perm.MANAGE_TASKS, task.org_path, _("您无权交办该任务。"))
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("campaign", "unit").get(pk=task.pk)
        if not task.campaign.is_active:
            raise RuleViolation(_("活动「{campaign}」已结束，不能再交办任务。").format(campaign=task.campaign))
        targets, owner_paths = _targets(task.unit, units, kind, root, strict=False)
        _check_assignment_input(role, due_on, task.due_on, owner, owner_paths)
        result = _insert(
            actor, task, targets, role=role, due_on=due_on, owner=owner, parent=None, skip_taken=kind is not None
        )
        facts = {"role": role, "due_on": due_on, "kind": kind.pk if kind else None, "root": root.pk if root else None}
        _audit_assign(actor, task, result, f"交办任务「{task}」给 {result.count} 个单位", **facts)
    return result


def pass_down(
    actor: User,
    assignment: TaskAssignment,
    *,
    due_on: dt.date,
    units: Sequence[Unit] = (),
    kind: UnitKind | None = None,
    root: Unit | None = None,
    role: str | None = None,
    owner: User | None = None,
    version: int | None = None,
) -> AssignResult:
    """逐级下达: the assigned unit passes its assignment down to units below it, which then sign it themselves."""
    with transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, assignment, "pass_down", version)
        unit = Unit.objects.get(pk=fresh.unit_id)
        targets, owner_paths = _targets(unit, units, kind, root, strict=True)
        role = role or fresh.role
        _check_assignment_input(role, due_on, fresh.due_on, owner, owner_paths)
        result = _insert(
            actor,
            fresh.task,
            targets,
            role=role,
            due_on=due_on,
            owner=owner,
            parent=fresh,
            skip_taken=kind is not None,
        )
        engine.event(TRACKER, fresh, actor, EventKind.PASSED_DOWN, note=f"下达至 {result.count} 个下级单位")
        _audit_assign(
            actor, fresh.task, result, f"逐级下达任务「{fresh.task}」至 {result.count} 个单位", parent=fresh.pk
        )
    return result


# --- transitions ----------------------------------------------------------------------------------------------


@transaction.atomic
def sign(actor: User, assignment: TaskAssignment, version: int | None = None) -> TaskAssignment:
    """签收: the unit takes the task on; its reporting rounds start today; the signer owns it unless named."""
    fresh, step = engine.start(TRACKER, actor, assignment, "sign", version)
    return engine.move(TRACKER, actor, fresh, step, signed_on=today(), owner=fresh.owner or actor)


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise RuleViolation(message)
    return text


@transaction.atomic
def request_finish(
    actor: User, assignment: TaskAssignment, *, summary: str, version: int | None = None
) -> FinishRequest:
    """申请办结 with a summary of what was done; the issuing office accepts or sends it back."""
    fresh, step = engine.start(TRACKER, actor, assignment, "request_finish", version)
    summary = _required(summary, _("请填写办结情况说明。"))
    moved = engine.move(TRACKER, actor, fresh, step, note=summary[:500])
    finish = FinishRequest.objects.create(
        assignment=moved, org_path=moved.org_path, requested_by=actor, summary=summary
    )
    record_change(actor, finish, None)
    return finish


def _decide_finish(actor: User, fresh: TaskAssignment, approve: bool, note: str) -> None:
    engine.decide_request(
        actor,
        _pending(fresh.finish_requests),
        approve,
        note,
        own_message=str(OWN_FINISH),
        decided_message=_("该办结申请已经处理。"),
        detail="验收办结" if approve else "退回办结申请",
    )


@transaction.atomic
def accept(actor: User, assignment: TaskAssignment, *, note: str = "", version: int | None = None) -> TaskAssignment:
    """验收办结: the issuing office accepts the finish request; the assignment is done."""
    fresh, step = engine.start(TRACKER, actor, assignment, "accept", version)
    _decide_finish(actor, fresh, True, note)
    return engine.move(TRACKER, actor, fresh, step, note=note.strip()[:500], closed_at=timezone.now())


@transaction.atomic
def send_back(actor: User, assignment: TaskAssignment, *, reason: str, version: int | None = None) -> TaskAssignment:
    """退回: the finish request is refused with a reason; the unit goes on working."""
    fresh, step = engine.start(TRACKER, actor, assignment, "send_back", version)
    reason = _required(reason, _("退回时请填写理由。"))
    _decide_finish(actor, fresh, False, reason)
    return engine.move(TRACKER, actor, fresh, step, note=reason[:500])


def _close_requests(actor: User, ids: list[int], note: str) -> None:
    now = timezone.now()
    for model in (FinishRequest, TaskExtension):
        model._default_manager.filter(assignment_id__in=ids, state=RequestState.PENDING).update(
            state=RequestState.REJECTED, decided_by=actor, decided_at=now, decision_note=note[:500]
        )


def _descendants(assignment: TaskAssignment) -> list[int]:
    found: list[int] = []
    frontier = [assignment.pk]
    while frontier:
        frontier = list(TaskAssignment.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found += frontier
    return found


def _revoke_below(actor: User, fresh: TaskAssignment, reason: str) -> int:
    """Revoke the open assignments passed down from ``fresh``, in a few statements, audited as one record."""
    below = TaskAssignment.objects.filter(pk__in=_descendants(fresh), state__in=OPEN_STATES)
    rows = list(below.values_list("pk", "org_path", "state"))
    if not rows:
        return 0
    ids, now = [pk for pk, _path, _state in rows], timezone.now()
    TaskAssignment.objects.filter(pk__in=ids).update(
        state=State.REVOKED, light=Light.GREEN, closed_at=now, version=F("version") + 1
    )
    note = f"上级交办已撤销：{reason}"[:500]
    events = [
        TaskEvent(
            assignment_id=pk,
            org_path=path,
            at=now,
            actor=actor,
            kind=EventKind.REVOKED,
            from_state=state,
            to_state=State.REVOKED,
            note=note,
        )
        for pk, path, state in rows
    ]
    TaskEvent.objects.bulk_create(events, batch_size=BATCH)
    _close_requests(actor, ids, note)
    record(
        Action.TRANSITION,
        actor=actor,
        obj=fresh,
        detail=f"随上级交办撤销 {len(ids)} 项"[:200],
        after={"revoked": len(ids), "first": ids[0], "last": ids[-1]},
    )
    return len(ids)


@transaction.atomic
def revoke(actor: User, assignment: TaskAssignment, *, reason: str, version: int | None = None) -> TaskAssignment:
    """撤销: the issuing office withdraws an open assignment, and with it whatever was passed down from it."""
    fresh, step = engine.start(TRACKER, actor, assignment, "revoke", version)
    reason = _required(reason, _("撤销时请填写理由。"))
    _close_requests(actor, [fresh.pk], f"任务已撤销：{reason}")
    _revoke_below(actor, fresh, reason)
    return engine.move(TRACKER, actor, fresh, step, note=reason[:500], closed_at=timezone.now())


@transaction.atomic
def reopen(actor: User, assignment: TaskAssignment, *, reason: str, version: int | None = None) -> TaskAssignment:
    """重启: the issuing office reopens a finished assignment."""
    fresh, step = engine.start(TRACKER, actor, assignment, "reopen", version)
    reason = _required(reason, _("重启时请填写理由。"))
    return engine.move(TRACKER, actor, fresh, step, note=reason[:500], closed_at=None)


# --- progress reports (进展报送) -------------------------------------------------------------------------------


def _check_percent(percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int | Decimal) or not 0 <= percent <= 100:
        raise RuleViolation(_("完成进度须为 0 到 100 之间的整数。"))
    if isinstance(percent, Decimal) and percent != percent.to_integral_value():
        raise RuleViolation(_("完成进度须为 0 到 100 之间的整数。"))
    return int(percent)


def report_progress(
    actor: User,
    assignment: TaskAssignment,
    *,
    text: str,
    percent: int,
    difficulties: str = "",
    next_steps: str = "",
    files: Iterable[UploadedFile] = (),
    version: int | None = None,
) -> TaskProgress:
    """报送进展 of this round with evidence files; every file is checked before anything is stored. The
    assignment keeps the latest percent and report date, in the same transaction."""
    uploads = list(files)
    with evidence_files() as stored, transaction.atomic():
        fresh = engine.require_activity(TRACKER, actor, assignment, "report_progress", version)
        text = _required(text, _("进展情况不能为空。"))
        percent = _check_percent(percent)
        checked = [check_upload(f) for f in uploads]
        day = today()
        entry = TaskProgress.objects.create(
            assignment=fresh,
            org_path=fresh.org_path,
            author=actor,
            text=text,
            percent=percent,
            difficulties=difficulties.strip(),
            next_steps=next_steps.strip(),
            reported_on=day,
        )
        store_evidence(stored, TaskEvidence, "progress", entry, actor, uploads, checked)
        record_report(actor, entry, stored, detail=f"附件 {len(stored)} 个")
        label = record_text(TRACKER.activities["report_progress"].label)
        note = f"{percent}%：{text}"[:200]
        engine.update(TRACKER, actor, fresh, EventKind.PROGRESS, label, note, percent=percent, last_report_on=day)
    return entry


# --- extensions (延期申请) -------------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    actor: User, assignment: TaskAssignment, *, new_due: dt.date, reason: str, version: int | None = None
) -> TaskExtension:
    """申请延期: before the deadline passes, with a reason and a new date; one pending at a time."""
    fresh = engine.require_activity(TRACKER, actor, assignment, "request_extension", version)
    if new_due <= fresh.due_on:
        raise RuleViolation(_("申请的新时限须晚于当前办理时限。"))
    reason = _required(reason, _("请填写延期理由。"))
    extension = TaskExtension.objects.create(
        assignment=fresh,
        org_path=fresh.org_path,
        requested_by=actor,
        old_due=fresh.due_on,
        new_due=new_due,
        reason=reason,
    )
    engine.event(TRACKER, fresh, actor, EventKind.EXTENSION_REQUESTED, note=f"申请延期至 {new_due:%Y-%m-%d}：{reason}")
    record_change(actor, extension, None)
    return extension


def _decide_extension(actor: User, extension: TaskExtension, approve: bool, note: str) -> tuple[TaskExtension, Any]:
    action = "approve_extension" if approve else "reject_extension"
    fresh = engine.require_activity(TRACKER, actor, extension.assignment, action)
    decided = engine.decide_request(
        actor,
        extension,
        approve,
        note,
        own_message=str(OWN_EXTENSION),
        decided_message=_("该延期申请已经审批。"),
        detail="同意延期" if approve else "不同意延期",
    )
    return decided, fresh


@transaction.atomic
def approve_extension(actor: User, extension: TaskExtension, *, note: str = "") -> TaskExtension:
    """同意延期: the assignment's deadline moves to the date asked for, and its light with it."""
    decided, fresh = _decide_extension(actor, extension, True, note)
    if decided.new_due <= fresh.due_on:
        raise RuleViolation(_("申请的新时限不晚于当前办理时限，无需延期。"))
    label = record_text(TRACKER.activities["approve_extension"].label)
    note = f"时限延至 {decided.new_due:%Y-%m-%d}"
    engine.update(TRACKER, actor, fresh, EventKind.EXTENSION_APPROVED, label, note, due_on=decided.new_due)
    _notify_extension(decided, fresh, True)
    return decided


@transaction.atomic
def reject_extension(actor: User, extension: TaskExtension, *, note: str) -> TaskExtension:
    """不同意延期, with a reason."""
    note = _required(note, _("不同意延期时请填写理由。"))
    decided, fresh = _decide_extension(actor, extension, False, note)
    engine.event(TRACKER, fresh, actor, EventKind.EXTENSION_REJECTED, note=note[:500])
    _notify_extension(decided, fresh, False)
    return decided


# --- the daily light sweep -------------------------------------------------------------------------------------


def refresh_lights(on: dt.date | None = None) -> dict[str, int]:
    """Recompute every assignment's light (daily job); three UPDATEs per campaign, no row loop."""
    on = on or today()
    changed = {Light.RED: 0, Light.YELLOW: 0, Light.GREEN: 0}
    for campaign_id, yellow_days in Campaign.objects.values_list("id", "yellow_days"):
        rows = TaskAssignment.objects.filter(task__campaign_id=campaign_id)
        open_rows = rows.filter(state__in=OPEN_STATES)
        yellow_until = on + dt.timedelta(days=yellow_days)
        yellow_q = Q(due_on__gte=on, due_on__lte=yellow_until)
        changed[Light.RED] += open_rows.filter(due_on__lt=on).exclude(light=Light.RED).update(light=Light.RED)
        changed[Light.YELLOW] += open_rows.filter(yellow_q).exclude(light=Light.YELLOW).update(light=Light.YELLOW)
        green_q = Q(state__in=CLOSED_STATES) | Q(due_on__gt=yellow_until)
        changed[Light.GREEN] += rows.filter(green_q).exclude(light=Light.GREEN).update(light=Light.GREEN)
    return {str(k): v for k, v in changed.items()}
