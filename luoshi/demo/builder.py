"""Builds the whole demo (演示数据) in one transaction and sums up what it made."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.campaigns.models import Campaign
from luoshi.demo.accounts import DEMO_PREFIX
from luoshi.demo.analysis import build_monthly_report
from luoshi.demo.campaign import setup_campaign
from luoshi.demo.collection import build_collection, collection_lines
from luoshi.demo.demand_summary import DemandSummary, summarise_demands
from luoshi.demo.demands import TICKETS_PER_UNIT, build_demands
from luoshi.demo.fourlists import build_four_lists
from luoshi.demo.keytasks import build_key_tasks, key_task_lines
from luoshi.demo.lectures import build_lectures
from luoshi.demo.livelihood import build_livelihood, livelihood_lines
from luoshi.demo.members import build_members
from luoshi.demo.names import NameMaker
from luoshi.demo.orgtree import build_org_tree
from luoshi.demo.people import People, build_cast
from luoshi.demo.rankings import build_rankings, ranking_lines
from luoshi.demo.rectification import build_rectification
from luoshi.demo.research import build_research
from luoshi.demo.rhythm import build_rhythm, rhythm_lines
from luoshi.demo.study import build_study
from luoshi.demo.studygroups import build_study_groups
from luoshi.demo.studyplans import build_study_plans
from luoshi.demo.suggestions import build_suggestions
from luoshi.demo.supervision import build_supervision
from luoshi.orgs.models import Unit
from luoshi.problems import services
from luoshi.problems.choices import Light, MeasureState, RequestState, State
from luoshi.problems.models import ExtensionRequest, Measure, Problem

DEFAULT_UNITS = 3000
DEFAULT_SEED = 2025


def city_level_units(city: Unit) -> QuerySet[Unit]:
    """The city itself and its departments (市直部门): the units of the city-level problem list."""
    return Unit.objects.filter(Q(pk=city.pk) | Q(parent=city, kind__name="市直部门"))


@dataclass(frozen=True)
class DemoSummary:
    units: dict[str, int]
    accounts: dict[str, str]
    aspects: int
    channels: int
    city_states: dict[str, int]
    city_measures: int
    district_states: dict[str, int]
    lights: dict[str, int]
    overdue_measures: int
    pending_extensions: int
    seconds: float
    demands: DemandSummary | None = None
    work: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        def fmt(counts: dict[str, int]) -> str:
            return "，".join(f"{k} {v}" for k, v in counts.items())

        return [
            f"演示数据已生成（用时 {self.seconds:.1f} 秒）：",
            f"  单位 {sum(self.units.values())} 个：{fmt(self.units)}",
            f"  活动：问题方面 {self.aspects} 个，问题来源 {self.channels} 个",
            f"  市级问题清单 {sum(self.city_states.values())} 个：{fmt(self.city_states)}；"
            f"整改措施 {self.city_measures} 条",
            f"  区县问题 {sum(self.district_states.values())} 个：{fmt(self.district_states)}",
            f"  预警：{fmt(self.lights)}；逾期措施 {self.overdue_measures} 条；"
            f"待审批延期申请 {self.pending_extensions} 个",
            *self.work,
            *(self.demands.lines() if self.demands else []),
            f"  演示账号 {len(self.accounts)} 个：{'、'.join(self.accounts)}",
        ]


def _count_by(rows: QuerySet[Problem], field: str, choices: list[tuple[str, Any]]) -> dict[str, int]:
    counts = dict(rows.order_by().values_list(field).annotate(n=Count("id")))
    return {str(label): counts.get(value, 0) for value, label in choices}


def summarise(campaign: Campaign, seconds: float) -> DemoSummary:
    problems = Problem.objects.filter(campaign=campaign)
    city_level = problems.filter(unit__in=city_level_units(campaign.unit))
    units = Unit.objects.order_by("kind__order").values_list("kind__name").annotate(n=Count("id"))
    accounts = RoleAssignment.objects.filter(user__username__startswith=DEMO_PREFIX).order_by("user__username")
    return DemoSummary(
        units=dict(units),
        accounts={a.user.username: str(Role(a.role).label) for a in accounts.select_related("user")},
        aspects=campaign.aspects.count(),
        channels=campaign.channels.count(),
        city_states=_count_by(city_level, "state", State.choices),
        city_measures=Measure.objects.filter(problem__in=city_level).count(),
        district_states=_count_by(problems.exclude(pk__in=city_level), "state", State.choices),
        lights=_count_by(problems, "light", Light.choices),
        overdue_measures=Measure.objects.filter(
            problem__campaign=campaign, state=MeasureState.IN_PROGRESS, deadline__lt=services.today()
        ).count(),
        pending_extensions=ExtensionRequest.objects.filter(
            problem__campaign=campaign, state=RequestState.PENDING
        ).count(),
        seconds=seconds,
    )


def build_study_and_suggestions(demo: Any, tree: Any, cast: Any, people: People, seed: int) -> list[str]:
    """The member register first, then the classes, open groups, study plans, lecture menu and suggestions that
    refer to its members; each on its own random stream."""
    today = services.today()
    lines = build_members(demo, tree, cast, people, random.Random(seed + 7), today)  # noqa: S311
    steps: tuple[Callable[..., list[str]], ...] = (
        build_study, build_study_plans, build_study_groups, build_lectures, build_suggestions,
    )  # fmt: skip
    for offset, step in enumerate(steps, 8):
        lines += step(demo, tree, cast, people, random.Random(seed + offset), today)  # noqa: S311
    return [f"  {line}" for line in lines]


def build_demo(units: int = DEFAULT_UNITS, seed: int = DEFAULT_SEED, demands: int | None = None) -> DemoSummary:
    """Build the fictional city 示范市, its accounts, a campaign in mid-course and a year of citizen
    demands (``demands`` tickets, by default ten per unit); all or nothing."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 (reproducible fictional data, not security)
    with transaction.atomic():
        tree = build_org_tree(units, rng)
        people = People(NameMaker(rng))
        cast = build_cast(tree, people.names, people)
        demo = setup_campaign(tree.city, services.today())
        build_rectification(demo, tree, cast, rng)
        work_rng = random.Random(seed + 1)  # noqa: S311 (its own stream: the demands stay as they were)
        build_key_tasks(demo, tree, cast, people, work_rng, services.today())
        build_livelihood(demo, cast, work_rng, services.today())
        build_demands(tree, people, rng, units * TICKETS_PER_UNIT if demands is None else demands)
        build_collection(demo.campaign, cast.office, seed, services.today())
        research = build_research(demo.campaign, tree, cast, random.Random(seed + 5))  # noqa: S311
        supervised = build_supervision(demo, tree, cast, people, random.Random(seed + 6), services.today())  # noqa: S311
        supervised += build_four_lists(demo, tree, cast, services.today())
        ranked = build_rankings(demo, tree, cast, random.Random(seed + 4), services.today())  # noqa: S311
        build_monthly_report(demo.campaign, services.today())
        rhythm = build_rhythm(cast.office, demo.campaign, random.Random(seed + 2), services.today())  # noqa: S311
        studied = build_study_and_suggestions(demo, tree, cast, people, seed)
    summary = summarise(demo.campaign, time.perf_counter() - started)
    work = (*key_task_lines(demo.campaign), *livelihood_lines(demo.campaign), *collection_lines(demo.campaign))
    work = (*work, *research, *supervised, *ranking_lines(ranked), *rhythm_lines(rhythm), *studied)
    return replace(summary, demands=summarise_demands(tree.city), work=work)
