"""Scope by assignment: a group's members read its assigned units' data as supervisors while the assignment runs
(ends_on inclusive), nothing of another group's units, and lose it the day after the assignment ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.access import scope
from luoshi.access.roles import Perm, Role
from luoshi.core.errors import NotAllowed
from luoshi.problems.models import Problem
from luoshi.supervision import queries, services
from luoshi.supervision.choices import MemberRole
from luoshi.supervision.tests.factory import START, Sup, build, on
from luoshi.testing.problems import new_problem
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World, make_user

LAST_DAY = dt.date(2026, 5, 31)


@pytest.fixture
def sup(world: World) -> Sup:
    return build(world, ends_on=LAST_DAY)


@pytest.fixture
def problems(world: World) -> tuple[Problem, Problem]:
    """A problem of 东城街道 (group A's unit) and one of 西城区 (group B's)."""
    with on(dt.date(2026, 5, 1)):
        mine = new_problem(world, unit=world.street_a, title="东城街道台账问题")
        theirs = new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城区窗口问题")
    return mine, theirs


@pytest.fixture
def group_b(world: World) -> None:
    """The city's group B, assigned 西城区, with its own member."""
    group = services.create_group(world.office_city, campaign=world.campaign, unit=world.city, name="市第二督导组")
    other = make_user("zuyuan_b", Role.LIAISON, world.district_b, "西城督导组员")
    services.add_member(world.office_city, group, other, MemberRole.LEADER)
    services.assign_unit(world.office_city, group, world.district_b, START)


def test_the_provider_gives_supervisor_on_running_assignments_only(sup: Sup) -> None:
    with on(dt.date(2026, 5, 11)):
        assert list(queries.assignment_scope(sup.member)) == [(Role.SUPERVISOR, sup.world.street_a.path)]
    with on(LAST_DAY):  # the last day is inclusive
        assert list(queries.assignment_scope(sup.member)) == [(Role.SUPERVISOR, sup.world.street_a.path)]
    with on(LAST_DAY + dt.timedelta(days=1)):
        assert list(queries.assignment_scope(sup.member)) == []
    with on(dt.date(2025, 12, 31)):  # before it starts
        assert list(queries.assignment_scope(sup.member)) == []
    assert list(queries.assignment_scope(sup.world.office_b)) == []


def test_scope_by_assignment_is_one_query_cached_on_the_user(sup: Sup) -> None:
    user = sup.fresh(sup.member)
    with on(dt.date(2026, 5, 11)), CaptureQueriesContext(connection) as seen:
        assert scope.can(user, Perm.SUPERVISE, sup.world.street_a.path)
        assert scope.can(user, Perm.VIEW, sup.world.street_a.path)
        assert not scope.can(user, Perm.VIEW, sup.world.district_b.path)
    assert len(seen.captured_queries) == 1  # role assignments and group assignments in one UNION


def test_a_member_reads_the_assigned_units_problems_and_nothing_of_group_bs(
    sup: Sup, problems: tuple[Problem, Problem], group_b: None
) -> None:
    mine, theirs = problems
    member = sup.fresh(sup.member)
    with on(dt.date(2026, 5, 11)):
        visible = set(Problem.objects.visible_to(member, Perm.VIEW).values_list("pk", flat=True))
        assert mine.pk in visible
        assert theirs.pk not in visible
        assert scope.can(member, Perm.FILE_PROBLEM, mine.org_path)  # the supervisor's perms
        assert not scope.can(member, Perm.REPORT_PROGRESS, mine.org_path)  # and no more


def test_through_the_problem_pages(sup: Sup, problems: tuple[Problem, Problem], group_b: None) -> None:
    mine, theirs = problems
    client = Client()
    verified_login(client, sup.member)
    with on(LAST_DAY):
        listing = client.get("/problems/")
        assert listing.status_code == 200
        assert "东城街道台账问题" in listing.content.decode()
        assert "西城区窗口问题" not in listing.content.decode()
        assert client.get(f"/problems/{mine.pk}/").status_code == 200
        assert client.get(f"/problems/{theirs.pk}/").status_code == 404
    with on(LAST_DAY + dt.timedelta(days=1)):  # the day after the assignment ends
        assert client.get(f"/problems/{mine.pk}/").status_code == 404
        assert "东城街道台账问题" not in client.get("/problems/").content.decode()


def test_through_the_api(sup: Sup, problems: tuple[Problem, Problem], group_b: None) -> None:
    mine, theirs = problems
    client = Client()
    verified_login(client, sup.member)
    with on(dt.date(2026, 5, 11)):
        rows = {row["id"] for row in client.get("/api/v1/problems/").json()["results"]}
        assert mine.pk in rows
        assert theirs.pk not in rows
        assert client.get(f"/api/v1/problems/{theirs.pk}/").status_code == 404
    with on(LAST_DAY + dt.timedelta(days=1)):
        assert client.get(f"/api/v1/problems/{mine.pk}/").status_code in (403, 404)


def test_ending_the_assignment_and_removing_a_member_take_the_unit_away(sup: Sup) -> None:
    world = sup.world
    with on(dt.date(2026, 5, 11)):
        assert scope.can(sup.fresh(sup.member), Perm.VIEW, world.street_a.path)
        services.end_assignment(world.office_a, sup.assignment, dt.date(2026, 5, 10))
        assert not scope.can(sup.fresh(sup.member), Perm.VIEW, world.street_a.path)
    with on(dt.date(2026, 5, 10)):
        assert scope.can(sup.fresh(sup.leader), Perm.VIEW, world.street_a.path)
        member = services.queries.membership(sup.leader, sup.group)
        assert member is not None
        services.remove_member(world.office_a, member)
        assert not scope.can(sup.fresh(sup.leader), Perm.VIEW, world.street_a.path)


def test_a_member_of_group_a_cannot_record_in_group_bs_unit(sup: Sup, group_b: None) -> None:
    world = sup.world
    with on(dt.date(2026, 5, 11)), pytest.raises(NotAllowed):
        services.record_finding(
            sup.fresh(sup.member), sup.group, unit=world.district_b, title="越权", description="越权"
        )
