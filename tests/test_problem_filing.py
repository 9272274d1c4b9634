"""Filing a problem and who manages a campaign, called directly on the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.campaigns import services as campaign_services
from luoshi.core.errors import NotAllowed
from luoshi.orgs.models import Unit
from luoshi.problems import services
from luoshi.problems.choices import EventKind, State
from luoshi.problems.models import Problem, ProblemEvent
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 1)


def file(world: World, actor: Any, unit: Unit) -> Problem:
    return services.file_problem(
        actor,
        campaign=world.campaign,
        title="窗口办事排长队",
        channel=world.channels[1],
        aspect=world.aspects[3],
        unit=unit,
        found_on=TODAY,
        deadline=TODAY + dt.timedelta(days=30),
    )


def test_file_problem_records_the_problem_its_timeline_and_the_audit(world: World) -> None:
    problem = file(world, world.liaison_a, world.street_a)
    assert (problem.state, problem.org_path, problem.version) == (State.PENDING_CLAIM, world.street_a.path, 1)
    assert problem.filed_by_id == world.liaison_a.pk
    assert list(ProblemEvent.objects.filter(problem=problem).values_list("kind", flat=True)) == [EventKind.FILED]
    created = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).get()
    assert (created.action, created.actor_id) == (Action.CREATE, world.liaison_a.pk)


def test_file_problem_outside_the_filers_scope_is_refused_and_writes_nothing(world: World) -> None:
    audit_head = AuditEvent.objects.count()
    with pytest.raises(NotAllowed):
        file(world, world.liaison_b, world.district_a)
    assert not Problem.objects.exists()
    assert AuditEvent.objects.count() == audit_head


def test_a_campaign_is_managed_by_the_office_of_its_lead_unit_and_above(world: World) -> None:
    assert campaign_services.can_manage(world.office_city, world.campaign)
    for username in ("office_a", "liaison_a", "secadmin", "auditor"):
        assert not campaign_services.can_manage(world.users[username], world.campaign), username
    own = campaign_services.create_campaign(
        world.office_a,
        unit=world.district_a,
        name="东城专项整治",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=90),
    )
    assert campaign_services.can_manage(world.office_a, own)
    assert campaign_services.can_manage(world.office_city, own)
    assert not campaign_services.can_manage(world.office_b, own)
