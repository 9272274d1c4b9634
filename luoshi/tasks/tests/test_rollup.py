"""Progress rolled up by weight, on hand-computed cases: the pure function and the database side."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.orgs.models import UnitKind
from luoshi.tasks import queries, services
from luoshi.tasks.choices import AssignRole, State
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.rollup import AssignmentSum, TaskRow, rollup, weighted_mean
from luoshi.tasks.tests.factory import assigned, bulk_streets, make_task, streets
from luoshi.testing.world import World

D = Decimal


def test_weighted_mean() -> None:
    assert weighted_mean([(D(2), D(50)), (D(1), D(20))]) == D(40)
    assert weighted_mean([]) is None


def test_three_levels_with_weights_by_hand() -> None:
    """R = (2·A + 1·B + 1·own R) / 4; A = (1·A1 + 3·A2) / 4 with no assignment of its own."""
    tasks = [
        TaskRow(1, None, D(1)),
        TaskRow(2, 1, D(2)),  # A
        TaskRow(3, 1, D(1)),  # B
        TaskRow(4, 2, D(1)),  # A1
        TaskRow(5, 2, D(3)),  # A2
    ]
    sums = [
        AssignmentSum(1, D(40), 1),  # R's own: 40
        AssignmentSum(3, D(10), 1),  # B: 10
        AssignmentSum(4, D(150), 2),  # A1: (50 + done 100) / 2 = 75
        AssignmentSum(5, D(60), 2),  # A2: (20 + 40) / 2 = 30
    ]
    found = rollup(tasks, sums)
    assert found[4] == D(75)
    assert found[5] == D(30)
    assert found[2] == D("41.25")  # (75 + 3 × 30) / 4
    assert found[1] == D("33.125")  # (2 × 41.25 + 10 + 40) / 4


def test_a_task_with_nothing_that_counts_has_no_percent_and_weighs_nothing() -> None:
    found = rollup([TaskRow(1, None, D(1)), TaskRow(2, 1, D(5)), TaskRow(3, 1, D(1))], [AssignmentSum(3, D(60), 1)])
    assert (found[2], found[3], found[1]) == (None, D(60), D(60))


@pytest.mark.django_db
def test_the_database_side_gives_the_same_figures(world: World) -> None:
    """The same tree on real rows: done counts 100, revoked and passed-down assignments do not count."""
    units = [world.street_a, *streets(world, 3)]
    root = make_task(world, title="R")
    a = make_task(world, title="A", parent=root, weight=D(2), due_on=root.due_on)
    b = make_task(world, title="B", parent=root, weight=D(1), due_on=root.due_on)
    a1 = make_task(world, title="A1", parent=a, weight=D(1), due_on=root.due_on)
    a2 = make_task(world, title="A2", parent=a, weight=D(3), due_on=root.due_on)

    def at(task, unit, percent, state=State.IN_PROGRESS):
        item = assigned(world, task=task, unit=unit)
        TaskAssignment.objects.filter(pk=item.pk).update(percent=percent, state=state)
        return item

    at(root, units[0], 40)
    at(a1, units[0], 50)
    at(a1, units[1], 30, State.DONE)
    at(a2, units[0], 20)
    at(a2, units[1], 40)
    at(a2, units[2], 90, State.REVOKED)
    b_district = at(b, world.district_a, 10)
    TaskAssignment.objects.create(
        task=b, unit=units[3], org_path=units[3].path, parent=b_district, due_on=b.due_on, percent=100
    )
    found = queries.percents_for([root.pk, a.pk])
    assert found == {root.pk: D("33.125"), a.pk: D("41.25")}
    assert queries.campaign_percents(world.campaign)[b.pk] == D(10)
    assert queries.task_percent(a2) == D(30)
    assert queries.campaign_percent(world.campaign) == D("33.125")


@pytest.mark.django_db
def test_ten_thousand_assignments_roll_up_in_two_aggregate_queries(world: World, django_assert_max_num_queries) -> None:
    """10,000 assignments under a three-level task: two aggregate queries, no query per row (timed in the bench)."""
    units = bulk_streets(world, 1430)
    kind = UnitKind.objects.get(code="street")
    root = make_task(world, title="R")
    children = [make_task(world, title=f"C{i}", parent=root, due_on=root.due_on) for i in range(2)]
    grandchildren = [make_task(world, title=f"G{i}", parent=c, due_on=root.due_on) for c in children for i in range(2)]
    for task in (root, *children, *grandchildren):
        services.assign(
            world.office_a, task, kind=kind, root=world.district_a, role=AssignRole.LEAD, due_on=task.due_on
        )
    TaskAssignment.objects.filter(task__campaign=world.campaign).update(percent=50)
    assert TaskAssignment.objects.count() == 7 * (len(units) + 1) >= 10_000
    queries.percents_for([root.pk])
    with django_assert_max_num_queries(2):
        found = queries.percents_for([root.pk])
    assert found[root.pk] == D(50)
