"""Citizens' names and phones: stored only encrypted, shown masked, revealed only to the ticket's people."""

from __future__ import annotations

import pytest
from django.db import connection

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed
from luoshi.demands import services
from luoshi.demands.models import Demand, DemandEvent
from luoshi.demands.tests.lifecycle import NAME, PHONE, called_back, dispatched, received
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names are constants
        return repr(cursor.fetchall())


def test_the_database_never_holds_the_clear_name_or_phone(world: World) -> None:
    demand = called_back(world)
    services.reveal_citizen(world.handler_a, demand)
    for table in ("demands_demand", "demands_demandevent", "audit_auditevent"):
        text = raw_rows(table)
        assert PHONE not in text, table
        assert NAME not in text, table
    stored = Demand.objects.get(pk=demand.pk)
    assert stored.citizen_phone_masked == "138****1234"
    assert stored.citizen_phone_enc
    assert stored.citizen_name_enc


def test_equal_phones_share_a_blind_index(world: World) -> None:
    first, second = received(world), received(world, citizen_phone="138 1234 1234")
    third = received(world, citizen_phone="13900001111")
    assert first.citizen_phone_index == second.citizen_phone_index != third.citizen_phone_index


@pytest.mark.parametrize("who", ["handler_a", "dispatcher_city"])
def test_the_tickets_people_see_it_in_clear_and_each_view_is_audited(world: World, who: str) -> None:
    demand = dispatched(world)
    assert services.reveal_citizen(getattr(world, who), demand) == (NAME, PHONE)
    audit = AuditEvent.objects.get(action=Action.VIEW_PERSONAL, object_id=str(demand.pk))
    assert audit.actor == getattr(world, who)
    assert DemandEvent.objects.filter(demand=demand, kind="personal_data_viewed").count() == 1
    assert services.may_reveal(getattr(world, who), demand)


@pytest.mark.parametrize("who", ["office_city", "handler_b", "office_a", "auditor", "nobody"])
def test_anyone_else_is_refused_and_nothing_is_recorded(world: World, who: str) -> None:
    demand = dispatched(world)
    with pytest.raises(NotAllowed):
        services.reveal_citizen(getattr(world, who), demand)
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()
    assert not DemandEvent.objects.filter(kind="personal_data_viewed").exists()


def test_a_handler_cannot_reveal_a_ticket_still_at_the_dispatcher(world: World) -> None:
    demand = received(world)
    assert not services.may_reveal(world.handler_a, demand)
    with pytest.raises(NotAllowed):
        services.reveal_citizen(world.handler_a, demand)


def test_a_demand_without_contact_details_reveals_empty_strings(world: World) -> None:
    demand = received(world, citizen_name="", citizen_phone="")
    assert demand.citizen_phone_masked == ""
    assert demand.citizen_phone_index == ""
    assert services.reveal_citizen(world.dispatcher_city, demand) == ("", "")
