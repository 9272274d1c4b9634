"""Training rotations (轮训): a target group in a unit's subtree, batches (classes of kind 轮训班), completion per
person and coverage of the target group.

The target group is the register's active members of the rotation unit's subtree, of ``target_kind`` if set and
whose position contains ``target_position`` if set. A person is trained (已完成) once they attended (出席 or 迟到)
``required_half_days`` half-days across the rotation's batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study import services
from luoshi.study.choices import ATTENDED, ClassKind
from luoshi.study.models import Attendance, StudyClass, TrainingRotation

MAX_REQUIRED = 100


def _check(target_kind: str, required_half_days: int) -> int:
    if target_kind and target_kind not in MemberKind.values:
        raise RuleViolation(_("对象类别不正确。"), code="target_kind")
    if not 1 <= int(required_half_days) <= MAX_REQUIRED:
        raise RuleViolation(_("完成所需半天数应在 1 到 {most} 之间。").format(most=MAX_REQUIRED), code="required")
    return int(required_half_days)


def create_rotation(
    actor: User | None,
    *,
    campaign: Campaign,
    unit: Unit,
    title: str,
    target_kind: str = "",
    target_position: str = "",
    required_half_days: int = 1,
) -> TrainingRotation:
    """新建轮训 over a target group of the unit's subtree; by an organiser of the unit or the campaign's office."""
    if actor is not None:
        services.require_organiser(actor, campaign, unit.path)
    services.check_unit(campaign, unit)
    required = _check(target_kind, required_half_days)
    with transaction.atomic():
        made = TrainingRotation.objects.create(
            campaign=campaign,
            unit=unit,
            org_path=unit.path,
            title=services.clean_text(title, _("轮训名称"), 200),
            target_kind=target_kind,
            target_position=services.clean_text(target_position, _("对象职务"), 100, required=False),
            required_half_days=required,
            created_by=actor,
        )
        record_change(actor, made, None, detail=_("新建轮训"))
    return made


def update_rotation(
    actor: User,
    rotation: TrainingRotation,
    *,
    title: str,
    target_kind: str = "",
    target_position: str = "",
    required_half_days: int = 1,
) -> TrainingRotation:
    """修改轮训: title, target group and half-days required."""
    services.require_organiser(actor, rotation.campaign, rotation.org_path)
    required = _check(target_kind, required_half_days)
    with transaction.atomic():
        fresh = TrainingRotation.objects.select_for_update().get(pk=rotation.pk)
        before = snapshot(fresh)
        fresh.title = services.clean_text(title, _("轮训名称"), 200)
        fresh.target_kind = target_kind
        fresh.target_position = services.clean_text(target_position, _("对象职务"), 100, required=False)
        fresh.required_half_days = required
        fresh.save()
        record_change(actor, fresh, before, detail=_("修改轮训"))
    return fresh


def add_batch(actor: User | None, rotation: TrainingRotation, *, unit: Unit, topic: str) -> StudyClass:
    """A batch (期) of the rotation: a class of kind 轮训班 organised by ``unit``."""
    return services.create_class(
        actor,
        campaign=rotation.campaign,
        unit=unit,
        topic=topic,
        kind=ClassKind.ROTATION,
        min_half_days=0,
        rotation=rotation,
    )


def target_group(rotation: TrainingRotation) -> QuerySet[Member]:
    """The rotation's target group: who should be trained."""
    unit = rotation.unit
    found: QuerySet[Member] = services.register_members(
        unit, kind=rotation.target_kind, position=rotation.target_position
    )
    return found


def half_days_by_member(rotation: TrainingRotation) -> QuerySet[Any]:
    """(member_id, n) of everyone who attended any batch: half-days attended across the batches."""
    return (
        Attendance.objects.filter(session__study_class__rotation=rotation, status__in=ATTENDED)
        .order_by()
        .values("member_id")
        .annotate(n=Count("id"))
    )


def trained_ids(rotation: TrainingRotation) -> QuerySet[Any]:
    """Ids of the members who completed the rotation (whether or not in the target group)."""
    return half_days_by_member(rotation).filter(n__gte=rotation.required_half_days).values("member_id")


def completion(rotation: TrainingRotation, member: Member) -> tuple[int, bool]:
    """(half-days attended across the batches, completed) for one person."""
    n = Attendance.objects.filter(session__study_class__rotation=rotation, member=member, status__in=ATTENDED).count()
    return n, n >= rotation.required_half_days


@dataclass(frozen=True)
class RotationCoverage:
    target: int
    trained: int
    started: int
    batches: int
    attendances: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.trained / self.target, 1) if self.target else None


def rotation_coverage(rotation: TrainingRotation) -> RotationCoverage:
    """Trained / target of the target group, those who started but are not done, batches and attendances."""
    target = target_group(rotation)
    attended = Attendance.objects.filter(session__study_class__rotation=rotation, status__in=ATTENDED)
    return RotationCoverage(
        target=target.count(),
        trained=target.filter(pk__in=trained_ids(rotation)).count(),
        started=target.filter(pk__in=half_days_by_member(rotation).values("member_id")).count(),
        batches=StudyClass.objects.filter(rotation=rotation).count(),
        attendances=attended.count(),
    )


def not_trained(rotation: TrainingRotation) -> QuerySet[Member]:
    """The target group's members who have not completed the rotation yet."""
    return target_group(rotation).exclude(pk__in=trained_ids(rotation)).select_related("unit")
