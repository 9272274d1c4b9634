"""Who may do each step: every user of the world tries; the refused ones change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from luoshi.core.errors import NotAllowed
from luoshi.demands import services
from luoshi.demands.choices import Satisfaction
from luoshi.demands.models import Demand, DemandEvent, DemandExtension
from luoshi.demands.tests.lifecycle import called_back, category, dispatched, finished, hotline, received, signed
from luoshi.testing.problems import new_problem
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
EVERYONE = [
    *("office_city", "office_a", "liaison_a", "leader_a", "leader_a2", "liaison_b", "leader_b", "office_b"),
    *("supervisor_a", "secadmin", "auditor", "nobody", "dispatcher_city", "handler_a", "handler_b"),
]
Step = Callable[[Any, Demand], Any]


def state_of(demand: Demand) -> tuple[str, int, int]:
    fresh = Demand.objects.get(pk=demand.pk)
    return fresh.state, fresh.version, DemandEvent.objects.filter(demand=demand).count()


def only(world: World, allowed: set[str], demand: Demand, step: Step) -> Any:
    """Everyone outside ``allowed`` is refused and nothing changes; then the first allowed user succeeds."""
    before = state_of(demand)
    for name in EVERYONE:
        if name in allowed:
            continue
        with pytest.raises(NotAllowed):
            step(getattr(world, name), demand)
        assert state_of(demand) == before, name
    result = step(getattr(world, sorted(allowed)[0]), demand)
    assert state_of(demand) != before
    return result


def test_receive_needs_a_dispatcher_of_the_intake_unit(world: World) -> None:
    def receive(user: Any, _demand: Demand) -> Demand:
        return received(world, actor=user, intake_unit=world.city)

    count = Demand.objects.count()
    for name in EVERYONE:
        if name != "dispatcher_city":
            with pytest.raises(NotAllowed):
                receive(getattr(world, name), Demand())
    assert Demand.objects.count() == count
    assert receive(world.dispatcher_city, Demand()).dispatcher_unit == world.city


def test_dispatch_needs_the_dispatcher(world: World) -> None:
    demand = received(world)
    only(world, {"dispatcher_city"}, demand, lambda u, d: services.dispatch(u, d, unit=world.district_a))


@pytest.mark.parametrize(
    ("make", "step"),
    [
        (dispatched, lambda u, d: services.sign(u, d)),
        (signed, lambda u, d: services.respond(u, d, note="已联系")),
        (signed, lambda u, d: services.finish(u, d, outcome="resolved", explanation="已办结")),
        (signed, lambda u, d: services.return_demand(u, d, reason="非本单位职责")),
        (signed, lambda u, d: services.request_extension(u, d, days=3, reason="需协调多部门")),
    ],
    ids=["sign", "respond", "finish", "return", "request_extension"],
)
def test_handling_steps_need_a_handler_of_the_unit(world: World, make: Callable[..., Demand], step: Step) -> None:
    only(world, {"handler_a"}, make(world), step)


@pytest.mark.parametrize(
    ("make", "step"),
    [
        (finished, lambda u, d: services.call_back(u, d, satisfaction=Satisfaction.BASIC)),
        (finished, lambda u, d: services.archive(u, d)),
        (signed, lambda u, d: services.escalate(u, d, reason="群众反映强烈")),
        (
            lambda w: called_back(w, Satisfaction.UNSATISFIED),
            lambda u, d: services.redo(u, d, reason="群众不满意"),
        ),
    ],
    ids=["call_back", "archive", "escalate", "redo"],
)
def test_dispatcher_steps_need_the_dispatcher(world: World, make: Callable[..., Demand], step: Step) -> None:
    only(world, {"dispatcher_city"}, make(world), step)


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_extension_decisions_need_the_dispatcher(world: World, decide: str) -> None:
    ext = services.request_extension(world.handler_a, signed(world), days=2, reason="需协调")

    def decide_it(user: Any) -> DemandExtension:
        if decide == "approve":
            return services.approve_extension(user, ext)
        return services.reject_extension(user, ext, note="理由不足")

    for name in EVERYONE:
        if name != "dispatcher_city":
            user = getattr(world, name)
            with pytest.raises(NotAllowed):
                decide_it(user)
    assert DemandExtension.objects.get(pk=ext.pk).state == "pending"
    assert decide_it(world.dispatcher_city).state == {"approve": "approved", "reject": "rejected"}[decide]


def test_handlers_of_another_district_cannot_touch_the_ticket(world: World) -> None:
    demand = dispatched(world, unit=world.district_b)
    with pytest.raises(NotAllowed):
        services.sign(world.handler_a, demand)
    assert services.sign(world.handler_b, demand).state == "signed"


def test_link_problem_needs_demands_and_problem_rights(world: World) -> None:
    problem = new_problem(world)
    demand = received(world, channel=hotline(), category=category())
    demand = services.dispatch(world.dispatcher_city, demand, unit=world.district_a)
    only(world, {"office_a", "office_city"}, demand, lambda u, d: services.link_problem(u, d, problem))
    assert list(Demand.objects.filter(problem=problem)) == [Demand.objects.get(pk=demand.pk)]


@pytest.mark.parametrize(
    "step",
    [
        lambda d: services.dispatch(None, d, unit=d.dispatcher_unit),
        lambda d: services.archive(None, d),
        lambda d: services.request_extension(None, d, days=1, reason="x"),
    ],
    ids=["dispatch", "archive", "request_extension"],
)
def test_only_the_callback_and_automatic_escalation_go_without_a_user(world: World, step: Any) -> None:
    demand = received(world)
    with pytest.raises(NotAllowed):
        step(demand)
    assert state_of(demand)[1] == demand.version
