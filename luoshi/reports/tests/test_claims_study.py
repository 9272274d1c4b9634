"""Claims about study, the lecture menu, open study groups and suggestions are checked against the platform's
own figures: Yangzhou's "收集意见建议1.2万余条 … 读书班至少安排10个半天 … 轮训班21期，覆盖…8200多人次" and Jinan's
"5大类118项宣讲菜单，基层点单、上门送学84场次，3.3万名党员干部受教育" hold when the data holds them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.members.models import Member
from luoshi.reports import claims, services
from luoshi.reports.tests.helpers import upload
from luoshi.study.choices import AttendanceStatus, ClassKind
from luoshi.study.models import Attendance, StudyClass, StudyGroup, StudySession
from luoshi.suggestions.choices import Adoption, Source, SuggestionState
from luoshi.suggestions.models import Suggestion
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 10)
YANGZHOU = (
    "广泛开展建言献策活动，收集意见建议1.2万余条。全市县处级读书班至少安排10个半天开展集中学习；"
    "以县为单位，举办基层党组织书记专题轮训班21期，覆盖各领域基层党组织书记8200多人次。"
)
JINAN = "济南市制定5大类118项宣讲“菜单”，基层点单、上门送学84场次，3.3万名党员干部受教育。"
DEZHOU = "设立了426个“开放式党小组”，党员就近参加集中学习。"


def members(world: World, count: int) -> list[Member]:
    unit = world.street_a
    rows = [Member(unit=unit, org_path=unit.path, number=f"M{i:05d}", name=f"党员{i}") for i in range(count)]
    return Member.objects.bulk_create(rows)


def study_class(world: World, kind: str, half_days: int) -> StudyClass:
    unit = world.district_a
    made = StudyClass.objects.create(campaign=world.campaign, unit=unit, org_path=unit.path, kind=kind, topic=kind)
    StudySession.objects.bulk_create(
        StudySession(campaign=world.campaign, study_class=made, org_path=unit.path, date=DAY, secret="s" * 64)
        for _ in range(half_days)
    )
    return made


def attend(world: World, people: list[Member], sessions: list[StudySession]) -> None:
    rows = [
        Attendance(campaign=world.campaign, session=s, member=m, org_path=m.org_path, status=AttendanceStatus.PRESENT)
        for s in sessions
        for m in people
    ]
    Attendance.objects.bulk_create(rows, batch_size=2000)


def suggestions(world: World, count: int, adopted: int) -> None:
    unit = world.district_a
    rows = [
        Suggestion(
            campaign=world.campaign,
            org_path=unit.path,
            number=f"JY{i:06d}",
            tracking_code=f"T{i:08d}",
            source=Source.PUBLIC,
            title="建议",
            content="建议内容",
            state=SuggestionState.CLOSED if i < adopted else SuggestionState.SUBMITTED,
            adoption=Adoption.PARTIAL if i < adopted else "",
        )
        for i in range(count)
    ]
    Suggestion.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture
def yangzhou(world: World) -> World:
    suggestions(world, 12_001, adopted=300)
    study_class(world, ClassKind.READING, 10)
    study_class(world, ClassKind.READING, 12)
    rotation = [study_class(world, ClassKind.ROTATION, 1) for _ in range(21)]
    sessions = list(StudySession.objects.filter(study_class__in=rotation))
    attend(world, members(world, 400), sessions)  # 21 × 400 = 8,400 attendances of 400 people
    return world


def menu(world: World, orders: int, listeners: list[int]) -> None:
    unit = world.district_a
    speaker = members(world, 1)[0]
    categories = [
        LectureCategory.objects.create(campaign=world.campaign, org_path=unit.path, name=f"类别{i}") for i in range(5)
    ]
    items = LectureItem.objects.bulk_create(
        LectureItem(
            campaign=world.campaign, org_path=unit.path, category=categories[i % 5], title=f"题目{i}", speaker=speaker
        )
        for i in range(118)
    )
    base = {"campaign": world.campaign, "item": items[0], "unit": world.street_a, "speaker": speaker}
    rows = [
        LectureOrder(**base, org_path=world.street_a.path, wished_date=DAY, state=OrderState.ACCEPTED)
        for _ in range(orders - len(listeners))
    ]
    rows += [
        LectureOrder(**base, org_path=world.street_a.path, wished_date=DAY, state=OrderState.RATED, listeners=n)
        for n in listeners
    ]
    rows.append(LectureOrder(**base, org_path=world.street_a.path, wished_date=DAY, state=OrderState.CANCELLED))
    LectureOrder.objects.bulk_create(rows)


def groups(world: World, count: int) -> None:
    unit = world.street_a
    StudyGroup.objects.bulk_create(
        StudyGroup(
            campaign=world.campaign,
            unit=unit,
            org_path=unit.path,
            name=f"小组{i}",
            topic="学习",
            address="社区",
            feed_token=f"feed{i}",
        )
        for i in range(count)
    )


def checked(report: Any) -> list[tuple[str, str, str, float | None]]:
    return [(c.figure.text.replace(" ", ""), c.rule.measure, c.verdict, c.actual) for c in claims.check_report(report)]


def test_the_measures_count_the_subtree(yangzhou: World) -> None:
    def value(key: str, unit: Any) -> Any:
        return services.measure_value(key, yangzhou.campaign, unit)

    assert value("suggestions", yangzhou.district_a) == 12_001
    assert value("suggestions_adopted", yangzhou.district_a) == 300
    assert value("reading_half_days", yangzhou.district_a) == 10
    assert value("rotation_classes", yangzhou.district_a) == 21
    assert value("study_classes", yangzhou.district_a) == 2
    assert value("study_sessions", yangzhou.district_a) == 10 + 12 + 21
    assert value("attendances", yangzhou.district_a) == 8_400
    assert value("people_covered", yangzhou.district_a) == 400  # distinct people, not attendances
    assert value("people_covered", yangzhou.street_a) == 400  # the members' own unit
    assert value("rotation_classes", yangzhou.street_a) == 0  # organised by the district
    assert value("attendances", yangzhou.district_b) == 0
    assert value("reading_half_days", yangzhou.district_b) is None  # no reading class: not tracked there


def test_yangzhou_study_and_suggestions_are_consistent(yangzhou: World) -> None:
    assert checked(upload(yangzhou, YANGZHOU)) == [
        ("1.2万余条", "suggestions", "consistent", 12_001),
        ("10个", "reading_half_days", "consistent", 10),
        ("21期", "rotation_classes", "consistent", 21),
        ("8200多人次", "attendances", "consistent", 8_400),
    ]


def test_a_short_reading_class_makes_the_half_days_claim_inconsistent(yangzhou: World) -> None:
    study_class(yangzhou, ClassKind.READING, 8)
    claim = next(c for c in claims.check_report(upload(yangzhou, YANGZHOU)) if c.rule.measure == "reading_half_days")
    assert (claim.verdict, claim.actual) == ("inconsistent", 8)


def test_jinan_menu_and_dezhou_groups_are_consistent(world: World) -> None:
    menu(world, 84, listeners=[400] * 80 + [250] * 4)  # 32,000 + 1,000 listeners
    groups(world, 426)
    assert checked(upload(world, JINAN + DEZHOU)) == [
        ("5大类", "lecture_categories", "consistent", 5),
        ("118项", "lecture_items", "consistent", 118),
        ("84场次", "lecture_orders", "consistent", 84),
        ("3.3万名", "lecture_listeners", "consistent", 33_000),
        ("426个", "study_groups", "consistent", 426),
    ]


def test_fewer_orders_and_listeners_are_inconsistent(world: World) -> None:
    menu(world, 80, listeners=[300] * 10)
    assert [(m, v, a) for _t, m, v, a in checked(upload(world, JINAN))][2:] == [
        ("lecture_orders", "inconsistent", 80),
        ("lecture_listeners", "inconsistent", 3_000),
    ]
