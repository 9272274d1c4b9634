"""Time limits of demands (办理时限): working days with the holiday calendar, and per-category limits.

Hour limits (签收, 联系群众) run on the clock, as the hotline does; day limits (办结, 回访, 退单,
延期) count working days: Monday to Friday, minus holidays, plus make-up working days (调休上班)
from ``Holiday``. ``n`` working days after a moment end at the same clock time on the ``n``-th
working day after it; a moment on a day off counts from the start of the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from luoshi.demands.choices import DemandKind
from luoshi.demands.models import Category, Holiday

SIGN_HOURS = 2
CONTACT_HOURS = 24
URGENT_CONTACT_HOURS = 2
RESOLVE_DAYS = 5
RESOLVE_DAYS_BY_KIND = {DemandKind.INQUIRY: 1, DemandKind.COMPLAINT: 10}
CALLBACK_DAYS = 1
RETURN_DAYS = 2
MAX_EXTENSION_DAYS = 10
ESCALATE_AFTER_REDOS = 3
ESCALATE_AFTER_UNITS = 3
LIMIT_FIELDS = ("sign_hours", "contact_hours", "urgent_contact_hours", "resolve_days", "callback_days")


@dataclass(frozen=True)
class Limits:
    """The time limits that apply to one category (办理时限)."""

    sign_hours: int
    contact_hours: int
    urgent_contact_hours: int
    resolve_days: int | None  # None: by the demand's kind
    callback_days: int

    def contact(self, urgent: bool) -> int:
        return self.urgent_contact_hours if urgent else self.contact_hours

    def resolve(self, kind: str) -> int:
        if self.resolve_days is not None:
            return self.resolve_days
        return RESOLVE_DAYS_BY_KIND.get(kind, RESOLVE_DAYS)  # type: ignore[call-overload]


def limits_for(category: Category) -> Limits:
    """Each limit from the category, else its nearest ancestor that sets it, else the default."""
    found: dict[str, int | None] = dict.fromkeys(LIMIT_FIELDS)
    node: Category | None = category
    while node is not None:
        for name in LIMIT_FIELDS:
            if found[name] is None:
                found[name] = getattr(node, name)
        node = node.parent
    return Limits(
        sign_hours=_or(found["sign_hours"], SIGN_HOURS),
        contact_hours=_or(found["contact_hours"], CONTACT_HOURS),
        urgent_contact_hours=_or(found["urgent_contact_hours"], URGENT_CONTACT_HOURS),
        resolve_days=found["resolve_days"],
        callback_days=_or(found["callback_days"], CALLBACK_DAYS),
    )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


class Calendar:
    """Working days: weekdays, except ``Holiday`` rows that say otherwise. Reads the rows it needs once."""

    def __init__(self) -> None:
        self._exceptions: dict[dt.date, bool] | None = None

    def exceptions(self) -> dict[dt.date, bool]:
        if self._exceptions is None:
            self._exceptions = dict(Holiday.objects.values_list("date", "is_workday"))
        return self._exceptions

    def is_workday(self, day: dt.date) -> bool:
        return self.exceptions().get(day, day.weekday() < 5)

    def next_workday(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day


def add_hours(start: dt.datetime, hours: int) -> dt.datetime:
    return start + dt.timedelta(hours=hours)


def add_working_days(start: dt.datetime, days: int, calendar: Calendar | None = None) -> dt.datetime:
    """The moment ``days`` working days after ``start`` (see the module docstring)."""
    calendar = calendar or Calendar()
    local = timezone.localtime(start)
    if not calendar.is_workday(local.date()):
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day = calendar.next_workday(local.date())
        local = local.replace(year=day.year, month=day.month, day=day.day)
    day = local.date()
    for _ in range(days):
        day = calendar.next_workday(day)
    moment = dt.datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(moment, timezone.get_current_timezone())
