"""Training rotations: target group, completion per person across batches, coverage of the target group."""

from __future__ import annotations

import pytest

from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.members.tests.factory import make_member
from luoshi.study import rotations, services
from luoshi.study.choices import AttendanceStatus as S
from luoshi.study.choices import ClassKind
from luoshi.study.models import TrainingRotation
from luoshi.study.tests.classes_factory import enrol, make_class, make_sessions
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def rotation(world: World, **fields: object) -> TrainingRotation:
    fields.setdefault("required_half_days", 2)
    return rotations.create_rotation(
        world.office_a,
        campaign=world.campaign,
        unit=world.district_a,
        title="基层党组织书记专题轮训",
        target_position="书记",
        **fields,  # type: ignore[arg-type]
    )


def test_completion_counts_half_days_across_batches(world: World) -> None:
    r = rotation(world)
    s1, s2, s3 = (make_member(world.street_a, position="党支部书记") for _ in range(3))
    n1 = make_member(world.street_a, position="组织委员")
    make_member(world.district_b, position="党支部书记")
    first = rotations.add_batch(world.liaison_a, r, unit=world.street_a, topic="第1期")
    second = rotations.add_batch(world.liaison_a, r, unit=world.district_a, topic="第2期")
    assert first.kind == ClassKind.ROTATION
    assert first.rotation == r
    assert first.min_half_days == 0
    a, b = make_sessions(first, 2)
    (c,) = make_sessions(second, 1)
    enrol(first, s1, s2, s3, n1)
    enrol(second, s2)
    services.mark_attendance(None, a, {s1.pk: S.PRESENT, s2.pk: S.PRESENT, s3.pk: S.LATE, n1.pk: S.PRESENT})
    services.mark_attendance(None, b, {s1.pk: S.PRESENT, s3.pk: S.ABSENT, n1.pk: S.PRESENT})
    services.mark_attendance(None, c, {s2.pk: S.LATE})
    assert rotations.completion(r, s1) == (2, True)
    assert rotations.completion(r, s2) == (2, True)  # one half-day in each batch
    assert rotations.completion(r, s3) == (1, False)
    assert set(rotations.target_group(r)) == {s1, s2, s3}
    cov = rotations.rotation_coverage(r)
    assert (cov.target, cov.trained, cov.started, cov.batches, cov.attendances) == (3, 2, 3, 2, 7)
    assert cov.rate == 66.7
    assert list(rotations.not_trained(r)) == [s3]
    assert n1.pk in {row["member_id"] for row in rotations.trained_ids(r)}  # trained, but not a target
    assert {row["member_id"]: row["n"] for row in rotations.half_days_by_member(r)}[s3.pk] == 1


def test_rotation_rules_and_scope(world: World) -> None:
    with pytest.raises(NotAllowed):
        rotations.create_rotation(world.liaison_b, campaign=world.campaign, unit=world.district_a, title="越权")
    with pytest.raises(RuleViolation):
        rotation(world, required_half_days=0)
    with pytest.raises(RuleViolation):
        rotation(world, target_kind="nobody")
    r = rotation(world)
    changed = rotations.update_rotation(world.office_a, r, title="新名称", target_position="", required_half_days=3)
    assert (changed.title, changed.target_position, changed.required_half_days) == ("新名称", "", 3)
    with pytest.raises(NotAllowed):
        rotations.update_rotation(world.office_b, r, title="越权")
    with pytest.raises(RuleViolation, match="轮训班"):
        make_class(world, rotation=r)  # a reading class cannot be a batch
    assert rotations.rotation_coverage(TrainingRotation.objects.get(pk=r.pk)).rate is None
