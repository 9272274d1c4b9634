"""The only code that writes citizen demands (诉求工单), their timeline and extension requests.

Every transition runs on the tracked-work engine (``luoshi.tracking.engine``) through ``DEMANDS``:
scope before and after the row lock, the version the user saw, the state table and the extra
rules below, then the move, its timeline event, its audit record and the rollups, all in one
transaction. The same rules answer which actions a user may take now. A refused call changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core import crypto, paths
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.core.i18n import record_text
from luoshi.demands import rates, rollups, timers, workflow
from luoshi.demands.choices import DemandEventKind, DemandKind, DemandState, Outcome, Satisfaction
from luoshi.demands.models import (
    Category,
    Company,
    Demand,
    DemandChannel,
    DemandEvent,
    DemandExtension,
    DemandRateConfig,
    Project,
)
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.orgs.models import Unit
from luoshi.problems.models import Problem
from luoshi.tracking import engine
from luoshi.tracking.choices import RequestState
from luoshi.tracking.workflow import Transition

PERSONAL_FIELDS = ("citizen_name_enc", "citizen_phone_enc", "citizen_phone_index")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PUBLIC_ACTOR = "群众"
SYSTEM_ACTOR = "系统"
ANONYMOUS_ACTIONS = {"call_back": PUBLIC_ACTOR, "escalate": SYSTEM_ACTOR}  # who acts when no user does
SIGN_BREACH, RESPOND_BREACH, RESOLVE_BREACH = "签收超时", "联系群众超时", "办结超时"
Actor = User | None


# --- the rules that open or close an action now (the engine's guards and activities) ----------------


def may_reveal(actor: Actor, demand: Demand) -> bool:
    """Only the ticket's handlers and its dispatchers see the citizen's name and phone in clear."""
    if demand.handling_unit_id and scope.can(actor, Perm.HANDLE_DEMAND, demand.org_path):
        return True
    return scope.can(actor, Perm.DISPATCH_DEMAND, demand.dispatcher_unit.path)


def _pending(demand: Demand) -> DemandExtension | None:
    return demand.extensions.filter(state=RequestState.PENDING).order_by("-id").first()


def _return_rule(actor: Actor, demand: Demand) -> RuleViolation | None:
    if demand.dispatched_at and timezone.now() > timers.add_working_days(demand.dispatched_at, timers.RETURN_DAYS):
        late = _("派单已超过 {days} 个工作日，不能退单。").format(days=timers.RETURN_DAYS)
        return RuleViolation(late, code="return_too_late")
    return None


def _redo_rule(actor: Actor, demand: Demand) -> str | None:
    if demand.satisfaction != Satisfaction.UNSATISFIED:
        return _("只有回访不满意的工单才能重办。")
    return None


def _escalate_rule(actor: Actor, demand: Demand) -> str | None:
    return _("该工单已在督办中。") if demand.escalated else None


def _extension_rule(actor: Actor, demand: Demand) -> RuleViolation | None:
    if demand.resolve_due is None or timezone.now() > demand.resolve_due:
        return RuleViolation(_("已超过办结时限，不能再申请延期。"), code="extension_too_late")
    if _pending(demand) is not None:
        return RuleViolation(_("该工单已有待审批的延期申请。"))
    return None


def _decide_rule(actor: Actor, demand: Demand) -> str | None:
    pending = _pending(demand)
    if pending is None:
        return _("该工单没有待审批的延期申请。")
    if actor is not None and pending.requested_by_id == actor.pk:
        return _("不能审批自己提出的延期申请。")
    return None


def _reveal_rule(actor: Actor, demand: Demand) -> str | None:
    if not may_reveal(actor, demand):
        return _("只有该工单的承办人和受理派单员可以查看群众的姓名和电话。")
    return None


def _link_rule(actor: Actor, demand: Demand) -> str | None:
    if demand.problem_id is not None:
        return _("该工单已关联问题。")
    if not scope.has_perm_anywhere(actor, Perm.EDIT_PROBLEM):
        return _("您无权编辑问题清单。")
    return None


class DemandTracker(engine.Tracker[Demand]):
    """Demands on the engine: the rollups move with every change of a ticket."""

    def facts(self, item: Demand) -> Any:
        return rollups.facts(item)

    def moved(self, before: Any, item: Demand) -> None:
        rollups.on_demand_saved(before, item)

    def notify(self, actor: Actor, item: Demand, step: Transition | str) -> None:
        """派单/重办 → the handling unit's handlers; 退单 → the dispatching unit's dispatchers; 延期审批 → who asked."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else step
        if action in ("dispatch", "redo") and item.handling_unit_id:
            to = notices.users_of_unit(item.handling_unit_id, Perm.HANDLE_DEMAND)
            kind = NoticeKind.ASSIGNED if action == "dispatch" else NoticeKind.SENT_BACK
            text = _("新派单：{demand}") if action == "dispatch" else _("工单重办：{demand}")
        elif action == "return" and item.dispatcher_unit_id:
            to = notices.users_of_unit(item.dispatcher_unit_id, Perm.DISPATCH_DEMAND)
            kind, text = NoticeKind.SENT_BACK, _("工单被退回：{demand}")
        elif action in (DemandEventKind.EXTENSION_APPROVED, DemandEventKind.EXTENSION_REJECTED):
            approved = action == DemandEventKind.EXTENSION_APPROVED
            state = RequestState.APPROVED if approved else RequestState.REJECTED
            asked = item.extensions.filter(state=state).order_by("-decided_at", "-id")
            to, kind = list(asked.values_list("requested_by_id", flat=True)[:1]), NoticeKind.DECIDED
            text = _("延期申请已同意：{demand}") if approved else _("延期申请未同意：{demand}")
        else:
            return
        title = text.format(demand=f"{item.number} {item.title}")
        notices.notify(to, kind=kind, title=title, url=reverse("demands:detail", args=[item.pk]), obj=item)


