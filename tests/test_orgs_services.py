"""Org tree services called directly: numbering of top-level units, scoped tables, code lookup, bulk import."""

from __future__ import annotations

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.core import paths
from luoshi.core.errors import NotAllowed
from luoshi.core.models import Scoped
from luoshi.orgs import services
from luoshi.orgs.imports import UnitRow, plan_import
from luoshi.orgs.models import Unit
from luoshi.problems.models import (
    ClosureRequest,
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemClass,
    ProblemEvent,
    ProgressEntry,
)
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_next_top_number_follows_the_last_top_level_unit(world: World) -> None:
    assert services.next_top_number() == 2
    second = services.create_unit(None, name="邻市", code="C002", kind=world.city.kind, parent=None)
    assert second.path == paths.segment(2)
    assert services.next_top_number() == 3


def test_scoped_models_are_the_tables_that_copy_an_org_path() -> None:
    found = set(services.scoped_models())
    problem_tables = {Problem, ProblemClass, Measure, ProgressEntry, Evidence, ClosureRequest, ExtensionRequest}
    assert problem_tables | {ProblemEvent} <= found
    assert all(issubclass(model, Scoped) for model in found)
    assert Unit not in found


def test_codes_to_ids_finds_known_codes_across_batches(world: World) -> None:
    assert services.codes_to_ids(["D001", "D002", "NOPE"]) == {"D001": world.district_a.pk, "D002": world.district_b.pk}
    many = [f"X{i:05d}" for i in range(services.BULK_BATCH * 2)] + ["C000"]
    assert services.codes_to_ids(many) == {"C000": world.city.pk}


def village_rows(world: World) -> list[UnitRow]:
    kind = world.street_a.kind.name
    return [
        UnitRow(
            row=2, code="V001", name="东城新村", kind_name=kind, parent_code="S001", member_count=30, leaders="李四"
        ),
        UnitRow(
            row=3, code="V002", name="东城新村一组", kind_name=kind, parent_code="V001", member_count=8, leaders=""
        ),
    ]


def test_apply_unit_import_writes_the_plan_under_its_parents_with_one_audit_record(world: World) -> None:
    plan = plan_import(world.office_a, village_rows(world), file_name="村.xlsx")
    summary = services.apply_unit_import(world.office_a, plan)
    assert (summary["created"], summary["updated"], summary["file"]) == (2, 0, "村.xlsx")
    village, group = Unit.objects.get(code="V001"), Unit.objects.get(code="V002")
    assert village.parent_id == world.street_a.pk
    assert paths.is_within(village.path, world.street_a.path)
    assert group.parent_id == village.pk
    assert group.level == village.level + 1 == world.street_a.level + 2
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_id) == (Action.IMPORT, world.office_a.pk)
    assert sorted((event.after or {})["created_codes"]) == ["V001", "V002"]


def test_apply_unit_import_refuses_a_plan_outside_the_actors_scope(world: World) -> None:
    plan = plan_import(None, village_rows(world))
    units, imports = Unit.objects.count(), AuditEvent.objects.filter(action=Action.IMPORT).count()
    with pytest.raises(NotAllowed):
        services.apply_unit_import(world.office_b, plan)
    assert Unit.objects.count() == units
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == imports
