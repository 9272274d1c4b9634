"""The transition engine every kind of tracked work runs on (problems, demands, key tasks, projects …).

A transition locks the row, checks the version the user saw, checks scope before and after the
lock, checks the state against the mechanism's pure ``Workflow`` and its extra rules (``guard``),
then applies the fields, writes the timeline event and the audit diff in the caller's transaction
and defers side effects to ``on_commit``. ``available_actions`` answers, from the same table and
the same rules, which actions a user may take on an item now: the detail page's buttons, the
action pages and the API all ask it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.core.i18n import record_text
from luoshi.tracking.choices import RequestState
from luoshi.tracking.models import DecidedRequest
from luoshi.tracking.workflow import Transition, Workflow

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=models.Model)
Actor = User | None
Guard = Callable[[Any, Any], "str | RuleViolation | None"]  # why not now (a RuleViolation to give a code), or None


@dataclass(frozen=True)
class Activity:
    """An action that is not a state transition (报送进展, 申请延期 …): open in some states to a permission."""

    label: str | Promise
    perm: str
    states: tuple[str, ...]
    guard: Guard | None = None  # (actor, item) -> why not, or None


@dataclass
class Tracker(Generic[T]):
    """What the engine knows of one mechanism: its model, workflow, timeline and extra rules."""

    model: type[T]
    workflow: Workflow
    event_model: type[models.Model]
    item_field: str
    stale_message: str | Promise
    related: tuple[str, ...] = ()
    anonymous: dict[str, str] = field(default_factory=dict)  # actions taken with no user → who acts
    activities: dict[str, Activity] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)  # extra rule of a transition
    exclude: tuple[str, ...] = ()  # fields kept out of audit snapshots (personal data)

    NO_USER: ClassVar[str] = "系统"

    def refresh(self, item: T) -> None:
        """Recompute derived fields (the light) before a save; mechanisms override."""

    def moved(self, before: Any, item: T) -> None:
        """Keep summaries in step after a move, inside the transaction (rollups); mechanisms override."""

    def facts(self, item: T) -> Any:
        """What ``moved`` needs of the item before the move."""
        return None

    def snapshot(self, item: T) -> dict[str, Any]:
        return snapshot(item, exclude=self.exclude)

    def notify(self, actor: Actor, item: T, step: Transition | str) -> None:
        """Send the notifications of a move (``step``: its transition) or of an update (``step``: its timeline
        event kind); run once the transaction commits, a failure is logged and never undoes the change.
        Mechanisms override; by default nobody is notified."""


def _schedule_notify(tracker: Tracker[T], actor: Actor, item: T, step: Transition | str) -> None:
    """Run ``tracker.notify`` after the commit; it may fail, the committed change stands (logged, no personal data)."""
    if type(tracker).notify is Tracker.notify:
        return

    def run() -> None:
        try:
            with translation.override(settings.LANGUAGE_CODE):  # notices are read by others: the platform's language
                tracker.notify(actor, item, step)
        except Exception as exc:  # a notification must never break a committed transition
            what = step if isinstance(step, str) else step.event
            label = tracker.model._meta.label
            logger.error("notify failed: %s %s after %s (%s)", label, item.pk, what, type(exc).__name__)

    transaction.on_commit(run)


def notify_after(tracker: Tracker[T], actor: Actor, item: T, kind: str) -> None:
    """Run ``tracker.notify`` for a timeline event that is neither a move nor an update (a request turned
    down) once the transaction commits."""
    _schedule_notify(tracker, actor, item, kind)


def lock(tracker: Tracker[T], item: T, version: int | None) -> T:
    """The item's row, locked for this transaction; a version other than the one the user saw is a conflict."""
    queryset = tracker.model._default_manager.select_for_update(of=("self",)).select_related(*tracker.related)
    fresh = queryset.get(pk=item.pk)
    if version is not None and fresh.version != version:  # type: ignore[attr-defined]
        raise Conflict(str(tracker.stale_message))
    return fresh