DEMANDS = DemandTracker(
    model=Demand,
    workflow=workflow.FLOW,
    event_model=DemandEvent,
    item_field="demand",
    stale_message=gettext_lazy("该工单已被他人修改，请刷新页面后重试。"),
    related=("category",),
    anonymous=ANONYMOUS_ACTIONS,
    activities={
        "decide_extension": engine.Activity(
            gettext_lazy("审批延期"), Perm.APPROVE_DEMAND_EXTENSION, workflow.ALL_STATES, _decide_rule
        ),
        "reveal": engine.Activity(gettext_lazy("查看联系方式"), Perm.VIEW_DEMANDS, workflow.ALL_STATES, _reveal_rule),
        "link_problem": engine.Activity(gettext_lazy("转为问题"), Perm.VIEW_DEMANDS, workflow.ALL_STATES, _link_rule),
    },
    guards={
        "return": _return_rule,
        "redo": _redo_rule,
        "escalate": _escalate_rule,
        "request_extension": _extension_rule,
    },
    exclude=PERSONAL_FIELDS,
)


def _current(demand: Demand) -> Demand:
    """The caller's copy, or the row as it is now if the copy is older (the ticket moved since it was read).

    The engine checks scope on this before it locks the row, so a stale copy is judged by the unit
    that holds the ticket now, not by the one that held it when the copy was read.
    """
    version = Demand.objects.filter(pk=demand.pk).values_list("version", flat=True).first()
    if version is None or version == demand.version:
        return demand
    return Demand.objects.select_related(*DEMANDS.related).get(pk=demand.pk)


def _start(actor: Actor, demand: Demand, action: str, version: int | None) -> tuple[Demand, Transition]:
    return engine.start(DEMANDS, actor, _current(demand), action, version)


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(message)
    return text


# --- 受理 -----------------------------------------------------------------------------------------


def default_intake_unit() -> Unit:
    """The top-most unit with a dispatcher (受理派单员), else the first root unit."""
    held = RoleAssignment.objects.filter(role=Role.DISPATCHER).order_by("unit__level", "unit__path").first()
    if held is not None:
        return held.unit
    root = Unit.objects.filter(parent=None).order_by("path").first()
    if root is None:
        raise RuleViolation(_("尚未建立组织架构，无法受理诉求。"))
    return root


def _intake_unit(actor: Actor, intake_unit: Unit | None) -> Unit:
    if intake_unit is None and actor is not None:
        tops = scope.scope_paths(actor, Perm.RECEIVE_DEMAND)
        intake_unit = Unit.objects.filter(path=tops[0]).first() if tops else None
    unit = intake_unit or default_intake_unit()
    if actor is not None:
        scope.require(actor, Perm.RECEIVE_DEMAND, unit.path, _("您无权为该单位受理诉求。"))
    return unit


