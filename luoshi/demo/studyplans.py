"""Study plans (学习计划) in the demo: the city's leadership group and each district's draw up a plan of study topics
over the campaign (理论学习中心组 style: 专题学习, 读书班, 集中研讨), in every state of their review: drafts, plans
waiting for review, plans returned with comments, approved plans with some topics done (a few linked to a held
session of the district's reading class), and plans completed item by item or by the unit. Approved and completed
plans feed the study list of each unit's four lists. Everything goes through ``luoshi.study.plans``: the units'
liaisons draft and carry out, the city's office reviews.

Call it after the campaign, the cast and the reading classes (``build_study``)::

    lines = build_study_plans(demo, tree, cast, people, random.Random(seed + 9), today)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.orgs.models import Unit
from luoshi.study import plans
from luoshi.study.choices import ClassKind, PlanState
from luoshi.study.models import StudyPlan, StudyPlanItem, StudySession

TOPICS = (
    "原原本本学习党章和党的纪律规定",
    "专题学习习近平新时代中国特色社会主义思想",
    "学习中央八项规定及其实施细则精神",
    "以案为鉴、以案促改警示教育",
    "集中研讨：对照检视作风方面的突出问题",
    "学习《中国共产党纪律处分条例》",
    "专题辅导：为基层减负的政策要求",
    "读书班：重温党的优良传统和作风",
)
FORMS = (ClassKind.TOPIC, ClassKind.CENTRAL, ClassKind.READING)
RETURN_COMMENTS = ("学习专题与本单位实际结合不够，请补充结合业务工作的研讨安排。", "请明确每次学习的时间和半天数。")
# The state each unit's plan ends in, in turn; "done_by_unit" is completed by the unit before every item is done.
CYCLE = (
    PlanState.APPROVED,
    PlanState.DONE,
    PlanState.DRAFT,
    PlanState.SUBMITTED,
    PlanState.RETURNED,
    "done_by_unit",
    PlanState.APPROVED,
)


def _fresh(plan: StudyPlan) -> StudyPlan:
    return StudyPlan.objects.select_related("campaign", "unit").get(pk=plan.pk)


class _Builder:
    def __init__(self, demo: Any, cast: Cast, rng: random.Random, today: dt.date):
        self.campaign, self.office, self.rng, self.today = demo.campaign, cast.office, rng, today

    def _day(self, offset: int) -> dt.date:
        start, end = self.campaign.starts_on, self.campaign.ends_on
        return min(max(start + dt.timedelta(days=offset), start), end)

    def items(self) -> list[plans.ItemInput]:
        span = max((self.campaign.ends_on - self.campaign.starts_on).days, 1)
        chosen = self.rng.sample(TOPICS, self.rng.randint(4, 6))
        step = span // (len(chosen) + 1)
        return [
            plans.ItemInput(topic, self._day(step * (n + 1)), self.rng.randint(1, 4), self.rng.choice(FORMS))
            for n, topic in enumerate(chosen)
        ]

    def draft(self, unit: Unit, liaison: Any) -> StudyPlan:
        due = min(self.campaign.ends_on, max(self.today + dt.timedelta(days=45), self.campaign.starts_on))
        return plans.create_plan(
            liaison,
            campaign=self.campaign,
            unit=unit,
            title=f"{unit.name}领导班子学习计划",
            due_date=due,
            items=self.items(),
        )

    def mark(self, plan: StudyPlan, liaison: Any, count: int) -> None:
        held = list(
            StudySession.objects.filter(campaign=self.campaign, org_path=plan.org_path, date__lte=self.today)
            .order_by("date", "id")
            .values_list("pk", flat=True)[:count]
        )
        sessions = {s.pk: s for s in StudySession.objects.filter(pk__in=held)}
        for n, item in enumerate(StudyPlanItem.objects.filter(plan=plan).order_by("order", "id")[:count]):
            session = sessions.get(held[n]) if n < len(held) else None
            plans.mark_item_done(liaison, item, session=session)

    def plan(self, unit: Unit, liaison: Any, target: str) -> StudyPlan:
        plan = self.draft(unit, liaison)
        if target == PlanState.DRAFT:
            return plan
        plan = plans.submit_plan(liaison, plan)
        if target == PlanState.SUBMITTED:
            return plan
        comments = self.rng.choice(RETURN_COMMENTS)
        plan = plans.return_plan(self.office, _fresh(plan), comments=comments)
        if target == PlanState.RETURNED:
            return plan
        plan = plans.submit_plan(liaison, _fresh(plan))
        plan = plans.approve_plan(self.office, _fresh(plan), comments="同意，请按计划组织学习。")
        total = plan.items.count()
        if target == PlanState.APPROVED:
            self.mark(plan, liaison, self.rng.randint(1, max(total - 1, 1)))
        elif target == PlanState.DONE:
            self.mark(plan, liaison, total)
        else:
            self.mark(plan, liaison, max(total - 1, 1))
            plans.complete_plan(liaison, _fresh(plan), note="其余学习内容已结合集中学习一并完成。")
        return _fresh(plan)


def build_study_plans(
    demo: Any, tree: OrgTree, cast: Cast, people: Any, rng: random.Random, today: dt.date
) -> list[str]:
    """A plan for the city's leadership group and one per district's, in every state; lines with the counts."""
    builder = _Builder(demo, cast, rng, today)
    units = [(tree.city, cast.city_liaison), *((d.unit, d.liaison) for d in cast.districts)]
    made = [builder.plan(unit, liaison, CYCLE[n % len(CYCLE)]) for n, (unit, liaison) in enumerate(units)]
    states = Counter(p.state for p in made)
    items = StudyPlanItem.objects.filter(plan__in=made)
    fed = items.filter(plan__state__in=(PlanState.APPROVED, PlanState.DONE))
    by_state = "、".join(f"{label} {states.get(value, 0)}" for value, label in PlanState.choices)
    return [
        f"学习计划 {len(made)} 份（市级 1 份、县市区 {len(made) - 1} 份）：{by_state}",
        f"学习内容 {items.count()} 项，已完成 {items.filter(done=True).count()} 项；"
        f"列入学习清单 {fed.count()} 项（已通过和已完成的计划）",
    ]
