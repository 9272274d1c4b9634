"""The breach sweep (超时预警) at the edges of each limit, and automatic escalation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.demands import services
from luoshi.demands.choices import DemandEventKind
from luoshi.demands.models import Demand, DemandEvent
from luoshi.demands.tests.lifecycle import dispatched, received
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 3, 6, 10, tzinfo=SH)
SECOND = dt.timedelta(seconds=1)


def due(value: dt.datetime | None) -> dt.datetime:
    assert value is not None
    return value


def breaches(demand: Demand) -> list[str]:
    return list(DemandEvent.objects.filter(demand=demand, kind=DemandEventKind.BREACHED).values_list("note", flat=True))


@pytest.fixture
def ticket(world: World) -> Demand:
    with time_machine.travel(FRIDAY, tick=False):
        return dispatched(world)


def test_nothing_is_late_at_the_deadline_itself(ticket: Demand) -> None:
    assert services.sweep_breaches(due(ticket.sign_due)) == {"sign": 0, "respond": 0, "resolve": 0, "escalated": 0}


def test_a_second_past_the_sign_limit_is_marked_once(ticket: Demand) -> None:
    assert services.sweep_breaches(due(ticket.sign_due) + SECOND)["sign"] == 1
    assert services.sweep_breaches(due(ticket.sign_due) + 2 * SECOND)["sign"] == 0
    assert breaches(ticket) == [services.SIGN_BREACH]


def test_a_late_contact_is_judged_late_even_if_made_afterwards(world: World, ticket: Demand) -> None:
    late = due(ticket.respond_due) + SECOND
    counts = services.sweep_breaches(late)
    assert counts["respond"] == 1
    assert counts["resolve"] == 0
    assert Demand.objects.get(pk=ticket.pk).responded_on_time is False
    with time_machine.travel(late, tick=False):
        demand = services.sign(world.handler_a, ticket)
        demand = services.respond(world.handler_a, demand, note="已联系")
    assert demand.responded_on_time is False


def test_an_urgent_ticket_is_late_after_two_hours(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        urgent = dispatched(world, urgent=True)
    counts = services.sweep_breaches(FRIDAY + dt.timedelta(hours=2) + SECOND)
    assert counts["respond"] == 1
    assert breaches(urgent).count(services.RESPOND_BREACH) == 1


def test_late_resolution_is_marked_and_escalated_automatically(ticket: Demand) -> None:
    assert ticket.resolve_due == dt.datetime(2026, 3, 13, 10, tzinfo=SH)
    assert services.sweep_breaches(due(ticket.resolve_due))["resolve"] == 0
    counts = services.sweep_breaches(due(ticket.resolve_due) + SECOND)
    assert counts["resolve"] == 1
    assert counts["escalated"] == 1
    demand = Demand.objects.get(pk=ticket.pk)
    assert demand.escalated
    assert demand.finished_on_time is False
    assert services.sweep_breaches(due(ticket.resolve_due) + 2 * SECOND)["resolve"] == 0


def test_tickets_still_at_the_dispatcher_have_no_clock(world: World) -> None:
    with time_machine.travel(FRIDAY, tick=False):
        received(world)
    assert services.sweep_breaches(FRIDAY + dt.timedelta(days=60)) == {
        "sign": 0,
        "respond": 0,
        "resolve": 0,
        "escalated": 0,
    }


def test_the_intake_unit_is_the_top_most_dispatcher_unit(world: World) -> None:
    assert services.default_intake_unit() == world.city