def _check_citizen(name: str, phone: str) -> tuple[str, str]:
    name, phone = (name or "").strip(), (phone or "").strip()
    if len(name) > 40:
        raise RuleViolation(_("群众姓名不能超过 40 个字。"))
    if phone and not PHONE.match(phone):
        raise RuleViolation(_("联系电话「{phone}」格式不对。").format(phone=crypto.mask_phone(phone)))
    return name, phone


def _check_place(address: str, latitude: Any, longitude: Any) -> tuple[str, Decimal | None, Decimal | None]:
    address = (address or "").strip()
    if len(address) > 200:
        raise RuleViolation(_("地址不能超过 200 个字。"))
    if (latitude is None) != (longitude is None):
        raise RuleViolation(_("经纬度须同时填写。"))
    if latitude is None:
        return address, None, None
    try:
        lat, lon = (
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
        )
    except ArithmeticError as exc:
        raise RuleViolation(_("经纬度格式不对。")) from exc
    if not (lat.is_finite() and lon.is_finite()):
        raise RuleViolation(_("经纬度格式不对。"))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RuleViolation(_("经纬度超出范围。"))
    return address, lat, lon


def _check_text(title: str, content: str, kind: str) -> tuple[str, str]:
    title = _required(title, _("诉求标题不能为空。"))
    content = _required(content, _("诉求内容不能为空。"))
    if len(title) > 200:
        raise RuleViolation(_("诉求标题不能超过 200 个字。"))
    if len(content) > 5000:
        raise RuleViolation(_("诉求内容不能超过 5000 个字。"))
    if kind not in DemandKind.values:
        raise RuleViolation(_("未知的诉求类型。"))
    return title, content


def _check_refs(channel: Any, category: Any, company: Company | None, project: Project | None) -> Company | None:
    if not isinstance(channel, DemandChannel) or not isinstance(category, Category):
        raise RuleViolation(_("请选择诉求渠道和分类。"))
    if project is not None:
        if company is not None and project.company_id != company.pk:
            raise RuleViolation(
                _("项目「{project}」不属于企业「{company}」。").format(project=project, company=company)
            )
        company = project.company
    return company


def _tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
        if not Demand.objects.filter(tracking_code=code).exists():
            return code


def receive_demand(
    actor: Actor,
    *,
    channel: DemandChannel,
    category: Category,
    title: str,
    content: str,
    citizen_name: str = "",
    citizen_phone: str = "",
    kind: str = DemandKind.HELP,
    urgent: bool = False,
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    company: Company | None = None,
    project: Project | None = None,
    intake_unit: Unit | None = None,
    received_at: dt.datetime | None = None,
) -> Demand:
    """受理: a demand enters at the intake unit; ``actor`` None is the public or an import."""
    unit = _intake_unit(actor, intake_unit)
    title, content = _check_text(title, content, kind)
    name, phone = _check_citizen(citizen_name, citizen_phone)
    address, lat, lon = _check_place(address, latitude, longitude)
    company = _check_refs(channel, category, company, project)
    demand = Demand(
        number=uuid.uuid4().hex[:24],
        tracking_code=_tracking_code(),
        channel=channel,
        category=category,
        kind=kind,
        urgent=bool(urgent),
        title=title,
        content=content,
        address=address,
        latitude=lat,
        longitude=lon,
        citizen_name_enc=crypto.encrypt(name),
        citizen_phone_enc=crypto.encrypt(phone),
        citizen_phone_index=crypto.blind_index(phone) if phone else "",
        citizen_phone_masked=crypto.mask_phone(phone),
        dispatcher_unit=unit,
        org_path=unit.path,
        company=company,
        project=project,
        received_at=received_at or timezone.now(),
    )
    with transaction.atomic():
        demand.save()
        demand.number = f"{timezone.localtime(demand.received_at):%Y%m%d}{demand.pk:08d}"
        demand.save(update_fields=["number"])
        engine.event(DEMANDS, demand, actor, DemandEventKind.RECEIVED, unit=unit)
        record(
            Action.CREATE,
            actor=actor,
            obj=demand,
            after=DEMANDS.snapshot(demand),
            actor_name="" if actor is not None else PUBLIC_ACTOR,
        )
        rollups.on_demand_saved(None, demand)
    return demand


# --- 派单 / 签收 / 办理 / 办结 / 退单 --------------------------------------------------------------


