"""The platform's own figures a report's claims are checked against, for a unit's subtree in a campaign.

Counts come from problems, key tasks, livelihood projects, supervision (groups the subtree sent, the units they
were assigned, the findings they confirmed), the visit calendar, research (topics, counter-example topics, plans),
and study, the lecture menu and suggestions (``measures_study``); the two progress measures are percents, compared
with a figure given in % (``percent``). A measure the platform does not track counts None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.livelihood.queries import campaign_figures
from luoshi.orgs.models import Unit
from luoshi.problems.choices import State
from luoshi.problems.models import Measure, Problem
from luoshi.reports import measures_study as study
from luoshi.reports.choices import MeasureKey
from luoshi.research.models import ResearchPlan, ResearchTopic
from luoshi.supervision.choices import FindingKind, FindingState
from luoshi.supervision.models import Finding, GroupAssignment, SupervisionGroup
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tasks.queries import percents_for
from luoshi.tasks.rollup import weighted_mean
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit

Value = int | float | None


@dataclass(frozen=True)
class MeasureSource:
    """One figure the platform tracks for a unit's subtree in a campaign; ``count`` None means not tracked."""

    label: str | Promise
    count: Callable[[Campaign, Unit], Value]
    percent: bool = False


def _problems(campaign: Campaign, unit: Unit) -> Any:
    return Problem.objects.filter(paths.subtree_q(unit.path), campaign=campaign)


def key_tasks(campaign: Campaign, unit: Unit) -> dict[int, tuple[Decimal, Decimal | None]]:
    """The campaign's top-level key tasks issued in the subtree or assigned into it: weight and percent by id."""
    assigned = TaskAssignment.objects.filter(paths.subtree_q(unit.path), task=OuterRef("pk"))
    tasks = Task.objects.filter(campaign=campaign, parent__isnull=True)
    tasks = tasks.filter(paths.subtree_q(unit.path)) | tasks.filter(Exists(assigned))
    weights = dict(tasks.order_by().values_list("id", "weight"))
    percents = percents_for(weights)
    return {pk: (weight, percents[pk]) for pk, weight in weights.items()}


def _tasks_done(campaign: Campaign, unit: Unit) -> int:
    return sum(1 for _w, percent in key_tasks(campaign, unit).values() if percent == 100)


def _tasks_progress(campaign: Campaign, unit: Unit) -> float | None:
    parts = [(w, p) for w, p in key_tasks(campaign, unit).values() if p is not None]
    mean = weighted_mean(parts)
    return None if mean is None else round(float(mean), 1)


def _groups(campaign: Campaign, unit: Unit) -> Any:
    """The campaign's supervision groups sent by a unit of the subtree (派出督导组)."""
    return SupervisionGroup.objects.filter(paths.subtree_q(unit.path), campaign=campaign)


def _supervised_units(campaign: Campaign, unit: Unit) -> int:
    """The distinct units those groups were assigned (对 N 家单位开展督导), whether or not the assignment ended."""
    assigned = GroupAssignment.objects.filter(group__in=_groups(campaign, unit))
    return assigned.order_by().values("unit_id").distinct().count()


def _visits(campaign: Campaign, unit: Unit) -> int:
    """Visits of supervision and research filed on the calendar to units of the subtree, cancelled ones left out."""
    visits = Visit.objects.filter(paths.subtree_q(unit.path), campaign=campaign)
    return visits.exclude(state=VisitState.CANCELLED).count()


def _findings(campaign: Campaign, unit: Unit) -> int:
    """Problems and risks supervision found in units of the subtree and confirmed (transferred ones included);
    drafts, dismissed findings and good practices are not problems found."""
    found = Finding.objects.filter(paths.subtree_q(unit.path), group__campaign=campaign)
    found = found.filter(kind__in=[FindingKind.PROBLEM, FindingKind.RISK])
    return found.filter(state__in=[FindingState.CONFIRMED, FindingState.TRANSFERRED]).count()


def _topics(campaign: Campaign, unit: Unit) -> Any:
    return ResearchTopic.objects.filter(paths.subtree_q(unit.path), campaign=campaign)


def _plans(campaign: Campaign, unit: Unit) -> int:
    """Research plans led by units of the subtree, drafts included (制定调研方案)."""
    return ResearchPlan.objects.filter(paths.subtree_q(unit.path), campaign=campaign).count()


def _livelihood(key: str) -> Callable[[Campaign, Unit], Value]:
    def count(campaign: Campaign, unit: Unit) -> Value:
        figures = campaign_figures(campaign, unit)
        if key == "progress" and not figures["projects_total"]:
            return None
        value = figures[key]
        return float(value) if isinstance(value, Decimal) else value

    return count


