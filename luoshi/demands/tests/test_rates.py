"""The three rates, the composite score, the ranking and the red/black thresholds, on hand-computed cases."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.demands import rates, rollups
from luoshi.demands.models import Category, Company, Project
from luoshi.demands.rates import Figures, Period, RateSettings
from luoshi.orgs.models import Unit
from luoshi.orgs.services import create_unit
from luoshi.testing.world import World

OCTOBER = Period.month(2026, 10)
DEFAULTS = RateSettings.configured()


def fig(**counts: int) -> Figures:
    return Figures(**counts)


# --- the formulas --------------------------------------------------------------------------------------


def test_each_rate_divides_its_numerator_by_its_denominator() -> None:
    f = fig(received=10, response_due=8, responded_on_time=6, finished=5, resolved=4, rated=4, satisfied=2, basic=1)
    assert rates.response_timeliness_rate(f) == Fraction(6, 8)
    assert rates.resolution_rate(f) == Fraction(4, 5)
    assert rates.satisfaction_rate(f) == Fraction(3, 4)


@pytest.mark.django_db
def test_a_rate_without_denominator_is_none_not_zero() -> None:
    f = fig(received=3)
    assert rates.rates_of(f) == {rates.TIMELINESS: None, rates.RESOLUTION: None, rates.SATISFACTION: None}
    assert rates.composite_score(f) is None


@pytest.mark.django_db
def test_composite_score_weights_30_35_35_by_default() -> None:
    f = fig(response_due=4, responded_on_time=3, finished=4, resolved=3, rated=3, satisfied=1, basic=1)
    expected = (Fraction(30) * Fraction(3, 4) + 35 * Fraction(3, 4) + 35 * Fraction(2, 3)) / 100
    assert rates.composite_score(f) == expected
    assert float(expected) == pytest.approx(0.720833, abs=1e-6)


@pytest.mark.django_db
def test_composite_score_spreads_the_weights_over_the_rates_that_exist() -> None:
    f = fig(response_due=2, responded_on_time=1, finished=1, resolved=1)
    assert rates.composite_score(f) == (30 * Fraction(1, 2) + 35 * 1) / 65


@pytest.mark.django_db
def test_weights_and_thresholds_come_from_settings(settings: Any) -> None:
    settings.DEMAND_RATES = {"weights": {"timeliness": 50, "resolution": 25, "satisfaction": 25}}
    settings.DEMAND_RATES["black_below"] = {"satisfaction": 90}
    config = RateSettings.current()
    assert config.weights == {
        "timeliness": Fraction(1, 2),
        "resolution": Fraction(1, 4),
        "satisfaction": Fraction(1, 4),
    }
    assert config.black_below == {
        "timeliness": Fraction(95, 100),
        "resolution": Fraction(4, 5),
        "satisfaction": Fraction(9, 10),
    }
    assert config.red_from == DEFAULTS.red_from
    f = fig(response_due=1, responded_on_time=1, finished=1, resolved=0, rated=1, satisfied=1)
    assert rates.composite_score(f, config.weights) == Fraction(3, 4)


# --- the red/black thresholds at their edges ------------------------------------------------------------


def _all_good(**overrides: int) -> Figures:
    counts = {"response_due": 100, "responded_on_time": 100, "finished": 100, "resolved": 100, "rated": 100}
    counts |= {"satisfied": 100}
    return fig(**{**counts, **overrides})


@pytest.mark.parametrize(
    ("overrides", "status", "failed"),
    [
        ({"responded_on_time": 95, "resolved": 95, "satisfied": 95}, "", []),  # exactly 95 %: not black, not red
        ({"responded_on_time": 94}, rates.BLACK, ["timeliness"]),
        ({"resolved": 80}, "", []),  # exactly 80 %
        ({"resolved": 79}, rates.BLACK, ["resolution"]),
        ({"satisfied": 70, "basic": 10}, "", []),  # 满意 + 基本满意 = exactly 80 %
        ({"satisfied": 79}, rates.BLACK, ["satisfaction"]),
        ({"responded_on_time": 90, "resolved": 70, "satisfied": 60}, rates.BLACK, list(rates.RATE_NAMES)),
        ({"responded_on_time": 99, "resolved": 95, "satisfied": 90, "basic": 5}, rates.RED, []),  # red marks exactly
        ({"responded_on_time": 98, "resolved": 95, "satisfied": 95}, "", []),
        ({"responded_on_time": 99, "resolved": 94, "satisfied": 95}, "", []),
        ({"responded_on_time": 99, "resolved": 95, "satisfied": 94}, "", []),
    ],
)
def test_red_and_black_at_the_edges(overrides: dict[str, int], status: str, failed: list[str]) -> None:
    got, failures = rates.classify(_all_good(**overrides), DEFAULTS)
    assert got == status
    assert [f.rate for f in failures] == failed


def test_one_in_a_thousand_below_the_black_threshold_is_black() -> None:
    f = _all_good(response_due=1000, responded_on_time=949)
    status, failures = rates.classify(f, DEFAULTS)
    assert status == rates.BLACK
    assert failures[0].value == Fraction(949, 1000)
    assert failures[0].threshold == Fraction(95, 100)


def test_red_needs_all_three_rates() -> None:
    f = fig(response_due=10, responded_on_time=10, finished=10, resolved=10)
    assert rates.classify(f, DEFAULTS) == ("", [])


# --- rankings and lists over rollup rows ---------------------------------------------------------------


def _rollup(
    unit: Unit, day: dt.date = dt.date(2026, 10, 5), company_key: int = 0, project_key: int = 0, **counts: int
) -> None:
    """Rollup rows as a bulk import of tickets with these summed counts would leave them."""
    category = Category.objects.order_by("pk").first()
    assert category is not None
    key = rollups.RollupKey(day, unit.pk, category.pk, company_key, project_key, unit.path)
    rollups.add_new([rollups.Facts(key, tuple(counts.get(name, 0) for name in rollups.COUNTS))])


def _score_counts(on_time: int) -> dict[str, Any]:
    return {"received": 10, "response_due": 10, "responded_on_time": on_time, "finished": 10, "resolved": 10}


@pytest.fixture
def five_districts(world: World) -> list[Unit]:
    kind = world.district_a.kind
    more = [create_unit(None, name=f"第{i}区", code=f"DX{i}", kind=kind, parent=world.city) for i in range(3)]
    return [world.district_a, world.district_b, *more]


def test_ranking_orders_children_by_score_and_names_the_three_lowest(world: World, five_districts: list[Unit]) -> None:
    a, b, c, d, e = five_districts
    for unit, on_time in ((a, 10), (b, 6), (c, 9), (d, 7), (e, 8)):
        _rollup(unit, **_score_counts(on_time))
    _rollup(world.street_a, **_score_counts(0))  # counts for its district 东城区
    _rollup(b, day=dt.date(2026, 9, 30), **_score_counts(10))  # outside the period
    rows = rates.ranking(world.city, OCTOBER)
    assert [r.entity for r in rows] == [c, e, d, b, a]  # 东城区: 10 of 20 on time
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    assert rows[4].figures.received == 20
    assert rows[4].rates[rates.TIMELINESS] == Fraction(1, 2)
    assert rows[3].rates[rates.TIMELINESS] == Fraction(6, 10)
    assert rows[0].score == (30 * Fraction(9, 10) + 35) / 65
    assert [r.entity for r in rates.lowest_named(rows)] == [a, b, d]
    assert [r.lowest for r in rows] == [False, False, True, True, True]


def test_children_without_tickets_are_listed_unranked_last(world: World, five_districts: list[Unit]) -> None:
    _rollup(five_districts[4], **_score_counts(9))
    rows = rates.ranking(world.city, OCTOBER)
    assert rows[0].entity == five_districts[4]
    assert rows[0].rank == 1
    assert [r.rank for r in rows[1:]] == [None] * 4
    assert rates.lowest_named(rows) == []


def test_the_parents_own_tickets_do_not_rank_it_among_its_children(world: World) -> None:
    _rollup(world.city, **_score_counts(0))
    rows = rates.ranking(world.city, OCTOBER)
    assert {r.entity for r in rows} == {world.district_a, world.district_b}
    assert all(r.score is None for r in rows)


def test_red_black_list_of_companies_and_projects(world: World) -> None:
    path = world.district_a.path
    good = Company.objects.create(
        name="安居物业", credit_code="91000000000000001A", unit=world.district_a, org_path=path
    )
    bad = Company.objects.create(
        name="劣质物业", credit_code="91000000000000002B", unit=world.district_a, org_path=path
    )
    estate = Project.objects.create(name="幸福小区", company=bad, unit=world.street_a, org_path=world.street_a.path)
    _rollup(world.street_a, company_key=good.pk, rated=10, satisfied=10, **_score_counts(10))
    _rollup(world.street_a, company_key=bad.pk, project_key=estate.pk, rated=10, satisfied=7, **_score_counts(10))
    _rollup(world.district_b, company_key=bad.pk, rated=10, satisfied=10, **_score_counts(10))
    companies = {r.entity: r for r in rates.red_black("companies", world.district_a, OCTOBER)}
    assert companies[good].status == rates.RED
    assert companies[bad].status == rates.BLACK
    assert [(f.rate, f.value) for f in companies[bad].failures] == [("satisfaction", Fraction(7, 10))]
    projects = rates.red_black("projects", world.district_a, OCTOBER)
    assert [(r.entity, r.status) for r in projects] == [(estate, rates.BLACK)]
    city_wide = {r.entity: r for r in rates.red_black("companies", world.city, OCTOBER)}
    assert city_wide[bad].rates[rates.SATISFACTION] == Fraction(17, 20)
    assert city_wide[bad].status == ""


def test_rates_read_rollups_only_never_the_tickets(world: World, five_districts: list[Unit]) -> None:
    for unit in five_districts:
        _rollup(unit, company_key=0, **_score_counts(9))
    with CaptureQueriesContext(connection) as queries:
        rows = rates.ranking(world.city, OCTOBER)
        rates.figures(rates.rollups_in(OCTOBER, world.city.path))
        for kind in rates.LIST_KINDS:
            rates.red_black(kind, world.city, OCTOBER)
    assert len(rows) == 5
    touched = [q["sql"] for q in queries.captured_queries if re.search(r'"demands_demand"', q["sql"])]
    assert not touched
    assert any("demands_demandrollup" in q["sql"] for q in queries.captured_queries)


def test_period_of_a_month_and_fallback() -> None:
    assert Period.parse_month("2024-02", dt.date(2026, 1, 1)) == Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert Period.parse_month("2024-13", dt.date(2026, 3, 9)).key == "2026-03"
    assert Period.parse_month("<script>", dt.date(2026, 3, 9)).key == "2026-03"
    assert Period.parse_month(None, dt.date(2026, 3, 9)).end == dt.date(2026, 3, 31)