def _due_fields(demand: Demand, start: dt.datetime, calendar: timers.Calendar) -> dict[str, Any]:
    limits = timers.limits_for(demand.category)
    return {
        "sign_due": timers.add_hours(start, limits.sign_hours),
        "respond_due": timers.add_hours(start, limits.contact(demand.urgent)),
        "resolve_due": timers.add_working_days(start, limits.resolve(demand.kind), calendar),
    }


@transaction.atomic
def dispatch(actor: Actor, demand: Demand, *, unit: Unit, note: str = "", version: int | None = None) -> Demand:
    """派单: the dispatcher hands the ticket to a handling unit; its clocks start now."""
    fresh, step = _start(actor, demand, "dispatch", version)
    if not paths.is_within(unit.path, fresh.dispatcher_unit.path):
        raise RuleViolation(_("单位「{unit}」不在受理单位的管辖范围内。").format(unit=unit))
    now = timezone.now()
    fields = _due_fields(fresh, now, timers.Calendar())
    units = set(fresh.events.filter(kind=DemandEventKind.DISPATCHED).values_list("unit_id", flat=True)) | {unit.pk}
    fresh = engine.move(
        DEMANDS,
        actor,
        fresh,
        step,
        note,
        event_extra={"unit": unit},
        handling_unit=unit,
        org_path=unit.path,
        dispatched_at=now,
        signed_at=None,
        responded_at=None,
        responded_on_time=None,
        finished_on_time=None,
        unit_hops=len(units),
        **fields,
    )
    if fresh.unit_hops >= timers.ESCALATE_AFTER_UNITS and not fresh.escalated:
        fresh = _escalate(None, fresh, _("工单已流转 {n} 个单位，自动督办。").format(n=fresh.unit_hops))
    return fresh


@transaction.atomic
def sign(actor: Actor, demand: Demand, *, version: int | None = None) -> Demand:
    """签收: the handling unit takes the ticket on."""
    fresh, step = _start(actor, demand, "sign", version)
    return engine.move(DEMANDS, actor, fresh, step, signed_at=timezone.now())


def _responded(fresh: Demand, now: dt.datetime) -> dict[str, Any]:
    if fresh.responded_at is not None:
        return {}
    on_time = fresh.responded_on_time is not False and (fresh.respond_due is None or now <= fresh.respond_due)
    return {"responded_at": now, "responded_on_time": on_time}


@transaction.atomic
def respond(actor: Actor, demand: Demand, *, note: str, version: int | None = None) -> Demand:
    """联系群众 / 办理: the handler contacts the citizen or records progress; the first one stops the clock."""
    note = _required(note, _("请填写联系群众或办理情况。"))
    fresh, step = _start(actor, demand, "respond", version)
    return engine.move(DEMANDS, actor, fresh, step, note, **_responded(fresh, timezone.now()))


@transaction.atomic
def finish(actor: Actor, demand: Demand, *, outcome: str, explanation: str, version: int | None = None) -> Demand:
    """办结: resolved or not, with an explanation; the callback clock starts."""
    if outcome not in Outcome.values:
        raise RuleViolation(_("请选择办理结果。"))
    explanation = _required(explanation, _("请填写办理情况说明。"))
    fresh, step = _start(actor, demand, "finish", version)
    now = timezone.now()
    limits = timers.limits_for(fresh.category)
    on_time = fresh.finished_on_time is not False and (fresh.resolve_due is None or now <= fresh.resolve_due)
    return engine.move(
        DEMANDS,
        actor,
        fresh,
        step,
        str(Outcome(outcome).label),
        **_responded(fresh, now),
        finished_at=now,
        finished_on_time=on_time,
        outcome=outcome,
        explanation=explanation,
        callback_due=timers.add_working_days(now, limits.callback_days),
    )


@transaction.atomic
def return_demand(actor: Actor, demand: Demand, *, reason: str, version: int | None = None) -> Demand:
    """退单: a wrong-unit ticket goes back to the dispatcher, within 2 working days of dispatch."""
    reason = _required(reason, _("请填写退单理由。"))
    fresh, step = _start(actor, demand, "return", version)
    return engine.move(
        DEMANDS,
        actor,
        fresh,
        step,
        reason,
        handling_unit=None,
        org_path=fresh.dispatcher_unit.path,
        sign_due=None,
        respond_due=None,
        resolve_due=None,
        signed_at=None,
    )


# --- 回访 / 重办 / 归档 / 督办 ---------------------------------------------------------------------


