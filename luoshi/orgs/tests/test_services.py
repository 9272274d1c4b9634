"""Org tree services: move keeps paths of the subtree and of every scoped table consistent; codes stay unique."""

from __future__ import annotations

import pytest

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.core import paths
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.orgs.models import Unit, UnitKind
from luoshi.orgs.services import create_unit, create_unit_kind, move_unit, update_unit
from luoshi.problems.models import Problem, ProblemEvent
from luoshi.testing.problems import new_problem, rectifying


def test_default_unit_kinds_exist(db):
    names = set(UnitKind.objects.values_list("name", flat=True))
    expected = {"党委", "党组", "党工委", "党总支", "党支部", "县市区", "功能区", "市直部门", "乡镇街道", "村社区"}
    assert expected <= names
    assert UnitKind.objects.get(name="县市区").code == "district"


def test_move_rewrites_subtree_and_scoped_rows(world):
    village = create_unit(None, name="一村", code="V1", kind=UnitKind.objects.get(name="村社区"), parent=world.street_a)
    on_street = rectifying(world, unit=world.street_a)
    on_village = new_problem(world, unit=village)
    elsewhere = new_problem(world, unit=world.district_a)
    old_street_path = world.street_a.path

    moved = move_unit(world.office_city, world.street_a, world.district_b)

    assert moved.path == world.district_b.path + "00001."
    assert (moved.parent, moved.level, moved.version) == (world.district_b, 3, 2)
    village.refresh_from_db()
    assert (village.path, village.level) == (moved.path + "00001.", 4)
    assert not Unit.objects.filter(paths.subtree_q(old_street_path, "path")).exists()
    for problem, unit in [(on_street, moved), (on_village, village)]:
        problem.refresh_from_db()
        assert problem.org_path == unit.path
        assert set(ProblemEvent.objects.filter(problem=problem).values_list("org_path", flat=True)) == {unit.path}
        assert all(m.org_path == unit.path for m in problem.measures.all())
    assert Problem.objects.get(pk=elsewhere.pk).org_path == world.district_a.path
    scope.forget(world.office_b)
    assert Problem.objects.visible_to(world.office_b, Perm.VIEW).filter(pk=on_village.pk).exists()
    scope.forget(world.office_a)
    assert not Problem.objects.visible_to(world.office_a, Perm.VIEW).filter(pk=on_village.pk).exists()


def test_move_needs_manage_scope_on_both_ends(world):
    with pytest.raises(NotAllowed):
        move_unit(world.office_a, world.street_a, world.district_b)
    assert Unit.objects.get(pk=world.street_a.pk).path == world.street_a.path


def test_move_under_current_parent_is_refused(world):
    with pytest.raises(RuleViolation):
        move_unit(world.office_city, world.street_a, world.district_a)


def test_update_with_stale_version_raises_conflict(world):
    update_unit(world.office_a, world.street_a, 1, name="新名")
    with pytest.raises(Conflict):
        update_unit(world.office_a, world.street_a, 1, name="更新的名")
    assert Unit.objects.get(pk=world.street_a.pk).name == "新名"


def test_codes_stay_unique(world):
    with pytest.raises(RuleViolation, match="D002"):
        update_unit(world.office_city, world.street_a, 1, code="D002")
    with pytest.raises(RuleViolation, match="D001"):
        create_unit(world.office_city, name="x", code="D001", kind=world.street_a.kind, parent=world.city)


def test_only_org_managers_add_unit_kinds(world):
    with pytest.raises(NotAllowed):
        create_unit_kind(world.leader_a, code="x-kind", name="某类")
    with pytest.raises(RuleViolation):
        create_unit_kind(world.office_a, code="district", name="新名字")
    kind = create_unit_kind(world.office_a, code="x-kind", name="某类", order=5)
    assert (kind.code, kind.order) == ("x-kind", 5)
