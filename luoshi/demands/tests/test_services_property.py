"""No sequence of (user, action) calls against the real services leaves a demand inconsistent.

Hypothesis draws random sequences of steps by random users of the world; after every step: a
refused call changed nothing, an accepted one moved the ticket where the transition table says,
the ticket is held by its handling unit (or its dispatcher unit before dispatch), finished tickets
carry an outcome and rated ones a satisfaction, and the timeline's states chain up to the
current state. At the end the audit chain verifies. Each example is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from luoshi.access.roles import Perm
from luoshi.audit.services import verify_chain
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.demands import services, workflow
from luoshi.demands.choices import DemandState
from luoshi.demands.models import Demand, DemandEvent
from luoshi.demands.tests.lifecycle import received
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
# "right" is whoever the action needs (the dispatcher, or a handler of the unit holding the ticket)
USERS = ("right", "right", "right", "dispatcher_city", "handler_a", "handler_b", "office_city", None)
Act = Callable[[Any, Demand, World], Any]
ACTIONS: dict[str, tuple[str, Act]] = {
    "dispatch_a": ("dispatch", lambda u, d, w: services.dispatch(u, d, unit=w.district_a)),
    "dispatch_b": ("dispatch", lambda u, d, w: services.dispatch(u, d, unit=w.district_b)),
    "dispatch_street": ("dispatch", lambda u, d, w: services.dispatch(u, d, unit=w.street_a)),
    "sign": ("sign", lambda u, d, w: services.sign(u, d)),
    "respond": ("respond", lambda u, d, w: services.respond(u, d, note="已联系")),
    "finish": ("finish", lambda u, d, w: services.finish(u, d, outcome="resolved", explanation="已办结")),
    "finish_unresolved": ("finish", lambda u, d, w: services.finish(u, d, outcome="unresolved", explanation="无法")),
    "return": ("return", lambda u, d, w: services.return_demand(u, d, reason="非本单位")),
    "rate_ok": ("call_back", lambda u, d, w: services.call_back(u, d, satisfaction="satisfied")),
    "rate_bad": ("call_back", lambda u, d, w: services.call_back(u, d, satisfaction="unsatisfied")),
    "redo": ("redo", lambda u, d, w: services.redo(u, d, reason="不满意")),
    "archive": ("archive", lambda u, d, w: services.archive(u, d)),
    "escalate": ("escalate", lambda u, d, w: services.escalate(u, d, reason="督办")),
    "extend": ("request_extension", lambda u, d, w: services.request_extension(u, d, days=2, reason="协调")),
}
# "next" is an action legal from the current state, so that long histories are common
NAMES = ("next", "next", "next", *sorted(ACTIONS))
STEPS = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(NAMES)), min_size=1, max_size=16)


def footprint(demand: Demand) -> tuple[Any, ...]:
    fresh = Demand.objects.get(pk=demand.pk)
    return fresh.state, fresh.version, fresh.org_path, DemandEvent.objects.filter(demand=demand).count()


def check(demand: Demand) -> None:
    d = Demand.objects.select_related("handling_unit", "dispatcher_unit").get(pk=demand.pk)
    holder = d.handling_unit or d.dispatcher_unit
    assert d.org_path == holder.path
    assert (d.handling_unit is None) == (d.state == DemandState.RECEIVED)
    done = {DemandState.FINISHED, DemandState.CALLED_BACK}
    assert bool(d.outcome) == (d.state in done or (d.state == DemandState.ARCHIVED and d.finished_at is not None))
    assert bool(d.satisfaction) == (d.state == DemandState.CALLED_BACK or bool(d.called_back_at))
    assert (d.archived_at is not None) == (d.state == DemandState.ARCHIVED)
    moves = DemandEvent.objects.filter(demand=d).exclude(to_state="").order_by("at", "id")
    previous: str = DemandState.RECEIVED
    for move in moves:
        assert move.from_state == previous, move.kind
        previous = move.to_state
    assert previous == d.state


def right_user(world: World, demand: Demand, action: str) -> Any:
    if workflow.TRANSITIONS[action].perm == Perm.DISPATCH_DEMAND:
        return world.dispatcher_city
    held = Demand.objects.get(pk=demand.pk).org_path
    return world.handler_b if held.startswith(world.district_b.path) else world.handler_a


def next_action(demand: Demand, index: int) -> str:
    state = Demand.objects.get(pk=demand.pk).state
    legal = [n for n, (a, _) in sorted(ACTIONS.items()) if state in workflow.TRANSITIONS[a].sources]
    legal = [n for n in legal if n not in ("escalate", "extend")] or ["escalate"]
    return legal[index % len(legal)]


def play(world: World, steps: list[tuple[str | None, str]]) -> list[str]:
    """Run the steps; return the names of those the services accepted."""
    demand, accepted = received(world), []
    for index, (who, drawn) in enumerate(steps):
        name = next_action(demand, index) if drawn == "next" else drawn
        action, act = ACTIONS[name]
        user = right_user(world, demand, action) if who == "right" else getattr(world, who) if who else None
        before = footprint(demand)
        try:
            act(user, demand, world)
        except (RuleViolation, NotAllowed):
            assert footprint(demand) == before, (who, name)
        else:
            state = Demand.objects.get(pk=demand.pk).state
            assert state == workflow.target_of(workflow.TRANSITIONS[action], before[0])
            accepted.append(name)
        check(demand)
    return accepted


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_sequences_keep_the_ticket_consistent(world: World, steps: list[tuple[str | None, str]]) -> None:
    with transaction.atomic():
        accepted = play(world, steps)
        event(f"{len(accepted)} steps accepted, ends {Demand.objects.get().state}")
        assert verify_chain() is None
        transaction.set_rollback(True)


def test_the_main_path_is_one_of_the_sequences(world: World) -> None:
    path = ["dispatch_b", "sign", "respond", "finish", "rate_ok", "archive"]
    assert play(world, [("right", step) for step in path]) == path
    assert Demand.objects.get().state == DemandState.ARCHIVED