@transaction.atomic
def call_back(actor: Actor, demand: Demand, *, satisfaction: str, note: str = "", version: int | None = None) -> Demand:
    """回访: the citizen's satisfaction; ``actor`` None is the citizen on the public page."""
    if satisfaction not in Satisfaction.values:
        raise RuleViolation(_("请选择满意度。"))
    fresh, step = _start(actor, demand, "call_back", version)
    label = Satisfaction(satisfaction).label
    return engine.move(
        DEMANDS,
        actor,
        fresh,
        step,
        f"{label}{'：' + note.strip() if note and note.strip() else ''}",
        satisfaction=satisfaction,
        called_back_at=timezone.now(),
    )


@transaction.atomic
def redo(actor: Actor, demand: Demand, *, reason: str, version: int | None = None) -> Demand:
    """重办: after an unsatisfied callback the handling unit handles the ticket again."""
    reason = _required(reason, _("请填写重办理由。"))
    fresh, step = _start(actor, demand, "redo", version)
    now = timezone.now()
    limits = timers.limits_for(fresh.category)
    fresh = engine.move(
        DEMANDS,
        actor,
        fresh,
        step,
        reason,
        redo_count=fresh.redo_count + 1,
        resolve_due=timers.add_working_days(now, limits.resolve(fresh.kind)),
        finished_at=None,
        finished_on_time=None,
        outcome="",
        satisfaction="",
        called_back_at=None,
        callback_due=None,
    )
    if fresh.redo_count >= timers.ESCALATE_AFTER_REDOS:
        fresh = _escalate(None, fresh, _("工单已重办 {n} 次，自动督办。").format(n=fresh.redo_count))
    return fresh


@transaction.atomic
def archive(actor: Actor, demand: Demand, *, version: int | None = None) -> Demand:
    """归档: the ticket is closed for good."""
    fresh, step = _start(actor, demand, "archive", version)
    return engine.move(DEMANDS, actor, fresh, step, archived_at=timezone.now())


def _escalate(actor: Actor, fresh: Demand, reason: str) -> Demand:
    """督办 of a ticket already locked in this transaction (by a user, or automatically by the system)."""
    return engine.move(DEMANDS, actor, fresh, workflow.FLOW["escalate"], reason, escalated=True)


@transaction.atomic
def escalate(actor: Actor, demand: Demand, *, reason: str, version: int | None = None) -> Demand:
    """督办: the dispatcher (or the system, ``actor`` None) puts the ticket under supervision."""
    reason = _required(reason, _("请填写督办事由。"))
    fresh, _step = _start(actor, demand, "escalate", version)
    return _escalate(actor, fresh, reason)


# --- 延期 ----------------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    actor: Actor, demand: Demand, *, days: int, reason: str, version: int | None = None
) -> DemandExtension:
    """申请延期: at most 10 working days, asked before the resolution deadline, one pending at a time."""
    reason = _required(reason, _("请填写延期理由。"))
    days = int(days) if str(days).strip().isdigit() else 0
    if not 1 <= days <= timers.MAX_EXTENSION_DAYS:
        raise RuleViolation(_("延期天数应为 1 至 {max} 个工作日。").format(max=timers.MAX_EXTENSION_DAYS))
    fresh, step = _start(actor, demand, "request_extension", version)
    assert actor is not None  # the engine refuses it to nobody
    assert fresh.resolve_due is not None  # the rule of request_extension
    ext = DemandExtension.objects.create(
        demand=fresh,
        org_path=fresh.org_path,
        requested_by=actor,
        days=days,
        reason=reason,
        old_due=fresh.resolve_due,
        new_due=timers.add_working_days(fresh.resolve_due, days),
    )
    record(Action.CREATE, actor=actor, obj=ext, after=snapshot(ext), detail=record_text(step.label))
    note = _("延期 {days} 个工作日：{reason}").format(days=days, reason=reason)
    engine.move(DEMANDS, actor, fresh, step, note)
    return ext


def _decide(actor: Actor, ext: DemandExtension, approve: bool, note: str) -> tuple[DemandExtension, Demand]:
    """The decided request and its demand, locked; scope is checked before and after the locks."""
    message = _("您无权审批该延期申请。")
    if actor is None:
        raise NotAllowed(message)
    scope.require(actor, Perm.APPROVE_DEMAND_EXTENSION, ext, message)
    label = "同意延期" if approve else "不同意延期"
    decided = engine.decide_request(
        actor,
        ext,
        approve,
        note,
        own_message=_("不能审批自己提出的延期申请。"),
        decided_message=_("该延期申请已审批。"),
        detail=f"{label}：{note}" if note else label,
    )
    demand = engine.lock(DEMANDS, decided.demand, None)
    scope.require(actor, Perm.APPROVE_DEMAND_EXTENSION, demand, message)
    return decided, demand


