"""The claims check's measures of study (学习), the lecture menu (宣讲菜单) and suggestions (建言献策).

Classes and sessions count those organised by units of the subtree (读书班 and 专题/集中学习 apart from the
rotation's 轮训班); attendances (人次) and people (人, distinct) count members of the subtree who attended — present
or late — any session of the campaign; a reading class's half-days are its sessions, and the claim "读书班至少
安排 10 个半天" is compared with the fewest half-days of any reading class. Lecture orders count the orders units of
the subtree placed (declined and cancelled ones left out) and the listeners of those held; the menu is counted for
campaigns whose unit lies in the subtree. Suggestions count those collected in the campaign within the subtree
(referred ones under the unit they were referred to) and those decided 全部采纳 or 部分采纳.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Sum

from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.orgs.models import Unit
from luoshi.study.choices import ATTENDED, ClassKind
from luoshi.study.models import Attendance, StudyClass, StudyGroup, StudySession
from luoshi.suggestions.choices import ADOPTED
from luoshi.suggestions.models import Suggestion

HELD = (OrderState.HELD, OrderState.RATED)
NOT_PLACED = (OrderState.DECLINED, OrderState.CANCELLED)


def _in(model: Any, campaign: Campaign, unit: Unit) -> Any:
    return model.objects.filter(paths.subtree_q(unit.path), campaign=campaign)


def study_classes(campaign: Campaign, unit: Unit) -> int:
    return _in(StudyClass, campaign, unit).exclude(kind=ClassKind.ROTATION).count()


def rotation_classes(campaign: Campaign, unit: Unit) -> int:
    return _in(StudyClass, campaign, unit).filter(kind=ClassKind.ROTATION).count()


def reading_half_days(campaign: Campaign, unit: Unit) -> int | None:
    """The fewest half-days (sessions) of any reading class of the subtree; None when it held none."""
    classes = _in(StudyClass, campaign, unit).filter(kind=ClassKind.READING)
    return classes.annotate(half_days=Count("sessions")).aggregate(least=Min("half_days"))["least"]


def study_sessions(campaign: Campaign, unit: Unit) -> int:
    return _in(StudySession, campaign, unit).count()


def _attended(campaign: Campaign, unit: Unit) -> Any:
    return _in(Attendance, campaign, unit).filter(status__in=ATTENDED)


def attendances(campaign: Campaign, unit: Unit) -> int:
    return _attended(campaign, unit).count()


def people_covered(campaign: Campaign, unit: Unit) -> int:
    return _attended(campaign, unit).order_by().values("member_id").distinct().count()


def lecture_categories(campaign: Campaign, unit: Unit) -> int:
    return _in(LectureCategory, campaign, unit).count()


def lecture_items(campaign: Campaign, unit: Unit) -> int:
    return _in(LectureItem, campaign, unit).count()


def lecture_orders(campaign: Campaign, unit: Unit) -> int:
    return _in(LectureOrder, campaign, unit).exclude(state__in=NOT_PLACED).count()


def lecture_listeners(campaign: Campaign, unit: Unit) -> int:
    held = _in(LectureOrder, campaign, unit).filter(state__in=HELD)
    return held.aggregate(total=Sum("listeners"))["total"] or 0


def study_groups(campaign: Campaign, unit: Unit) -> int:
    return _in(StudyGroup, campaign, unit).count()


def suggestions(campaign: Campaign, unit: Unit) -> int:
    return _in(Suggestion, campaign, unit).count()


def suggestions_adopted(campaign: Campaign, unit: Unit) -> int:
    return _in(Suggestion, campaign, unit).filter(adoption__in=ADOPTED).count()
