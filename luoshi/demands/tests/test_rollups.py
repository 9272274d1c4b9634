"""Daily rollups (日汇总) follow the tickets through the real services and equal a recomputation from raw tickets."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.demands import rates, rollups, services, workflow
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import Category, Company, Demand, DemandMonthRollup, DemandRollup, Project
from luoshi.demands.rates import Period
from luoshi.demands.tests.lifecycle import category
from luoshi.demands.tests.rate_helpers import SHANGHAI, handled, handler_for, new_ticket, oct_
from luoshi.orgs.models import Unit
from luoshi.orgs.services import move_unit
from luoshi.testing.world import World

OCTOBER = Period.month(2026, 10)

settings.register_profile(
    "luoshi-rollups-ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[p for p in Phase if p != Phase.shrink],
)
settings.register_profile(
    "luoshi-rollups-thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = settings.get_profile("luoshi-rollups-" + os.environ.get("LUOSHI_HYPOTHESIS_PROFILE", "ci"))


def stored_rows() -> list[tuple[Any, ...]]:
    """Every rollup row holding a ticket, as comparable tuples."""
    fields = ("day", "unit_id", "category_id", "company_key", "project_key", "org_path", *rollups.COUNTS)
    rows = DemandRollup.objects.filter(received__gt=0).values_list(*fields)
    return sorted(rows)


def recomputed() -> list[tuple[Any, ...]]:
    keys = ("day", "unit_id", "category_id", "company_key", "project_key", "org_path", *rollups.COUNTS)
    return sorted(tuple(getattr(row, k) for k in keys) for row in rollups.recomputed_rows())


def stored_month_rows() -> list[tuple[Any, ...]]:
    fields = ("month", "unit_id", "org_path", *rollups.COUNTS)
    return sorted(DemandMonthRollup.objects.filter(received__gt=0).values_list(*fields))


def month_sums_of_raw_tickets() -> list[tuple[Any, ...]]:
    """Monthly subtree rows summed by hand over raw tickets: each ticket counts for its unit and every ancestor."""
    units = {unit.pk: unit for unit in Unit.objects.all()}
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in rollups.recomputed_rows():
        unit: Unit | None = units[row.unit_id]
        while unit is not None:
            counts = sums.setdefault((row.day.replace(day=1), unit.pk, unit.path), [0] * len(rollups.COUNTS))
            for i, name in enumerate(rollups.COUNTS):
                counts[i] += getattr(row, name)
            unit = units.get(unit.parent_id) if unit.parent_id else None
    return sorted((*key, *counts) for key, counts in sums.items())


def assert_rollups_match_tickets() -> None:
    assert stored_rows() == recomputed()
    assert stored_month_rows() == month_sums_of_raw_tickets()


def test_rates_of_real_tickets_match_the_hand_computed_figures(world: World) -> None:
    """东城街道: 4 contacts judged, 3 on time; 4 finished, 3 resolved; 3 rated, 2 satisfied or basic."""
    late = services.sign(
        world.handler_a, services.dispatch(world.dispatcher_city, new_ticket(world, oct_(3)), unit=world.street_a)
    )
    services.sweep_breaches(timezone.now() + dt.timedelta(days=40))
    late = services.respond(world.handler_a, late, note="晚了")
    late = services.finish(world.handler_a, late, outcome=Outcome.UNRESOLVED, explanation="无法解决")
    services.call_back(world.dispatcher_city, late, satisfaction=Satisfaction.UNSATISFIED)
    handled(world, oct_(1, 0), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, oct_(31, 23), world.street_a, Outcome.RESOLVED, Satisfaction.BASIC)
    handled(world, oct_(15), world.street_a, Outcome.RESOLVED)
    handled(world, oct_(9), world.district_b, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, dt.datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI), world.district_b, Outcome.UNRESOLVED)
    new_ticket(world, oct_(2))  # still with the city's dispatcher: not a child's ticket

    rows = {r.entity: r for r in rates.ranking(world.city, OCTOBER)}
    a, b = rows[world.district_a], rows[world.district_b]
    assert a.figures == rates.Figures(
        received=4, response_due=4, responded_on_time=3, finished=4, resolved=3, rated=3, satisfied=1, basic=1
    )
    assert a.rates == {"timeliness": Fraction(3, 4), "resolution": Fraction(3, 4), "satisfaction": Fraction(2, 3)}
    assert a.status == rates.BLACK
    assert [f.rate for f in a.failures] == ["timeliness", "resolution", "satisfaction"]
    assert b.figures.received == 1
    assert b.status == rates.RED
    assert [r.entity for r in rates.ranking(world.city, OCTOBER)] == [world.district_b, world.district_a]
    assert rates.figures(rates.rollups_in(OCTOBER)).received == 6
    assert_rollups_match_tickets()


def test_a_ticket_moves_between_rows_when_dispatched_and_returned(world: World) -> None:
    demand = new_ticket(world, oct_(5))
    assert list(DemandRollup.objects.values_list("unit_id", "received")) == [(world.city.pk, 1)]
    demand = services.dispatch(world.dispatcher_city, demand, unit=world.street_a)
    assert list(DemandRollup.objects.values_list("unit_id", "org_path", "received")) == [
        (world.street_a.pk, world.street_a.path, 1)
    ]
    services.return_demand(world.handler_a, demand, reason="不属于本单位职责")
    assert list(DemandRollup.objects.values_list("unit_id", "received")) == [(world.city.pk, 1)]
    assert_rollups_match_tickets()


def test_redo_takes_back_the_outcome_and_the_rating(world: World) -> None:
    demand = handled(world, oct_(6), world.district_a, Outcome.RESOLVED, Satisfaction.UNSATISFIED)
    row = DemandRollup.objects.get()
    assert (row.finished, row.resolved, row.rated, row.satisfied) == (1, 1, 1, 0)
    services.redo(world.dispatcher_city, demand, reason="群众不满意")
    row.refresh_from_db()
    assert (row.received, row.response_due, row.finished, row.resolved, row.rated) == (1, 1, 0, 0, 0)


def test_the_day_is_the_local_day_received(world: World) -> None:
    new_ticket(world, dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC))  # 00:30 on 1 November in 东八区
    new_ticket(world, dt.datetime(2026, 10, 31, 15, 59, tzinfo=dt.UTC))
    assert sorted(DemandRollup.objects.values_list("day", "received")) == [
        (dt.date(2026, 10, 31), 1),
        (dt.date(2026, 11, 1), 1),
    ]
    assert_rollups_match_tickets()


def test_rebuild_rollups_command_restores_the_rows(world: World) -> None:
    handled(world, oct_(7), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, oct_(8), world.district_b)
    expected = stored_rows()
    expected_months = stored_month_rows()
    DemandRollup.objects.update(received=7, satisfied=0)
    DemandMonthRollup.objects.update(received=9)
    DemandRollup.objects.create(day=dt.date(2020, 1, 1), unit=world.city, org_path=world.city.path, category=category())
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert stored_rows() == expected
    assert stored_month_rows() == expected_months
    assert DemandRollup.objects.count() == 2
    assert "2 行" in out.getvalue()


def test_moving_a_unit_moves_its_rollup_rows(world: World) -> None:
    handled(world, oct_(7), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    move_unit(world.office_city, world.street_a, world.district_b)
    world.street_a.refresh_from_db()
    assert set(DemandRollup.objects.values_list("org_path", flat=True)) == {world.street_a.path}
    assert world.street_a.path.startswith(world.district_b.path)
    assert_rollups_match_tickets()


# --- property: any history of tickets keeps rollups = recomputation -----------------------------------


@dataclass
class Stage:
    world: World
    units: list[Unit]
    categories: list[Category]
    companies: list[Company | None]
    projects: list[Project]


def _stage(world: World) -> Stage:
    path = world.district_a.path
    company = Company.objects.create(
        name="安居物业", credit_code="91000000000000001A", unit=world.district_a, org_path=path
    )
    other = Company.objects.create(
        name="宜家物业", credit_code="91000000000000002B", unit=world.district_a, org_path=path
    )
    estate = Project.objects.create(name="幸福小区", company=company, unit=world.street_a, org_path=world.street_a.path)
    categories = list(Category.objects.order_by("pk")[:2])
    units = [world.district_a, world.street_a, world.district_b]
    return Stage(world, units, categories, [None, company, other], [estate])


def _receive(s: Stage, n: int) -> None:
    project = s.projects[0] if n % 5 == 4 else None
    at = dt.datetime(2026, 10, 1, tzinfo=SHANGHAI) + dt.timedelta(hours=7 * n + n % 3)
    company = None if project else s.companies[n % 3]
    new_ticket(s.world, at, category=s.categories[n % 2], company=company, project=project)


def _act(s: Stage, action: str, demand: Demand, n: int, k: int = 0) -> None:
    w = s.world
    handler = handler_for(w, demand)
    steps: dict[str, Callable[[], Any]] = {
        "dispatch": lambda: services.dispatch(w.dispatcher_city, demand, unit=s.units[n % 3]),
        "sign": lambda: services.sign(handler, demand),
        "respond": lambda: services.respond(handler, demand, note="已联系"),
        "finish": lambda: services.finish(handler, demand, outcome=Outcome.values[k % 2], explanation="已办理"),
        "return": lambda: services.return_demand(handler, demand, reason="非本单位职责"),
        "call_back": lambda: services.call_back(w.dispatcher_city, demand, satisfaction=Satisfaction.values[k % 3]),
        "redo": lambda: services.redo(w.dispatcher_city, demand, reason="不满意"),
        "archive": lambda: services.archive(w.dispatcher_city, demand),
    }
    steps[action]()


NEXT_STEP: dict[str, Callable[[int], str]] = {
    "received": lambda n: "dispatch",
    "dispatched": lambda n: "return" if n % 4 == 3 else "sign",
    "signed": lambda n: "respond" if n % 2 else "finish",
    "responded": lambda n: "finish",
    "finished": lambda n: "archive" if n % 5 == 4 else "call_back",
    "called_back": lambda n: "redo" if n % 2 else "archive",
}
DETOURS = ("dispatch", "sign", "respond", "finish", "return", "call_back", "redo", "archive", "sweep")
ACTIONS = ("advance", "receive", "advance", "advance", "advance", "receive", "advance", *DETOURS)
history = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 11), st.integers(0, 5)), min_size=12, max_size=40)


def _advance(s: Stage, n: int, k: int) -> None:
    """Move one open ticket along its usual way (派单 → 签收 → 办理 → 办结 → 回访 → 归档/重办), or take a new one."""
    tickets = list(Demand.objects.filter(state__in=NEXT_STEP).order_by("pk"))
    if not tickets:
        _receive(s, n)
        return
    demand = tickets[n % len(tickets)]
    _act(s, NEXT_STEP[demand.state](n), demand, n, k)


def _candidates(action: str) -> list[Demand]:
    """Tickets the action may apply to, so that most steps of a history really move a ticket."""
    return list(Demand.objects.filter(state__in=workflow.TRANSITIONS[action].sources).order_by("pk"))


def _play(s: Stage, steps: list[tuple[str, int, int]]) -> int:
    moved = 0
    for action, n, k in steps:
        try:
            if action == "receive":
                _receive(s, n)
            elif action == "advance":
                _advance(s, n, k)
            elif action == "sweep":
                services.sweep_breaches(timezone.now() + dt.timedelta(hours=6 * n))
            elif tickets := _candidates(action):
                _act(s, action, tickets[n % len(tickets)], n, k)
            moved += 1
        except (RuleViolation, NotAllowed, Conflict):
            pass
    return moved


def test_random_histories_keep_rollups_equal_to_recomputation(world: World) -> None:
    stage = _stage(world)

    @PROFILE
    @given(steps=history)
    def check(steps: list[tuple[str, int, int]]) -> None:
        with transaction.atomic():
            _play(stage, steps)
            assert_rollups_match_tickets()
            assert not DemandRollup.objects.filter(received=0).exists()
            assert not DemandMonthRollup.objects.filter(received=0).exists()
            transaction.set_rollback(True)

    check()


def test_bulk_added_tickets_give_the_same_rows_as_one_by_one(world: World) -> None:
    handled(world, oct_(7), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, oct_(7), world.street_a, Outcome.UNRESOLVED, Satisfaction.UNSATISFIED)
    handled(world, dt.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), world.district_b, Outcome.RESOLVED)
    new_ticket(world, oct_(9))
    expected, expected_months = stored_rows(), stored_month_rows()
    DemandRollup.objects.all().delete()
    DemandMonthRollup.objects.all().delete()
    handled(world, oct_(8), world.street_a, Outcome.RESOLVED, Satisfaction.BASIC)  # a row that exists already

    touched = rollups.add_new(rollups.facts(d) for d in Demand.objects.exclude(received_at__day=8))
    assert touched == 3  # the two tickets of 7 October share a row
    assert_rollups_match_tickets()
    assert len(stored_rows()) == len(expected) + 1
    assert DemandMonthRollup.objects.get(unit=world.street_a).received == 3
    assert {row[:3] for row in expected_months} == {row[:3] for row in stored_month_rows()}


def test_whole_months_read_the_monthly_rows_and_other_periods_the_daily_rows(world: World) -> None:
    handled(world, oct_(1, 0), world.street_a, Outcome.RESOLVED, Satisfaction.SATISFIED)
    handled(world, oct_(20), world.street_a, Outcome.UNRESOLVED, Satisfaction.UNSATISFIED)
    by_month = {r.entity: r.figures for r in rates.ranking(world.city, OCTOBER)}
    by_days = {
        r.entity: r.figures for r in rates.ranking(world.city, Period(dt.date(2026, 10, 1), dt.date(2026, 10, 30)))
    }
    assert by_month == by_days
    assert by_month[world.district_a].received == 2
    DemandRollup.objects.all().delete()  # only the monthly rows are left
    assert rates.ranking(world.city, OCTOBER)[0].figures.received == 2
    assert rates.figures_for(OCTOBER, unit=world.district_a).received == 2
    assert rates.figures_for(Period(dt.date(2026, 10, 1), dt.date(2026, 10, 30)), unit=world.district_a).received == 0
    assert not Period(dt.date(2026, 10, 2), dt.date(2026, 10, 31)).whole_months
    assert Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).whole_months