@transaction.atomic
def approve_extension(actor: Actor, ext: DemandExtension, *, note: str = "") -> DemandExtension:
    """同意延期: the resolution deadline moves to the requested date."""
    ext, demand = _decide(actor, ext, True, note.strip())
    due = f"{timezone.localtime(ext.new_due):%Y-%m-%d %H:%M}"
    engine.update(DEMANDS, actor, demand, DemandEventKind.EXTENSION_APPROVED, "同意延期", due, resolve_due=ext.new_due)
    return ext


@transaction.atomic
def reject_extension(actor: Actor, ext: DemandExtension, *, note: str) -> DemandExtension:
    """不同意延期, with a reason kept on the request; the deadline stays."""
    note = _required(note, _("请填写不同意的理由。"))
    ext, demand = _decide(actor, ext, False, note)
    engine.event(DEMANDS, demand, actor, DemandEventKind.EXTENSION_REJECTED, note=note)
    engine.notify_after(DEMANDS, actor, demand, DemandEventKind.EXTENSION_REJECTED)
    return ext


# --- 个人信息 / 超时 / 转问题 -----------------------------------------------------------------------


@transaction.atomic
def reveal_citizen(actor: Actor, demand: Demand) -> tuple[str, str]:
    """查看群众信息: the name and phone in clear, each view audited and on the timeline."""
    if actor is None or not may_reveal(actor, demand):
        raise NotAllowed(_("只有该工单的承办人和受理派单员可以查看群众的姓名和电话。"))
    fresh = engine.require_activity(DEMANDS, actor, _current(demand), "reveal")
    name, phone = crypto.decrypt(fresh.citizen_name_enc), crypto.decrypt(fresh.citizen_phone_enc)
    engine.event(DEMANDS, fresh, actor, DemandEventKind.PERSONAL_DATA_VIEWED)
    record(Action.VIEW_PERSONAL, actor=actor, obj=fresh, detail="查看群众姓名和联系电话")
    return name, phone


def _mark(demand: Demand, note: str, **fields: Any) -> None:
    before_facts = rollups.facts(demand)
    for name, value in fields.items():
        setattr(demand, name, value)
    if fields:
        demand.save(update_fields=[*fields, "updated_at"])
    engine.event(DEMANDS, demand, None, DemandEventKind.BREACHED, note=note)
    record(Action.UPDATE, obj=demand, detail=note, after=fields or None, actor_name=SYSTEM_ACTOR)
    rollups.on_demand_saved(before_facts, demand)


def _late(now: dt.datetime) -> dict[str, Any]:
    """Tickets past a limit and not yet marked, by the breach they are in."""
    sign_marked = DemandEvent.objects.filter(
        demand=OuterRef("pk"), kind=DemandEventKind.BREACHED, note=SIGN_BREACH, at__gte=OuterRef("dispatched_at")
    )
    handling = Demand.objects.filter(state__in=workflow.HANDLING_STATES)
    return {
        SIGN_BREACH: Demand.objects.filter(state=DemandState.DISPATCHED, sign_due__lt=now).exclude(Exists(sign_marked)),
        RESPOND_BREACH: handling.filter(respond_due__lt=now, responded_at=None, responded_on_time=None),
        RESOLVE_BREACH: handling.filter(resolve_due__lt=now, finished_on_time=None),
    }


def sweep_breaches(now: dt.datetime | None = None) -> dict[str, int]:
    """超时预警: mark tickets past their sign, contact or resolution limit; late resolution is escalated."""
    now = now or timezone.now()
    counts = {"sign": 0, "respond": 0, "resolve": 0, "escalated": 0}
    fields: dict[str, dict[str, Any]] = {
        SIGN_BREACH: {},
        RESPOND_BREACH: {"responded_on_time": False},
        RESOLVE_BREACH: {"finished_on_time": False},
    }
    keys = {SIGN_BREACH: "sign", RESPOND_BREACH: "respond", RESOLVE_BREACH: "resolve"}
    for note, late in _late(now).items():
        for pk in list(late.values_list("pk", flat=True).order_by("pk")):
            with transaction.atomic():
                demand = Demand.objects.select_for_update().get(pk=pk)
                _mark(demand, note, **fields[note])
                counts[keys[note]] += 1
                if note == RESOLVE_BREACH and not demand.escalated:
                    _escalate(None, demand, _("超过办结时限，自动督办。"))
                    counts["escalated"] += 1
    return counts


