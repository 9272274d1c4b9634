"""Overdue lights (红/黄/绿) recomputed by ``refresh_lights`` at the edges of the day, Shanghai time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.campaigns.models import Campaign
from luoshi.problems import services, workflow
from luoshi.problems.choices import Light, State
from luoshi.problems.models import Problem
from luoshi.testing.problems import new_problem, png
from luoshi.testing.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE = dt.date(2026, 6, 30)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _problem(world: World, deadline: dt.date = DEADLINE) -> Problem:
    with time_machine.travel(_at(dt.date(2026, 6, 1), 9), tick=False):
        return new_problem(world, found_on=dt.date(2026, 6, 1), deadline=deadline)


def _light(problem: Problem) -> str:
    return Problem.objects.get(pk=problem.pk).light


@pytest.mark.parametrize(
    ("moment", "light"),
    [
        (_at(dt.date(2026, 6, 26), 23, 59), Light.GREEN),
        (_at(dt.date(2026, 6, 27), 0, 0), Light.YELLOW),
        (_at(DEADLINE, 23, 59), Light.YELLOW),
        (_at(dt.date(2026, 7, 1), 0, 0), Light.RED),
        (_at(dt.date(2026, 7, 1), 0, 30), Light.RED),
    ],
)
def test_light_at_the_edges_of_the_day(world: World, moment: dt.datetime, light: str) -> None:
    problem = _problem(world)
    with time_machine.travel(moment, tick=False):
        services.refresh_lights()
    assert _light(problem) == light


def test_shanghai_midnight_not_utc_midnight_turns_red(world: World) -> None:
    """At 00:30 on 1 July in Shanghai it is 16:30 on 30 June in UTC."""
    problem = _problem(world)
    moment = _at(dt.date(2026, 7, 1), 0, 30)
    assert moment.astimezone(dt.UTC).date() == DEADLINE
    with time_machine.travel(moment, tick=False):
        counts = services.refresh_lights()
    assert counts["red"] == 1
    assert _light(problem) == Light.RED


def test_counts_only_what_changed_and_second_run_is_idle(world: World) -> None:
    red = _problem(world, dt.date(2026, 6, 9))
    yellow = _problem(world, dt.date(2026, 6, 12))
    green = _problem(world, dt.date(2026, 8, 1))
    with time_machine.travel(_at(dt.date(2026, 6, 10), 1), tick=False):
        assert services.refresh_lights() == {"red": 1, "yellow": 1, "green": 0}
        assert services.refresh_lights() == {"red": 0, "yellow": 0, "green": 0}
    assert [_light(p) for p in (red, yellow, green)] == [Light.RED, Light.YELLOW, Light.GREEN]


def test_explicit_date_overrides_the_clock(world: World) -> None:
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 2), 1), tick=False):
        services.refresh_lights(dt.date(2026, 7, 5))
    assert _light(problem) == Light.RED


def test_closed_problem_turns_green_even_when_late(world: World) -> None:
    with time_machine.travel(_at(dt.date(2026, 6, 1), 9), tick=False):
        problem = new_problem(world, found_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 6, 5))
        problem = services.claim(world.leader_a, problem)
        services.report_progress(world.liaison_a, problem, text="完成", files=[png()])
        services.request_closure(world.leader_a, problem, summary="完成")
    with time_machine.travel(_at(dt.date(2026, 6, 10), 1), tick=False):
        services.refresh_lights()
        assert _light(problem) == Light.RED
        problem = services.approve_closure(world.office_city, problem)
        assert problem.light == Light.GREEN
        Problem.objects.filter(pk=problem.pk).update(light=Light.RED)
        assert services.refresh_lights()["green"] == 1
    assert _light(problem) == Light.GREEN


def test_each_campaign_uses_its_own_warning_days(world: World) -> None:
    Campaign.objects.filter(pk=world.campaign.pk).update(yellow_days=7)
    world.campaign.refresh_from_db()
    problem = _problem(world)
    with time_machine.travel(_at(dt.date(2026, 6, 23), 1), tick=False):
        services.refresh_lights()
    assert _light(problem) == Light.YELLOW
    with time_machine.travel(_at(dt.date(2026, 6, 22), 23, 59), tick=False):
        services.refresh_lights()
    assert _light(problem) == Light.GREEN


def test_sweep_agrees_with_the_pure_rule(world: World) -> None:
    problems = [_problem(world, dt.date(2026, 6, 1) + dt.timedelta(days=n)) for n in range(0, 40, 3)]
    services.claim(world.leader_a, problems[0])
    on = dt.date(2026, 6, 15)
    services.refresh_lights(on)
    for problem in Problem.objects.all():
        assert problem.light == workflow.light_for(problem.state, problem.deadline, on, 3), problem.deadline
    assert Problem.objects.filter(state=State.RECTIFYING).count() == 1
