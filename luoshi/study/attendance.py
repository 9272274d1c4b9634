"""The one writer of attendance (考勤): roster sign-in, scan sign-in and approved leave all end here.

One row per session and member. A sign-in after the session's start (``starts_at`` plus ``LATE_AFTER``) is
late; a member already present keeps the earlier sign-in (a second scan changes nothing).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.members.models import Member
from luoshi.study.choices import ATTENDED, AttendanceStatus, SignInMethod
from luoshi.study.models import Attendance, StudySession

LATE_AFTER = dt.timedelta(minutes=10)


def status_at(session: StudySession, when: dt.datetime) -> str:
    """出席 or 迟到 for a sign-in at ``when`` (local time): late once ``LATE_AFTER`` past the start."""
    if session.starts_at is None:
        return AttendanceStatus.PRESENT
    start = timezone.make_aware(dt.datetime.combine(session.date, session.starts_at))
    return AttendanceStatus.LATE if when > start + LATE_AFTER else AttendanceStatus.PRESENT


def mark(
    session: StudySession,
    member: Member,
    status: str,
    *,
    method: str = SignInMethod.ROSTER,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> tuple[Attendance, bool]:
    """Set the member's attendance at the session; (row, changed). An attended row is not downgraded by a scan."""
    at = at or timezone.now()
    fields = {"status": status, "method": method, "at": at, "recorded_by": actor}
    found = Attendance.objects.filter(session=session, member=member).first()
    if found is None:
        try:
            with transaction.atomic():
                row = Attendance.objects.create(
                    campaign_id=session.campaign_id, session=session, member=member, org_path=member.org_path, **fields
                )
            return row, True
        except IntegrityError:  # a concurrent sign-in of the same member won the race
            found = Attendance.objects.get(session=session, member=member)
    if found.status == status or (method == SignInMethod.QR and found.status in ATTENDED):
        return found, False
    for name, value in fields.items():
        setattr(found, name, value)
    found.save(update_fields=[*fields])
    return found, True
