"""Quiet hours (免打扰): no channel but the inbox sends inside them; what falls due then waits for their end.

``LUOSHI_NOTICE_QUIET_HOURS`` is ``"HH:MM-HH:MM"`` on the project's wall clock (``TIME_ZONE``, Asia/Shanghai);
the window may run over midnight (the default ``22:00-07:00``); empty turns quiet hours off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def window(spec: str | None = None) -> tuple[dt.time, dt.time] | None:
    """(start, end) of the configured window, or None when quiet hours are off or the setting is malformed."""
    text = (getattr(settings, "LUOSHI_NOTICE_QUIET_HOURS", "") if spec is None else spec).strip()
    if not text:
        return None
    try:
        start_text, end_text = text.split("-")
        start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
    except ValueError:
        return None
    return (start, end) if start != end else None


def quiet_until(at: dt.datetime, spec: str | None = None) -> dt.datetime | None:
    """When the quiet hours around ``at`` end (aware), or None when ``at`` is outside them."""
    found = window(spec)
    if found is None:
        return None
    start, end = found
    zone = ZoneInfo(settings.TIME_ZONE)
    local = at.astimezone(zone)
    clock = local.time()
    if start < end:  # inside one day, e.g. 12:00-14:00
        inside = start <= clock < end
        day = local.date()
    else:  # over midnight, e.g. 22:00-07:00
        inside = clock >= start or clock < end
        day = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(day, end, tzinfo=zone)


def due_time(at: dt.datetime) -> dt.datetime:
    """``at``, or the end of the quiet hours it falls in."""
    return quiet_until(at) or at
