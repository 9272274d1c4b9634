"""The period of a ranking: a month (``2026-11``) or an ISO week (``2026-W45``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation
from luoshi.rankings.choices import Cycle

MONTH = re.compile(r"(\d{4})-(\d{1,2})")
WEEK = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if "W" in self.key:
            year, week = self.key.split("-W")
            return _("{year} 年第 {week} 周").format(year=year, week=int(week))
        year, month = self.key.split("-")
        return _("{year} 年 {month} 月").format(year=year, month=int(month))


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(f"{year:04d}-{number:02d}", dt.date(year, number, 1), dt.date(year, number, last))


def week(year: int, number: int) -> Period:
    start = dt.date.fromisocalendar(year, number, 1)
    return Period(f"{year:04d}-W{number:02d}", start, start + dt.timedelta(days=6))


def parse(text: str, cycle: str) -> Period:
    """The period ``text`` names for a scheme of ``cycle``; a clear RuleViolation for anything else."""
    raw = (text or "").strip()
    try:
        if cycle == Cycle.WEEKLY:
            found = WEEK.fullmatch(raw)
            if found and FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
                return week(int(found[1]), int(found[2]))
        else:
            found = MONTH.fullmatch(raw)
            if found and FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
                return month(int(found[1]), int(found[2]))
    except ValueError:
        pass
    if cycle == Cycle.WEEKLY:
        raise RuleViolation(_("期次格式应为“年-W周”，如 2026-W45。"), code="bad_period")
    raise RuleViolation(_("期次格式应为“年-月”，如 2026-11。"), code="bad_period")


def last_complete(cycle: str, today: dt.date) -> Period:
    """The last whole period before ``today``: last month, or last ISO week."""
    if cycle == Cycle.WEEKLY:
        year, number, _day = (today - dt.timedelta(days=7)).isocalendar()
        return week(year, number)
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month(first.year, first.month)


def before(period: Period, cycle: str) -> Period:
    """The period just before ``period``."""
    if cycle == Cycle.WEEKLY:
        year, number, _day = (period.start - dt.timedelta(days=7)).isocalendar()
        return week(year, number)
    last = period.start - dt.timedelta(days=1)
    return month(last.year, last.month)