def _refuse(reason: str | RuleViolation | None) -> None:
    if isinstance(reason, RuleViolation):
        raise reason
    if reason:
        raise RuleViolation(reason)


def _refusal(label: Any) -> str:
    return _("您无权执行「{action}」。").format(action=label)


def start(tracker: Tracker[T], actor: Actor, item: T, action: str, version: int | None) -> tuple[T, Transition]:
    """Check scope, version, state and the extra rule on the locked row; nothing is written yet."""
    step = tracker.workflow[action]
    message = _refusal(step.label)
    if actor is None and action not in tracker.anonymous:
        raise NotAllowed(message)
    if actor is not None:
        scope.require(actor, step.perm, item, message)  # type: ignore[arg-type]
    fresh = lock(tracker, item, version)
    if actor is not None:
        scope.require(actor, step.perm, fresh, message)  # type: ignore[arg-type]
    tracker.workflow.step(action, fresh.state)  # type: ignore[attr-defined]
    guard = tracker.guards.get(action)
    _refuse(guard(actor, fresh) if guard else None)
    return fresh, step


def event(
    tracker: Tracker[T], item: T, actor: Actor, kind: str, note: str = "", from_state: str = "", **extra: Any
) -> Any:
    """Write one timeline entry of ``item``."""
    return tracker.event_model._default_manager.create(
        **{tracker.item_field: item},
        org_path=item.org_path,  # type: ignore[attr-defined]
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        from_state=from_state,
        to_state=item.state if from_state else "",  # type: ignore[attr-defined]
        note=note[:2000],
        **extra,
    )


def audit_move(
    tracker: Tracker[T],
    actor: Actor,
    item: T,
    before: dict[str, Any],
    label: Any,
    note: str = "",
    nobody: str = "",
    action: str = Action.TRANSITION,
) -> None:
    """One audit record with only the fields that changed; the detail is kept in the platform's language."""
    after = tracker.snapshot(item)
    changed = sorted(k for k in after if k != "updated_at" and before.get(k) != after[k])
    record(
        action,
        actor=actor,
        obj=item,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
        detail=f"{record_text(label)}{'：' + note if note else ''}"[:200],
        actor_name="" if actor is not None else (nobody or tracker.NO_USER),
    )


def move(
    tracker: Tracker[T],
    actor: Actor,
    fresh: T,
    step: Transition,
    note: str = "",
    *,
    effects: Callable[[], None] | None = None,
    event_extra: dict[str, Any] | None = None,
    **fields: Any,
) -> T:
    """Apply the transition and its fields, write the timeline event and the audit diff.

    ``effects`` (notifications, mail) run only once the transaction commits.
    """
    before_facts, before = tracker.facts(fresh), tracker.snapshot(fresh)
    from_state = fresh.state  # type: ignore[attr-defined]
    fresh.state = Workflow.target_of(step, from_state)  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.version += 1  # type: ignore[attr-defined]
    tracker.refresh(fresh)
    fresh.save()
    event(tracker, fresh, actor, step.event, note=note, from_state=from_state, **(event_extra or {}))
    action = tracker.workflow.name_of(step)
    audit_move(tracker, actor, fresh, before, step.label, note, tracker.anonymous.get(action, ""))
    tracker.moved(before_facts, fresh)
    if effects is not None:
        transaction.on_commit(effects)
    _schedule_notify(tracker, actor, fresh, step)
    return fresh


def update(
    tracker: Tracker[T],
    actor: Actor,
    fresh: T,
    kind: str,
    label: str,
    note: str = "",
    audit_action: str = Action.UPDATE,
    **fields: Any,
) -> T:
    """Change fields of a locked item without a state change (a deadline moved by an extension)."""
    before_facts, before = tracker.facts(fresh), tracker.snapshot(fresh)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.version += 1  # type: ignore[attr-defined]
    tracker.refresh(fresh)
    fresh.save()
    event(tracker, fresh, actor, kind, note=note)
    audit_move(tracker, actor, fresh, before, label, action=audit_action)
    tracker.moved(before_facts, fresh)
    _schedule_notify(tracker, actor, fresh, kind)
    return fresh