MEASURES: dict[str, MeasureSource] = {
    MeasureKey.PROBLEMS_CLOSED: MeasureSource(
        gettext_lazy("已销号问题数"), lambda c, u: _problems(c, u).filter(state=State.CLOSED).count()
    ),
    MeasureKey.PROBLEMS_TOTAL: MeasureSource(gettext_lazy("问题总数"), lambda c, u: _problems(c, u).count()),
    MeasureKey.MEASURES: MeasureSource(
        gettext_lazy("整改措施数"),
        lambda c, u: Measure.objects.filter(paths.subtree_q(u.path), problem__campaign=c).count(),
    ),
    MeasureKey.SUPERVISION_GROUPS: MeasureSource(gettext_lazy("督导组数"), lambda c, u: _groups(c, u).count()),
    MeasureKey.SUPERVISED_UNITS: MeasureSource(gettext_lazy("督导单位数"), _supervised_units),
    MeasureKey.VISITS: MeasureSource(gettext_lazy("走访次数"), _visits),
    MeasureKey.FINDINGS: MeasureSource(gettext_lazy("督导发现问题数"), _findings),
    MeasureKey.RESEARCH_TOPICS: MeasureSource(gettext_lazy("调研课题数"), lambda c, u: _topics(c, u).count()),
    MeasureKey.RESEARCH_PLANS: MeasureSource(gettext_lazy("调研方案数"), _plans),
    MeasureKey.COUNTER_EXAMPLES: MeasureSource(
        gettext_lazy("反面案例数"), lambda c, u: _topics(c, u).filter(is_counter_example=True).count()
    ),
    MeasureKey.STUDY_CLASSES: MeasureSource(gettext_lazy("读书班、专题学习班次数"), study.study_classes),
    MeasureKey.ROTATION_CLASSES: MeasureSource(gettext_lazy("轮训班次数"), study.rotation_classes),
    MeasureKey.READING_HALF_DAYS: MeasureSource(gettext_lazy("读书班最少半天数"), study.reading_half_days),
    MeasureKey.STUDY_SESSIONS: MeasureSource(gettext_lazy("学习场次数"), study.study_sessions),
    MeasureKey.ATTENDANCES: MeasureSource(gettext_lazy("参学人次"), study.attendances),
    MeasureKey.PEOPLE_COVERED: MeasureSource(gettext_lazy("参学人数（不重复）"), study.people_covered),
    MeasureKey.LECTURE_CATEGORIES: MeasureSource(gettext_lazy("宣讲菜单类别数"), study.lecture_categories),
    MeasureKey.LECTURE_ITEMS: MeasureSource(gettext_lazy("宣讲菜单项数"), study.lecture_items),
    MeasureKey.LECTURE_ORDERS: MeasureSource(gettext_lazy("宣讲点单场次"), study.lecture_orders),
    MeasureKey.LECTURE_LISTENERS: MeasureSource(gettext_lazy("宣讲听众人数"), study.lecture_listeners),
    MeasureKey.STUDY_GROUPS: MeasureSource(gettext_lazy("开放式学习小组数"), study.study_groups),
    MeasureKey.SUGGESTIONS: MeasureSource(gettext_lazy("收集意见建议数"), study.suggestions),
    MeasureKey.SUGGESTIONS_ADOPTED: MeasureSource(gettext_lazy("采纳意见建议数"), study.suggestions_adopted),
    MeasureKey.KEY_TASKS_TOTAL: MeasureSource(gettext_lazy("重点任务数"), lambda c, u: len(key_tasks(c, u))),
    MeasureKey.KEY_TASKS_DONE: MeasureSource(gettext_lazy("已完成重点任务数"), _tasks_done),
    MeasureKey.KEY_TASKS_PROGRESS: MeasureSource(gettext_lazy("重点任务总体进度"), _tasks_progress, percent=True),
    MeasureKey.PROJECTS_TOTAL: MeasureSource(gettext_lazy("民生实事项目数"), _livelihood("projects_total")),
    MeasureKey.PROJECTS_DONE: MeasureSource(gettext_lazy("已完成民生实事项目数"), _livelihood("projects_completed")),
    MeasureKey.PROJECT_TASKS_TOTAL: MeasureSource(gettext_lazy("民生实事子项数"), _livelihood("tasks_total")),
    MeasureKey.PROJECT_TASKS_DONE: MeasureSource(gettext_lazy("已完成民生实事子项数"), _livelihood("tasks_done")),
    MeasureKey.PROJECTS_PROGRESS: MeasureSource(
        gettext_lazy("民生实事总体进度"), _livelihood("progress"), percent=True
    ),
    MeasureKey.IGNORE: MeasureSource(gettext_lazy("不核实"), lambda c, u: None),
}


def measure_value(key: str, campaign: Campaign, unit: Unit) -> Value:
    """What the platform records for ``key`` in ``unit``'s subtree in ``campaign``; None if it tracks none."""
    source = MEASURES.get(key)
    return source.count(campaign, unit) if source else None


def is_percent(key: str) -> bool:
    source = MEASURES.get(key)
    return source is not None and source.percent
