"""Study plans (学习计划) for tests: made and moved through ``luoshi.study.plans``, in any state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luoshi.study import plans
from luoshi.study.choices import ClassKind, PlanState
from luoshi.study.models import StudyClass, StudyPlan, StudySession
from luoshi.testing.world import World

ITEMS: list[dict[str, Any]] = [
    {"topic": "学习党章党规", "planned_date": dt.date(2026, 3, 2), "half_days": 2, "form": ClassKind.READING},
    {"topic": "专题研讨", "planned_date": dt.date(2026, 4, 6), "half_days": 1, "form": ClassKind.TOPIC},
]


def fresh(plan: StudyPlan) -> StudyPlan:
    return StudyPlan.objects.get(pk=plan.pk)


def draft(
    world: World, *, maker: Any = None, unit: Any = None, title: str = "东城区委理论学习中心组学习计划"
) -> StudyPlan:
    return plans.create_plan(
        maker or world.liaison_a,
        campaign=world.campaign,
        unit=unit or world.district_a,
        title=title,
        due_date=dt.date(2026, 11, 30),
        items=ITEMS,
    )


def in_state(world: World, state: str, **kwargs: Any) -> StudyPlan:
    """A plan of district A (made by its liaison, reviewed by its office) in ``state``."""
    plan = draft(world, **kwargs)
    maker: Any = plan.created_by
    if state == PlanState.DRAFT:
        return plan
    plan = plans.submit_plan(maker, plan)
    if state == PlanState.SUBMITTED:
        return plan
    if state == PlanState.RETURNED:
        return plans.return_plan(world.office_city, plan, comments="请补充学习时间")
    plan = plans.approve_plan(world.office_city, plan, comments="同意")
    if state == PlanState.APPROVED:
        return plan
    return plans.complete_plan(maker, plan)


def held_session(world: World, unit: Any = None, date: dt.date = dt.date(2026, 3, 2)) -> StudySession:
    """A session of a reading class of district A in the world's campaign (held on ``date``)."""
    unit = unit or world.district_a
    made = StudyClass.objects.create(
        campaign=world.campaign, unit=unit, org_path=unit.path, kind=ClassKind.READING, topic="读书班"
    )
    return StudySession.objects.create(
        campaign=world.campaign, study_class=made, org_path=unit.path, title="第一讲", date=date, secret="s" * 32
    )
