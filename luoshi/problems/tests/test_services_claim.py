"""Claiming (认领) and the responsible-leader rule."""

from __future__ import annotations

import pytest

from luoshi.access.roles import Role
from luoshi.core.errors import RuleViolation
from luoshi.problems import services
from luoshi.problems.choices import State
from luoshi.problems.models import Problem
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import new_problem
from luoshi.testing.world import World, make_user


def test_named_leader_claims(world: World) -> None:
    problem = services.claim(world.leader_a, new_problem(world, responsible_leader=world.leader_a))
    assert (problem.state, problem.responsible_leader) == (State.RECTIFYING, world.leader_a)


def test_only_the_named_leader_may_claim(world: World) -> None:
    problem = new_problem(world, responsible_leader=world.leader_a)
    before = footprint(problem)
    with pytest.raises(RuleViolation, match="已指定责任领导「东城领导」，只能由其认领"):
        services.claim(world.leader_a2, problem)
    assert footprint(problem) == before


def test_without_a_named_leader_any_unit_leader_claims_and_becomes_it(world: World) -> None:
    problem = services.claim(world.leader_a2, new_problem(world))
    assert Problem.objects.get(pk=problem.pk).responsible_leader == world.leader_a2


def test_leader_named_after_filing_is_the_one_who_claims(world: World) -> None:
    """The rule is read from the locked row, not from the caller's copy."""
    problem = new_problem(world)
    services.edit_problem(world.office_a, problem, problem.version, responsible_leader=world.leader_a)
    with pytest.raises(RuleViolation, match="只能由其认领"):
        services.claim(world.leader_a2, problem)
    assert services.claim(world.leader_a, problem).state == State.RECTIFYING


@pytest.mark.parametrize("username", ["leader_b", "liaison_a", "office_a"])
def test_leader_must_be_able_to_claim_in_the_unit(world: World, username: str) -> None:
    with pytest.raises(RuleViolation, match="不是单位「东城区」的责任领导"):
        new_problem(world, responsible_leader=world.users[username])
    assert not Problem.objects.exists()


def test_city_leader_may_be_named_for_a_district_problem(world: World) -> None:
    city_leader = make_user("city_leader", Role.LEADER, world.city)
    problem = new_problem(world, responsible_leader=city_leader)
    assert services.claim(city_leader, problem).state == State.RECTIFYING


def test_claimed_problem_cannot_be_claimed_again(world: World) -> None:
    problem = services.claim(world.leader_a, new_problem(world))
    with pytest.raises(RuleViolation, match="不能执行「认领」"):
        services.claim(world.leader_a2, problem)
    assert Problem.objects.get(pk=problem.pk).responsible_leader == world.leader_a
