"""Reporting periods: the week or month a round covers, its label (2026年第49周 / 2026年11月), and the next one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from luoshi.collection.choices import Cycle

WEEKLY_GRACE = 1  # a weekly round is due the day after its week ends (Monday)
MONTHLY_GRACE = 5  # a monthly round is due on the 5th of the following month


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date
    deadline: dt.date


def week_of(day: dt.date) -> Period:
    start = day - dt.timedelta(days=day.weekday())
    end = start + dt.timedelta(days=6)
    year, week, _ = day.isocalendar()
    return Period(f"{year}年第{week}周", start, end, end + dt.timedelta(days=WEEKLY_GRACE))


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    end = following - dt.timedelta(days=1)
    return Period(f"{day.year}年{day.month}月", start, end, following + dt.timedelta(days=MONTHLY_GRACE - 1))


def period_of(cycle: str, day: dt.date) -> Period | None:
    if cycle == Cycle.WEEKLY:
        return week_of(day)
    if cycle == Cycle.MONTHLY:
        return month_of(day)
    return None


def next_period(cycle: str, last_end: dt.date | None, today: dt.date) -> Period | None:
    """The period after the last round's (``last_end``), or the current one when there is none; None for ad hoc."""
    day = today if last_end is None else last_end + dt.timedelta(days=1)
    return period_of(cycle, day)
