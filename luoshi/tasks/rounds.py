"""Reporting rounds (报送轮次), computed from the cycle and the day an assignment was signed; no database.

Rounds follow the calendar: a week runs Monday to Sunday, a half month from the 1st to the 15th and from
the 16th to its last day, a month from its first to its last day; the first round starts on the day the
assignment was signed. A task reported once (一次) has one round, from the signing day to the deadline.
A round that ended before today without a report is missed (未报送).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from luoshi.tasks.choices import Cycle

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Round:
    number: int
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class RoundStatus:
    round: Round
    reported: bool
    missed: bool
    current: bool


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(cycle: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period of ``cycle`` that holds ``day`` (for ``once``: the day itself)."""
    if cycle == Cycle.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if cycle == Cycle.SEMIMONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _month_end(day)
    if cycle == Cycle.MONTHLY:
        return day.replace(day=1), _month_end(day)
    return day, day


def rounds(cycle: str, start: dt.date, until: dt.date, due: dt.date) -> list[Round]:
    """Every round that began on or before ``until``, the first starting on ``start``."""
    if start > until:
        return []
    if cycle == Cycle.ONCE:
        return [Round(1, start, max(due, start))]
    found: list[Round] = []
    day = start
    while day <= until:
        _first, end = period_of(cycle, day)
        found.append(Round(len(found) + 1, day, end))
        day = end + DAY
    return found


def round_status(
    cycle: str,
    start: dt.date | None,
    today: dt.date,
    due: dt.date,
    reports: Iterable[dt.date],
    stop: dt.date | None = None,
) -> list[RoundStatus]:
    """Each round up to today (or up to ``stop``, the day the work ended): reported, missed or current."""
    if start is None:
        return []
    last = today if stop is None else min(today, stop)
    days = sorted(reports)
    found = []
    for item in rounds(cycle, start, last, due):
        reported = any(item.holds(day) for day in days)
        ended = item.end < last
        found.append(RoundStatus(item, reported, ended and not reported, item.holds(today) and stop is None))
    return found


def missed_count(
    cycle: str, start: dt.date | None, today: dt.date, due: dt.date, reports: Iterable[dt.date], stop: dt.date | None
) -> int:
    return sum(1 for status in round_status(cycle, start, today, due, reports, stop) if status.missed)


def current_round_start(cycle: str, today: dt.date) -> dt.date | None:
    """The first day of the round holding ``today`` for an assignment signed before it (None for ``once``)."""
    if cycle == Cycle.ONCE:
        return None
    return period_of(cycle, today)[0]
