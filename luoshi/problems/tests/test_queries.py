"""The read side called directly, as a benchmark or a report would: figures, scope and choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role
from luoshi.campaigns.models import Campaign
from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit
from luoshi.problems import queries, services
from luoshi.problems.choices import State
from luoshi.testing.problems import closed, new_problem, pending_review, rectifying
from luoshi.testing.world import make_user


def test_summary_counts_only_visible_problems_of_the_campaign(world):
    new_problem(world)
    rectifying(world)
    pending_review(world)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    east = queries.summary(world.office_a, world.campaign, None)
    assert east.total == 3
    assert east.by_state == {State.PENDING_CLAIM: 1, State.RECTIFYING: 1, State.PENDING_REVIEW: 1, State.CLOSED: 0}
    assert east.closure_rate == 0
    assert queries.summary(world.office_city, world.campaign, None).total == 4
    assert queries.summary(world.nobody, world.campaign, None).total == 0


def test_overdue_is_computed_from_the_deadline_of_open_problems(world):
    today = dt.date.today()
    late = new_problem(world, found_on=today - dt.timedelta(days=20), deadline=today - dt.timedelta(days=1))
    new_problem(world, deadline=today + dt.timedelta(days=1))
    assert queries.summary(world.office_a, world.campaign, None, today).overdue == 1
    assert queries.summary(world.office_a, world.campaign, None, late.deadline).overdue == 0
    after_both = today + dt.timedelta(days=5)
    assert queries.summary(world.office_a, world.campaign, None, after_both).overdue == 2


def test_closed_problems_are_not_overdue_and_count_towards_the_rate(world):
    closed(world)
    new_problem(world)
    later = dt.date.today() + dt.timedelta(days=400)
    figures = queries.summary(world.office_city, world.campaign, None, later)
    assert figures.overdue == 1
    assert figures.closed == 1
    assert figures.closure_rate == 0.5


def test_unit_rows_group_by_child_prefix_with_own_level(world):
    kind = UnitKind.objects.get(code="street")
    street_b = create_unit(None, name="西城街道", code="S002", kind=kind, parent=world.district_b)
    new_problem(world, unit=world.street_a)
    new_problem(world, unit=world.street_a)
    new_problem(world, unit=street_b, actor=world.liaison_b)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    table = queries.unit_rows(world.office_city, world.campaign, None)
    assert table.parent == world.city
    assert [(r.unit.name, r.total, r.has_children) for r in table.rows] == [("东城区", 2, True), ("西城区", 2, True)]
    west = queries.unit_rows(world.office_city, world.campaign, world.district_b)
    assert [(r.unit.name, r.own_only, r.total) for r in west.rows] == [("西城区", True, 1), ("西城街道", False, 1)]
    leaf = queries.unit_rows(world.office_city, world.campaign, world.street_a)
    assert [(r.unit.name, r.own_only, r.total) for r in leaf.rows] == [("东城街道", True, 2)]


def test_unit_rows_show_children_without_problems_as_zero(world):
    table = queries.unit_rows(world.office_city, world.campaign, None)
    assert [(r.unit.name, r.total, r.closure_rate) for r in table.rows] == [("东城区", 0, None), ("西城区", 0, None)]


def test_unit_rows_for_several_scope_tops(world):
    user = make_user("two_streets", Role.OFFICE, world.street_a)
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, unit=world.district_b)
    new_problem(world, unit=world.street_a)
    new_problem(world)  # district A's own level: outside this user's scope
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    table = queries.unit_rows(user, world.campaign, None)
    assert table.parent is None
    assert [(r.unit.name, r.total) for r in table.rows] == [("东城街道", 1), ("西城区", 1)]


def test_buckets_keep_catalogue_order_and_zeros(world):
    new_problem(world, aspect=world.aspects[3], channel=world.channels[7])
    aspects = queries.counts_by_aspect(world.office_city, world.campaign, None)
    assert [(b.name, b.count) for b in aspects] == [("理论学习", 0), ("政治建设", 0), ("作风建设", 0), ("为民服务", 1)]
    channels = queries.counts_by_channel(world.office_city, None, None)
    assert [(b.name, b.count) for b in channels] == [(world.channels[7].name, 1)]


def test_campaign_choices_put_running_campaigns_first(world):
    ended = Campaign.objects.create(
        name="上一轮活动", unit=world.city, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 30), is_active=False
    )
    choices = list(queries.campaign_choices(world.liaison_a))
    assert choices == [world.campaign, ended]
    assert list(queries.campaign_choices(world.nobody)) == []


def test_leader_candidates_are_leaders_in_or_above_scope(world):
    leaders = set(queries.leader_candidates(world.liaison_a))
    assert {world.leader_a, world.leader_a2} <= leaders
    assert world.leader_b not in leaders
    assert world.liaison_a not in leaders
    assert world.leader_b in set(queries.leader_candidates(world.liaison_a, include=world.leader_b.pk))


def test_units_for_and_shortlist_stay_in_scope(world):
    units = set(queries.units_for(world.liaison_a, Perm.FILE_PROBLEM, world.campaign))
    assert units == {world.district_a, world.street_a}
    shortlist = queries.unit_shortlist(world.office_city, Perm.VIEW)
    assert [u.name for u in shortlist] == ["示范市", "东城区", "东城街道", "西城区"]
    assert queries.unit_shortlist(world.auditor, Perm.VIEW) == []


def test_classes_count_only_visible_problems(world):
    problem_class = services.create_problem_class(
        world.office_city, campaign=world.campaign, unit=world.city, name="跨区一类事"
    )
    east = closed(world, problem_class=problem_class)
    new_problem(world, unit=world.district_b, actor=world.liaison_b, problem_class=problem_class)
    counted: Any = queries.classes_with_counts(world.office_city).get(pk=problem_class.pk)
    assert (counted.problem_count, counted.closed_count) == (2, 1)
    assert not queries.classes_with_counts(world.office_a).filter(pk=problem_class.pk).exists()
    assert list(queries.class_problems(world.office_a, problem_class)) == [east]


def test_breadcrumbs_stop_at_the_top_of_scope(world):
    assert [u.name for u in queries.breadcrumbs(world.office_a, world.street_a)] == ["东城区", "东城街道"]
    assert [u.name for u in queries.breadcrumbs(world.office_city, world.street_a)] == ["示范市", "东城区", "东城街道"]
    assert queries.breadcrumbs(world.office_a, None) == []


def test_dashboard_summary_equals_the_standalone_summary(world):
    today = dt.date.today()
    new_problem(world, unit=world.street_a)
    closed(world)
    new_problem(world, found_on=today - dt.timedelta(days=9), deadline=today - dt.timedelta(days=1))
    new_problem(world, unit=world.district_b, actor=world.liaison_b, deadline=today + dt.timedelta(days=1))
    two_tops = make_user("two_tops", Role.SUPERVISOR, world.street_a)
    RoleAssignment.objects.create(user=two_tops, role=Role.SUPERVISOR, unit=world.district_b)
    for user in (world.office_city, world.office_a, world.liaison_b, two_tops):
        for unit in (None, world.district_a) if user != world.liaison_b else (None,):
            figures = queries.dashboard(user, world.campaign, unit)
            assert figures.summary == queries.summary(user, world.campaign, unit), (user, unit)
            assert sum(r.total for r in figures.table.rows) == figures.summary.total


def test_dashboard_charts_and_table_equal_the_standalone_queries(world):
    new_problem(world, unit=world.street_a, aspect=world.aspects[0], channel=world.channels[0])
    closed(world, aspect=world.aspects[1], channel=world.channels[2])
    new_problem(world, unit=world.district_b, actor=world.liaison_b, aspect=world.aspects[1])
    figures = queries.dashboard(world.office_city, world.campaign, None)
    assert figures.aspects == queries.counts_by_aspect(world.office_city, world.campaign, None)
    assert figures.channels == queries.counts_by_channel(world.office_city, world.campaign, None)
    standalone = queries.unit_rows(world.office_city, world.campaign, None)
    assert [(r.unit, r.total, r.closed, r.overdue) for r in figures.table.rows] == [
        (r.unit, r.total, r.closed, r.overdue) for r in standalone.rows
    ]
    assert [b.count for b in figures.aspects][:2] == [1, 2]
