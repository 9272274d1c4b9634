"""The read side of classes of study: classes with half-days held and planned, sessions, rosters with marks,
pending leave requests, rotations, all scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign, CampaignQuerySet
from luoshi.campaigns.queries import visible_campaigns
from luoshi.members.models import Member
from luoshi.study.models import (
    Attendance,
    ClassMember,
    LeaveRequest,
    StudyClass,
    StudySession,
    TrainingRotation,
)
from luoshi.tracking.choices import RequestState


def campaign_choices(user: Any) -> CampaignQuerySet:
    return visible_campaigns(user).order_by("-starts_on", "-id")


def with_half_days(classes: QuerySet[StudyClass], today: dt.date | None = None) -> QuerySet[StudyClass]:
    """Annotates ``planned`` (sessions) and ``held`` (sessions on or before today) half-days."""
    today = today or timezone.localdate()
    return classes.annotate(
        planned=Count("sessions", distinct=True),
        held=Count("sessions", filter=Q(sessions__date__lte=today), distinct=True),
    )


def classes_for(user: Any, perm: str = Perm.VIEW) -> QuerySet[StudyClass]:
    found: QuerySet[StudyClass] = StudyClass.objects.visible_to(user, perm)
    return found.select_related("campaign", "unit", "rotation")


def below_minimum(user: Any, campaign: Campaign, today: dt.date | None = None) -> QuerySet[StudyClass]:
    """The campaign's classes (that the user sees) whose planned half-days fall short of their minimum."""
    found = with_half_days(classes_for(user).filter(campaign=campaign, min_half_days__gt=0), today)
    return found.filter(planned__lt=F("min_half_days")).order_by("org_path", "id")  # type: ignore[misc]


def sessions_for(user: Any, perm: str = Perm.VIEW) -> QuerySet[StudySession]:
    found: QuerySet[StudySession] = StudySession.objects.visible_to(user, perm)
    return found.filter(study_class__isnull=False).select_related("study_class", "campaign")


def rotations_for(user: Any) -> QuerySet[TrainingRotation]:
    found: QuerySet[TrainingRotation] = TrainingRotation.objects.visible_to(user, Perm.VIEW)
    return found.select_related("campaign", "unit")


def pending_leaves(user: Any) -> QuerySet[LeaveRequest]:
    """Leave requests the user may decide: pending, over their ORGANISE_STUDY scope, not their own."""
    found: QuerySet[LeaveRequest] = LeaveRequest.objects.visible_to(user, Perm.ORGANISE_STUDY)
    return (
        found.filter(state=RequestState.PENDING)
        .exclude(requested_by=user)
        .select_related("session__study_class", "member", "requested_by")
    )


@dataclass(frozen=True)
class RosterRow:
    member: Member
    status: str
    method: str


def roster_rows(session: StudySession) -> list[RosterRow]:
    """Each expected member of the session's class with their mark ('' when none yet)."""
    marks = {a.member_id: a for a in Attendance.objects.filter(session=session).only("member_id", "status", "method")}
    roster = (
        ClassMember.objects.filter(study_class_id=session.study_class_id)
        .select_related("member__unit")
        .order_by("member__org_path", "member__number")
    )
    rows = []
    for entry in roster:
        found = marks.get(entry.member_id)
        rows.append(RosterRow(entry.member, found.status if found else "", found.method if found else ""))
    return rows


def attendance_counts(session: StudySession) -> dict[str, int]:
    counted = Attendance.objects.filter(session=session).order_by().values_list("status").annotate(n=Count("id"))
    return dict(counted)


def own_member(user: Any) -> Member | None:
    """The register entry of the user's own login, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


def my_sessions(member: Member, today: dt.date | None = None) -> QuerySet[StudySession]:
    """Upcoming sessions of the classes the member is expected at (for 请假 by their own login)."""
    today = today or timezone.localdate()
    classes = ClassMember.objects.filter(member=member).values("study_class_id")
    return (
        StudySession.objects.filter(study_class_id__in=classes, date__gte=today)
        .select_related("study_class")
        .order_by("date", "half")
    )
