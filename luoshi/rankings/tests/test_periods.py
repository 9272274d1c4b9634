"""Periods of a ranking: months and ISO weeks, and clear errors for anything else."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import RuleViolation
from luoshi.rankings import periods
from luoshi.rankings.choices import Cycle


def test_a_month_and_a_week() -> None:
    month = periods.parse("2026-2", Cycle.MONTHLY)
    assert (month.key, month.start, month.end) == ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    week = periods.parse("2026-w45", Cycle.WEEKLY)
    assert (week.key, week.start, week.end) == ("2026-W45", dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert week.label == "2026 年第 45 周"


@pytest.mark.parametrize(
    ("text", "cycle"),
    [("2026-13", Cycle.MONTHLY), ("2026-W45", Cycle.MONTHLY), ("2026-11", Cycle.WEEKLY), ("2026-W54", Cycle.WEEKLY)],
)
def test_anything_else_is_refused_with_the_expected_format(text: str, cycle: str) -> None:
    with pytest.raises(RuleViolation, match="期次格式应为"):
        periods.parse(text, cycle)


def test_the_last_whole_period_and_the_one_before() -> None:
    today = dt.date(2026, 12, 7)
    assert periods.last_complete(Cycle.MONTHLY, today).key == "2026-11"
    assert periods.before(periods.month(2026, 1), Cycle.MONTHLY).key == "2025-12"
    assert periods.last_complete(Cycle.WEEKLY, today).key == "2026-W49"
    assert periods.before(periods.week(2026, 1), Cycle.WEEKLY).key == "2025-W52"
