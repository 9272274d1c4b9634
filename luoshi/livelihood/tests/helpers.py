"""Livelihood work in any state, made through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from luoshi.livelihood import services
from luoshi.livelihood.models import LivelihoodProject, ProjectProposal, ProjectTask, VoteRound
from luoshi.testing.world import World

PHONE = "13812345678"


def make_public(world: World, public: bool = True, collecting: bool = True) -> None:
    services.set_options(world.office_city, world.campaign, public=public, collecting=collecting)


def new_project(world: World, unit: Any = None, actor: Any = None, **kw: Any) -> LivelihoodProject:
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "title": "新建社区养老服务中心",
        "lead_unit": unit or world.district_a,
        "deadline": timezone.localdate() + dt.timedelta(days=120),
        "leader_name": "东城区副区长",
        "category": "care",
    }
    params.update(kw)
    return services.create_project(actor or world.office_a, **params)


def new_task(world: World, project: LivelihoodProject, **kw: Any) -> ProjectTask:
    params: dict[str, Any] = {
        "name": "完成选址和改造设计",
        "owner_unit": project.lead_unit,
        "deadline": project.deadline,
    }
    params.update(kw)
    return services.add_task(world.office_a, project, **params)


def started(world: World, project: LivelihoodProject | None = None, **kw: Any) -> ProjectTask:
    task = new_task(world, project or new_project(world), **kw)
    return services.start_task(world.liaison_a, task)


def finished(world: World, project: LivelihoodProject | None = None, **kw: Any) -> ProjectTask:
    return services.finish_task(world.liaison_a, started(world, project, **kw))


def completed(world: World, **kw: Any) -> LivelihoodProject:
    return services.complete_project(world.office_a, new_project(world, **kw))


def evaluated(world: World, **kw: Any) -> LivelihoodProject:
    project = completed(world, **kw)
    return services.evaluate_project(world.office_a, project, satisfied=80, basically_satisfied=15, dissatisfied=5)


def stopped(world: World, **kw: Any) -> LivelihoodProject:
    return services.stop_project(world.office_a, new_project(world, **kw), reason="选址调整，并入明年计划")


def proposal(world: World, unit: Any = None, actor: Any = None, **kw: Any) -> ProjectProposal:
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "unit": unit or world.district_a,
        "title": "老旧小区加装电梯",
        "description": "东城区多个老旧小区居民出行困难，建议统一加装电梯。",
        "category": "housing",
    }
    params.update(kw)
    return services.submit_proposal(actor or world.liaison_a, **params)


def public_proposal(world: World, **kw: Any) -> ProjectProposal:
    params: dict[str, Any] = {
        "campaign": world.campaign,
        "title": "增设社区食堂",
        "description": "建议在东城街道增设老年助餐点，方便独居老人就餐。",
        "citizen_name": "王秀英",
        "citizen_phone": PHONE,
    }
    params.update(kw)
    return services.submit_public_proposal(None, **params)


def shortlisted(world: World, **kw: Any) -> ProjectProposal:
    return services.shortlist(world.office_a, proposal(world, **kw))


def declined(world: World, **kw: Any) -> ProjectProposal:
    return services.decline(world.office_a, proposal(world, **kw), reason="已列入年度部门计划")


def vote_round(world: World, *proposals: ProjectProposal, counts: tuple[int, int, int] = (30, 10, 5)) -> VoteRound:
    chosen = proposals or (shortlisted(world),)
    return services.hold_vote(
        world.office_city,
        world.campaign,
        name="市人大常委会民生实事项目票决",
        held_on=timezone.localdate(),
        voters=50,
        counts={p.pk: counts for p in chosen},
    )


def adopted(world: World, **kw: Any) -> ProjectProposal:
    item = shortlisted(world, **kw)
    vote_round(world, item)
    item.refresh_from_db()
    return item


def rejected(world: World, **kw: Any) -> ProjectProposal:
    item = shortlisted(world, **kw)
    vote_round(world, item, counts=(20, 25, 5))
    item.refresh_from_db()
    return item
