"""The calendar feed (.ics) of an open study group: one event per meeting, with the place and a link back.

The feed's address carries the group's ``feed_token`` (the token is the secret; no login), so a member can
subscribe from any calendar app. Times are local (Asia/Shanghai); a meeting without a start time takes its
half-day's usual hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from icalendar import Calendar, Event, vGeo

from luoshi.study.choices import HalfDay
from luoshi.study.models import StudyGroup, StudySession

HALF_DAY_HOURS: dict[str, tuple[dt.time, dt.time]] = {
    HalfDay.MORNING: (dt.time(9, 0), dt.time(12, 0)),
    HalfDay.AFTERNOON: (dt.time(14, 30), dt.time(17, 30)),
    HalfDay.EVENING: (dt.time(19, 0), dt.time(21, 0)),
}
UID_DOMAIN = "luoshi.study"


def meeting_times(meeting: StudySession) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a meeting, aware in the local time zone."""
    start, end = HALF_DAY_HOURS.get(meeting.half, HALF_DAY_HOURS[HalfDay.MORNING])
    length = dt.datetime.combine(meeting.date, end) - dt.datetime.combine(meeting.date, start)
    begins = dt.datetime.combine(meeting.date, meeting.starts_at or start)
    zone = timezone.get_current_timezone()
    return timezone.make_aware(begins, zone), timezone.make_aware(begins + length, zone)


def group_calendar(group: StudyGroup, absolute: Callable[[str], str], group_path: str) -> bytes:
    """The group's meetings as an iCalendar file; ``absolute`` makes a path into a full URL."""
    link = absolute(group_path)
    calendar = Calendar()
    calendar.add("prodid", "-//Luoshi//Study groups//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", group.name)
    calendar.add("x-wr-timezone", str(timezone.get_current_timezone()))
    for meeting in group.sessions.order_by("date", "half", "id"):
        calendar.add_component(_event(group, meeting, link))
    return calendar.to_ical()


def _event(group: StudyGroup, meeting: StudySession, link: str) -> Event:
    start, end = meeting_times(meeting)
    event = Event()
    event.add("uid", f"study-group-{group.pk}-meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{group.name}：{meeting.title or group.topic}")
    event.add("location", meeting.place or group.address)
    if group.latitude is not None and group.longitude is not None:
        event.add("geo", vGeo((float(group.latitude), float(group.longitude))))
    event.add("url", link)
    event.add("description", f"{group.topic}\n{group.schedule}\n{link}".replace("\n\n", "\n"))
    return event
