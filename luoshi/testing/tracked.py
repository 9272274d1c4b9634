"""The contract every mechanism on the tracked-work engine keeps, checked by one shared test base.

A mechanism's tests subclass ``TrackedWorkContract`` and provide a ``case`` fixture: a
``ContractCase`` that makes items in any state and calls each transition with valid input. The
base then checks, for every transition: that ``available_actions`` agrees with the service for
every role (offered ⇔ it succeeds), that scope is checked before and after the row is locked, that
a stale version is a conflict, that an illegal transition is refused, and that a refused call
changes nothing while a successful one writes its timeline event and audit record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import models, transaction

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.tracking import engine

Call = Callable[[Any, Any, "int | None"], Any]  # (actor, item, version) -> result


class _Undo(Exception):
    pass


@dataclass
class ContractCase:
    """One mechanism as the contract needs it; every item is made in the unit ``users`` are scoped around."""

    tracker: engine.Tracker[Any]
    make: Callable[[str], models.Model]  # an item in the given state
    calls: dict[str, Call]  # every transition, called with valid input
    users: dict[str, Any]  # every role to check, by name; includes users outside the item's unit
    doers: dict[str, str]  # transition -> the name of a user in ``users`` who may take it
    elsewhere: str  # an org path outside every doer's scope
    states: tuple[str, ...] = field(default=())  # states to try illegal transitions from (default: all)
    unversioned: tuple[str, ...] = field(default=())  # transitions a user takes without a version (督办)


def tries(call: Callable[[], Any]) -> bool:
    """Whether ``call`` succeeds; its writes are rolled back either way. Only refusals count as failing."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except (NotAllowed, RuleViolation):
        return False


def _attempt(case: ContractCase, call: Call, user: Any, item: models.Model) -> Callable[[], Any]:
    def attempt() -> Any:
        return call(user, _fresh(case, item), None)

    return attempt


def _fresh(case: ContractCase, item: models.Model) -> Any:
    return case.tracker.model._default_manager.get(pk=item.pk)


def _trail(case: ContractCase, item: models.Model) -> tuple[int, int]:
    events = case.tracker.event_model._default_manager.filter(**{case.tracker.item_field: item}).count()
    return events, AuditEvent.objects.count()


def _source(case: ContractCase, action: str) -> str:
    return case.tracker.workflow[action].sources[0]


class TrackedWorkContract:
    """Subclass with a ``case`` fixture returning a ``ContractCase``."""

    @pytest.fixture
    def case(self) -> ContractCase:
        raise NotImplementedError

    def test_every_transition_is_offered_exactly_to_whom_it_succeeds_for(self, case: ContractCase) -> None:
        assert set(case.calls) == set(case.tracker.workflow.transitions), "every transition has a call"
        for action, call in case.calls.items():
            item = case.make(_source(case, action))
            for name, user in case.users.items():
                offered = action in engine.available_actions(case.tracker, user, item)
                done = tries(_attempt(case, call, user, item))
                assert offered == done, f"{action} by {name}: offered={offered}, succeeded={done}"
            doer = case.users[case.doers[action]]
            assert action in engine.available_actions(case.tracker, doer, item), f"{action} is open to its doer"

    def test_scope_is_checked_before_the_lock(self, case: ContractCase) -> None:
        for action, call in case.calls.items():
            item = case.make(_source(case, action))
            doer = case.users[case.doers[action]]
            stale = _fresh(case, item)
            stale.org_path = case.elsewhere
            before = _trail(case, item)
            with pytest.raises(NotAllowed):
                call(doer, stale, None)
            assert _trail(case, item) == before
            assert _fresh(case, item).version == item.version  # type: ignore[attr-defined]

    def test_scope_is_checked_again_after_the_lock(self, case: ContractCase) -> None:
        for action, call in case.calls.items():
            item = case.make(_source(case, action))
            doer = case.users[case.doers[action]]
            loaded = _fresh(case, item)
            case.tracker.model._default_manager.filter(pk=item.pk).update(org_path=case.elsewhere)
            with pytest.raises(NotAllowed):
                call(doer, loaded, None)
            assert _fresh(case, item).state == loaded.state

    def test_a_stale_version_is_a_conflict(self, case: ContractCase) -> None:
        for action, call in case.calls.items():
            if action in case.unversioned:
                continue
            item = case.make(_source(case, action))
            doer = case.users[case.doers[action]]
            version = item.version  # type: ignore[attr-defined]
            case.tracker.model._default_manager.filter(pk=item.pk).update(version=version + 1)
            before = _trail(case, item)
            with pytest.raises(Conflict):
                call(doer, _fresh(case, item), version)
            assert _trail(case, item) == before

    def test_an_illegal_transition_is_refused_and_changes_nothing(self, case: ContractCase) -> None:
        states = case.states or tuple(case.tracker.workflow.states.values)
        for action, call in case.calls.items():
            doer = case.users[case.doers[action]]
            for state in states:
                if state in case.tracker.workflow[action].sources:
                    continue
                item = case.make(state)
                before = _trail(case, item)
                with pytest.raises(RuleViolation) as refused:
                    call(doer, _fresh(case, item), None)
                assert refused.value.code == "illegal_transition", f"{action} from {state}: {refused.value}"
                assert _trail(case, item) == before
                assert action not in engine.available_actions(case.tracker, doer, item)

    def test_a_transition_moves_the_state_and_writes_its_event_and_audit_record(self, case: ContractCase) -> None:
        for action, call in case.calls.items():
            item = case.make(_source(case, action))
            doer = case.users[case.doers[action]]
            events, audits = _trail(case, item)
            version = item.version  # type: ignore[attr-defined]
            call(doer, _fresh(case, item), version)
            moved = _fresh(case, item)
            step = case.tracker.workflow[action]
            assert moved.state == (step.target or item.state), action  # type: ignore[attr-defined]
            assert moved.version > version, action
            after_events, after_audits = _trail(case, item)
            assert after_events > events, action
            assert after_audits > audits, action
            assert case.tracker.event_model._default_manager.filter(
                **{case.tracker.item_field: item}, kind=step.event
            ).exists(), action
