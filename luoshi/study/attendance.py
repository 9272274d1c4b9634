"""The one writer of attendance (考勤): roster sign-in, scan sign-in and approved leave all end here.

One row per session and member. A sign-in after the session's start (``starts_at`` plus ``LATE_AFTER``) is
late; a member already present keeps the earlier sign-in (a second scan changes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def mark_many(
    session: StudySession,
    marks: Iterable[tuple[Member, str]],
    *,
    method: str = SignInMethod.ROSTER,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> int:
    """``mark`` for a whole roster in a few queries (new rows in bulk, changed rows in bulk); how many changed."""
    at = at or timezone.now()
    wanted = list(marks)
    found = {a.member_id: a for a in Attendance.objects.filter(session=session, member__in=[m for m, _s in wanted])}
    new: list[Attendance] = []
    changed: list[Attendance] = []
    for member, status in wanted:
        row = found.get(member.pk)
        if row is None:
            new.append(
                Attendance(
                    campaign_id=session.campaign_id,
                    session=session,
                    member=member,
                    org_path=member.org_path,
                    status=status,
                    method=method,
                    at=at,
                    recorded_by=actor,
                )
            )
        elif not (row.status == status or (method == SignInMethod.QR and row.status in ATTENDED)):
            row.status, row.method, row.at, row.recorded_by = status, method, at, actor
            changed.append(row)
    try:
        with transaction.atomic():
            Attendance.objects.bulk_create(new, batch_size=1000)
            Attendance.objects.bulk_update(changed, ["status", "method", "at", "recorded_by"], batch_size=1000)
    except IntegrityError:  # a concurrent sign-in took one of the rows: one by one
        return sum(mark(session, m, s, method=method, actor=actor, at=at)[1] for m, s in wanted)
    return len(new) + len(changed)
