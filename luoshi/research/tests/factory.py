"""Helpers that make research directions, topics and plans, and put plans into any state through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from luoshi.research import services
from luoshi.research.choices import PlanState
from luoshi.research.models import ResearchPlan, ResearchTopic
from luoshi.testing.problems import png
from luoshi.testing.world import World

QUESTIONS = ["村级组织迎检事项为何居高不下", "哪些报表可以合并或取消"]
DUE = dt.date(2026, 10, 31)
VISIT_DAY = dt.date(2026, 6, 10)
_numbers = itertools.count(1)


def topic(world: World, *, counter: bool = False, campaign: Any = None, office: Any = None) -> ResearchTopic:
    """A topic of the city's campaign (by the city's office) under a fresh direction."""
    campaign = campaign or world.campaign
    office = office or world.office_city
    n = next(_numbers)
    direction = services.create_direction(office, campaign=campaign, name=f"调研方向{n}")
    return services.create_topic(
        office, campaign=campaign, direction=direction, title=f"调研课题{n}", is_counter_example=counter
    )


def fresh(plan: ResearchPlan) -> ResearchPlan:
    return ResearchPlan.objects.select_related("campaign", "topic", "unit").get(pk=plan.pk)


def draft(world: World, *, questions: Any = None, unit: Any = None, by: Any = None, **kw: Any) -> ResearchPlan:
    """A draft of district A (by its liaison, led by its leader) on a fresh topic of the city's campaign."""
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "topic": kw.pop("topic", None) or topic(world),
        "unit": unit or world.district_a,
        "title": f"关于基层减负的调研方案{next(_numbers)}",
        "questions": QUESTIONS if questions is None else questions,
        "team": "东城领导、东城联络员",
        "due_date": DUE,
        "leader": world.leader_a,
    }
    params.update(kw)
    return services.create_plan(by or world.liaison_a, **params)


def report(world: World, plan: ResearchPlan, version: int | None = None) -> ResearchPlan:
    return services.report_result(
        world.liaison_a, fresh(plan), summary="迎检事项可压减三成。", files=[png("调研报告.png")], version=version
    )


def convert_problem(world: World, plan: ResearchPlan, actor: Any = None, version: int | None = None) -> Any:
    return services.convert_to_problem(
        actor or world.liaison_a,
        plan,
        "村级报表重复填报",
        channel=world.channels[0],
        aspect=world.aspects[0],
        found_on=dt.date(2026, 6, 1),
        deadline=dt.date(2026, 9, 30),
        version=version,
    )


def convert_task(world: World, plan: ResearchPlan, actor: Any = None, version: int | None = None) -> Any:
    return services.convert_to_task(
        actor or world.office_a, plan, "建立村级迎检事项准入制度", due_on=dt.date(2026, 11, 30), version=version
    )


def in_state(world: World, state: str, **kw: Any) -> ResearchPlan:
    """A plan of district A moved into ``state`` the way people would."""
    plan = draft(world, **kw)
    if state == PlanState.DRAFT:
        return fresh(plan)
    plan = services.submit_plan(world.liaison_a, fresh(plan))
    if state == PlanState.SUBMITTED:
        return fresh(plan)
    if state == PlanState.RETURNED:
        return fresh(services.return_plan(world.office_a, fresh(plan), comments="问题不够具体"))
    plan = services.approve_plan(world.office_a, fresh(plan), comments="同意")
    if state == PlanState.APPROVED:
        return fresh(plan)
    plan = services.start_fieldwork(world.liaison_a, fresh(plan))
    if state == PlanState.FIELDWORK:
        return fresh(plan)
    plan = report(world, plan)
    if state == PlanState.REPORTED:
        return fresh(plan)
    convert_problem(world, fresh(plan))
    return fresh(plan)
