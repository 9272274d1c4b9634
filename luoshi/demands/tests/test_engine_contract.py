"""Demands keep the tracked-work contract: the shared base checks every transition for every role;
the activities (审批延期, 查看联系方式, 转为问题) are offered exactly to whom their services accept."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from luoshi.core.errors import NotAllowed
from luoshi.demands import services
from luoshi.demands.choices import DemandState, Satisfaction
from luoshi.demands.models import Demand
from luoshi.demands.tests.lifecycle import called_back, dispatched, finished, received, responded, signed
from luoshi.testing.problems import new_problem
from luoshi.testing.tracked import ContractCase, TrackedWorkContract, tries
from luoshi.testing.world import World
from luoshi.tracking import engine

OUTSIDE_THE_CITY = "99999."
EXPECTED_DOERS = {
    "decide_extension": {"dispatcher_city"},
    "reveal": {"dispatcher_city", "handler_a"},
    "link_problem": {"office_city", "office_a"},
}

CALLS: dict[str, Any] = {
    "dispatch": lambda u, d, v: services.dispatch(u, d, unit=d.dispatcher_unit, version=v),
    "sign": lambda u, d, v: services.sign(u, d, version=v),
    "respond": lambda u, d, v: services.respond(u, d, note="已电话联系群众", version=v),
    "finish": lambda u, d, v: services.finish(u, d, outcome="resolved", explanation="已修复", version=v),
    "return": lambda u, d, v: services.return_demand(u, d, reason="非本单位职责", version=v),
    "call_back": lambda u, d, v: services.call_back(u, d, satisfaction=Satisfaction.BASIC, version=v),
    "redo": lambda u, d, v: services.redo(u, d, reason="群众不满意", version=v),
    "archive": lambda u, d, v: services.archive(u, d, version=v),
    "escalate": lambda u, d, v: services.escalate(u, d, reason="群众多次来电", version=v),
    "request_extension": lambda u, d, v: services.request_extension(u, d, days=2, reason="需协调", version=v),
}
DOERS = dict.fromkeys(("sign", "respond", "finish", "return", "request_extension"), "handler_a")
DOERS |= dict.fromkeys(("dispatch", "call_back", "redo", "archive", "escalate"), "dispatcher_city")


def makers(world: World) -> dict[str, Callable[[], Demand]]:
    """A ticket in each state, held in district A (received ones at district A's own intake)."""

    def archived() -> Demand:
        return services.archive(world.dispatcher_city, finished(world))

    return {
        DemandState.RECEIVED: lambda: received(world, actor=None, intake_unit=world.district_a),
        DemandState.DISPATCHED: lambda: dispatched(world),
        DemandState.SIGNED: lambda: signed(world),
        DemandState.RESPONDED: lambda: responded(world),
        DemandState.FINISHED: lambda: finished(world),
        DemandState.CALLED_BACK: lambda: called_back(world, Satisfaction.UNSATISFIED),
        DemandState.ARCHIVED: archived,
    }


class TestDemandContract(TrackedWorkContract):
    @pytest.fixture
    def case(self, world: World) -> ContractCase:
        make = makers(world)
        return ContractCase(
            tracker=services.DEMANDS,
            make=lambda state: make[state](),
            calls=CALLS,
            users=world.users,
            doers=DOERS,
            elsewhere=OUTSIDE_THE_CITY,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("activity", ["decide_extension", "reveal", "link_problem"])
def test_every_activity_is_offered_exactly_to_whom_it_succeeds_for(world: World, activity: str) -> None:
    demand = signed(world)
    problem = new_problem(world)
    ext = services.request_extension(world.handler_a, demand, days=2, reason="需协调")
    calls: dict[str, Callable[[Any], Any]] = {
        "decide_extension": lambda u: services.approve_extension(u, ext),
        "reveal": lambda u: services.reveal_citizen(u, Demand.objects.get(pk=demand.pk)),
        "link_problem": lambda u: services.link_problem(u, Demand.objects.get(pk=demand.pk), problem),
    }
    call = calls[activity]
    offered_to = set()
    for name, user in world.users.items():
        current = Demand.objects.get(pk=demand.pk)
        offered = activity in engine.available_actions(services.DEMANDS, user, current)
        assert offered == tries(partial(call, user)), f"{activity} by {name}"
        offered_to |= {name} if offered else set()
    assert offered_to == EXPECTED_DOERS[activity]


@pytest.mark.django_db
def test_a_refused_rule_is_given_as_the_reason_beside_the_action(world: World) -> None:
    happy = called_back(world, Satisfaction.SATISFIED)
    reasons = engine.refusals(services.DEMANDS, world.dispatcher_city, happy)
    assert "不满意" in reasons["redo"]
    assert "redo" not in engine.available_actions(services.DEMANDS, world.dispatcher_city, happy)
    assert "decide_extension" in reasons
    escalated = services.escalate(world.dispatcher_city, signed(world), reason="久拖不决")
    assert "escalate" not in engine.available_actions(services.DEMANDS, world.dispatcher_city, escalated)
    assert "督办" in engine.refusals(services.DEMANDS, world.dispatcher_city, escalated)["escalate"]


@pytest.mark.django_db
def test_a_rejection_keeps_its_reason_on_the_request(world: World) -> None:
    ext = services.request_extension(world.handler_a, signed(world), days=2, reason="需协调")
    rejected = services.reject_extension(world.dispatcher_city, ext, note="应按期办结")
    assert (rejected.state, rejected.decision_note) == ("rejected", "应按期办结")
    assert rejected.decided_by == world.dispatcher_city


@pytest.mark.django_db
def test_a_stale_copy_is_judged_by_the_unit_that_holds_the_ticket_now(world: World) -> None:
    copy = received(world)
    services.dispatch(world.dispatcher_city, copy, unit=world.district_b)
    assert services.sign(world.handler_b, copy).state == DemandState.SIGNED
    moved_away = received(world)
    services.dispatch(world.dispatcher_city, moved_away, unit=world.district_b)
    with pytest.raises(NotAllowed):
        services.sign(world.handler_a, moved_away)
    assert Demand.objects.get(pk=moved_away.pk).state == DemandState.DISPATCHED
