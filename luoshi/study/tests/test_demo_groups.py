"""The demo's open study groups: groups over the tree's streets with members, meetings and attendance."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

from luoshi.demo import studygroups
from luoshi.members.choices import MemberKind
from luoshi.study.models import Attendance, GroupMembership, StudyGroup, StudySession
from luoshi.study.tests import signin_factory as f


def build(world: Any, top: Any, seed: int) -> list[str]:
    demo, tree, cast = SimpleNamespace(campaign=world.campaign), SimpleNamespace(city=top), None
    return studygroups.build_study_groups(demo, tree, cast, None, random.Random(seed), dt.date(2026, 6, 1))  # type: ignore[arg-type]


def test_build_study_groups(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(studygroups, "GROUPS", 3)
    for _i in range(5):
        f.member(world.district_a, kind=MemberKind.MOBILE, home_unit=world.district_b, current_unit=world.street_a)
    for _i in range(10):
        f.member(world.street_a)
    lines = build(world, world.city, 3)
    assert StudyGroup.objects.count() == 3
    assert "开放式学习小组 3 个" in lines[0]
    assert "山东德州 426 个" in lines[0]
    joined = GroupMembership.objects.select_related("member")
    assert joined.count() >= 3 * studygroups.MEMBERS[0]
    assert joined.filter(member__kind=MemberKind.MOBILE).count() == 5  # mobile members placed first
    assert StudySession.objects.filter(group__isnull=False).count() == 9
    assert Attendance.objects.filter(session__date__lt=dt.date(2026, 6, 1)).count() == joined.count() * 2
    assert not Attendance.objects.filter(session__date__gt=dt.date(2026, 6, 1)).exists()


def test_nothing_without_hosts(world: Any) -> None:
    assert build(world, world.district_b, 1) == []