@transaction.atomic
def link_problem(actor: Actor, demand: Demand, problem: Problem) -> Demand:
    """转为问题清单: a demand (often one of a pattern) is linked to a problem of the list, both ways."""
    if actor is None:
        raise NotAllowed(_("您无权把工单关联到该问题。"))
    scope.require(actor, Perm.EDIT_PROBLEM, problem, _("您无权把工单关联到该问题。"))
    fresh = engine.require_activity(DEMANDS, actor, _current(demand), "link_problem")
    label = f"转为问题清单：{str(problem)[:100]}"
    note = f"{problem.number} {problem.title}"[:200]
    return engine.update(DEMANDS, actor, fresh, DemandEventKind.LINKED_PROBLEM, label, note, problem=problem)


# --- 三率参数 ---------------------------------------------------------------------------------------

RATE_PART_LABELS = {
    "weights": gettext_lazy("权重"),
    "black_below": gettext_lazy("黑榜线"),
    "red_from": gettext_lazy("红榜线"),
}


def may_change_rate_settings(actor: Actor) -> bool:
    """The weights and thresholds hold for the whole platform: only a campaign office of a top-level unit sets them."""
    tops = scope.scope_paths(actor, Perm.MANAGE_CAMPAIGN)
    return Unit.objects.filter(parent=None, path__in=tops).exists()


def _rate_value(rate: str, part: str, value: Any) -> Decimal:
    label = _("{rate}的{part}").format(rate=rates.RATE_LABELS[rate], part=RATE_PART_LABELS[part])
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except ArithmeticError as exc:
        raise RuleViolation(_("{label}「{value}」不是数字。").format(label=label, value=str(value)[:20])) from exc
    if not 0 <= number <= 100:
        raise RuleViolation(_("{label}应在 0 至 100 之间，填写的是 {value}。").format(label=label, value=number))
    if part == "weights" and number <= 0:
        raise RuleViolation(_("{label}应大于 0。").format(label=label))
    return number


def _checked_rate_values(values: dict[str, dict[str, Any]]) -> dict[str, Decimal]:
    fields: dict[str, Decimal] = {}
    for part in rates.DEFAULTS:
        for rate in rates.RATE_NAMES:
            if rate not in values.get(part, {}):
                raise RuleViolation(
                    _("缺少{rate}的{part}。").format(rate=rates.RATE_LABELS[rate], part=RATE_PART_LABELS[part])
                )
            fields[f"{part}_{rate}"] = _rate_value(rate, part, values[part][rate])
    for rate in rates.RATE_NAMES:
        black, red = fields[f"black_below_{rate}"], fields[f"red_from_{rate}"]
        if red < black:
            raise RuleViolation(
                _("{rate}的红榜线 {red} 不能低于黑榜线 {black}。").format(
                    rate=rates.RATE_LABELS[rate], red=red, black=black
                )
            )
    return fields


@transaction.atomic
def set_rate_settings(
    actor: Actor, values: dict[str, dict[str, Any]], *, version: int | None = None
) -> DemandRateConfig:
    """设置三率参数: weights (> 0) and black/red thresholds (0–100, red at or above black), in percent, audited."""
    if not may_change_rate_settings(actor):
        raise NotAllowed(_("只有市级（最高一级）领导小组办公室可以设置三率权重和红黑榜阈值。"))
    fields = _checked_rate_values(values)
    row = DemandRateConfig.objects.select_for_update().filter(pk=DemandRateConfig.SINGLETON).first()
    if row is not None and version is not None and row.version != version:
        raise Conflict(_("三率参数已被他人修改，请刷新页面后重试。"))
    before = snapshot(row) if row is not None else None
    row = row or DemandRateConfig(pk=DemandRateConfig.SINGLETON, version=0)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by, row.version = actor, row.version + 1
    row.save()
    record(
        Action.UPDATE if before else Action.CREATE,
        actor=actor,
        obj=row,
        before=before,
        after=snapshot(row),
        detail="设置三率权重和红黑榜阈值",
    )
    return row