def _may(actor: Actor, perm: str, item: Any) -> bool:
    return actor is not None and scope.can(actor, perm, item.org_path)


def refusals(tracker: Tracker[T], actor: Actor, item: T) -> dict[str, str]:
    """Actions open by state and scope that an extra rule refuses now, with the reason (shown beside the button)."""
    state = item.state  # type: ignore[attr-defined]
    out: dict[str, str] = {}
    for name in tracker.workflow.actions_from(state):
        guard = tracker.guards.get(name)
        if guard and _may(actor, tracker.workflow[name].perm, item):
            reason = guard(actor, item)
            if reason:
                out[name] = str(reason)
    for name, activity in tracker.activities.items():
        if state in activity.states and activity.guard and _may(actor, activity.perm, item):
            reason = activity.guard(actor, item)
            if reason:
                out[name] = str(reason)
    return out


def available_actions(tracker: Tracker[T], actor: Actor, item: T) -> list[str]:
    """Which transitions and activities ``actor`` may take on ``item`` now, in the table's order."""
    state = item.state  # type: ignore[attr-defined]
    names = []
    for name in tracker.workflow.actions_from(state):
        guard = tracker.guards.get(name)
        if _may(actor, tracker.workflow[name].perm, item) and not (guard and guard(actor, item)):
            names.append(name)
    for name, activity in tracker.activities.items():
        open_now = state in activity.states and _may(actor, activity.perm, item)
        if open_now and not (activity.guard and activity.guard(actor, item)):
            names.append(name)
    return names


def label_of(tracker: Tracker[T], action: str) -> str | Promise:
    if action in tracker.workflow.transitions:
        return tracker.workflow[action].label
    return tracker.activities[action].label


def require_activity(tracker: Tracker[T], actor: Actor, item: T, action: str, version: int | None = None) -> T:
    """The locked item if ``actor`` may take the activity on it now (scope before and after the lock, state, rule)."""
    activity = tracker.activities[action]
    message = _refusal(activity.label)
    if actor is None:
        raise NotAllowed(message)
    scope.require(actor, activity.perm, item, message)  # type: ignore[arg-type]
    fresh = lock(tracker, item, version)
    scope.require(actor, activity.perm, fresh, message)  # type: ignore[arg-type]
    state = fresh.state  # type: ignore[attr-defined]
    if state not in activity.states:
        raise RuleViolation(
            _("{noun}当前状态为「{state}」，不能执行「{action}」。").format(
                noun=tracker.workflow.noun, state=tracker.workflow.states(state).label, action=activity.label
            ),
            code="illegal_transition",
        )
    _refuse(activity.guard(actor, fresh) if activity.guard else None)
    return fresh


# --- requests someone else decides (延期申请, 销号申请, 办结申请) ---------------------------------------------


def pending_request(requests: Any) -> Any:
    """The pending request of a related manager or a list, or None."""
    rows = requests.all() if hasattr(requests, "all") else requests
    return next((r for r in rows if r.state == RequestState.PENDING), None)


R = TypeVar("R", bound=DecidedRequest)


def decide_request(
    actor: User, request: R, approve: bool, note: str, *, own_message: str, decided_message: str, detail: str = ""
) -> R:
    """Lock a pending request and record the decision; nobody decides their own request."""
    fresh = type(request)._default_manager.select_for_update().get(pk=request.pk)
    if fresh.state != RequestState.PENDING:
        raise RuleViolation(decided_message)
    if fresh.requested_by_id == actor.pk:
        raise RuleViolation(own_message)
    before = snapshot(fresh)
    fresh.state = RequestState.APPROVED if approve else RequestState.REJECTED
    fresh.decided_by, fresh.decided_at, fresh.decision_note = actor, timezone.now(), note.strip()
    fresh.save()
    after = snapshot(fresh)
    changed = sorted(k for k in after if before.get(k) != after[k])
    record(
        Action.UPDATE,
        actor=actor,
        obj=fresh,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
        detail=detail[:200],
    )
    return fresh
