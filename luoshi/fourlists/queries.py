"""The read side of the four lists (四张清单): a unit's lists in a campaign, assembled from the mechanisms holding them.

- 学习清单: the items of the unit's approved and done study plans (学习计划) in the campaign, each linking to its plan
  with its own done status, and the plain items of kind study.
- 问题清单: the problems of the unit **and its subordinate units** in the campaign — the same count the reports'
  claims check compares a unit's "排查问题 N 个" with (``reports.measures``: 本单位及下级单位), so a report and
  the four lists never disagree on the figure.
- 调研清单: the research plans the unit leads (牵头单位) in the campaign.
- 创新举措清单: the campaign's key tasks marked 创新举措 issued by the unit or assigned to it, the rectification
  measures marked 创新举措 the unit leads (牵头单位), and the plain items of kind innovation.

Every queryset goes through ``visible_to``: a user sees in a list only what they see elsewhere, and each count
is the count of exactly the objects listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.fourlists.choices import ListKind
from luoshi.fourlists.models import ListItem
from luoshi.orgs.models import Unit
from luoshi.problems.models import Measure, Problem
from luoshi.research.models import ResearchPlan
from luoshi.study import plans as study_plans
from luoshi.study.models import StudyPlanItem
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.tasks.queries import percents_for

PAGE_LIMIT = 200


class Source:
    """Where an entry of a list comes from."""

    ITEM = "item"
    PROBLEM = "problem"
    PLAN = "research_plan"
    TASK = "task"
    MEASURE = "measure"
    STUDY_PLAN = "study_plan_item"


SOURCE_LABELS = {
    Source.ITEM: "清单事项",
    Source.PROBLEM: "问题",
    Source.PLAN: "调研方案",
    Source.TASK: "重点任务",
    Source.MEASURE: "整改措施",
    Source.STUDY_PLAN: "学习计划",
}


@dataclass(frozen=True)
class Entry:
    """One line of a list: what it is, who answers for it, by when, how far it is, and where it lives."""

    kind: str
    source: str
    pk: int
    title: str
    owner: str
    due: dt.date | None
    status: str
    url: str
    unit: str = ""

    @property
    def source_label(self) -> str:
        return _(SOURCE_LABELS[self.source])


@dataclass
class Section:
    """One of the four lists: its entries (at most ``limit`` of them) and the count of all."""

    kind: str
    count: int
    entries: list[Entry] = field(default_factory=list)
    note: str = ""

    @property
    def label(self) -> str:
        return str(ListKind(self.kind).label)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.entries)


@dataclass
class FourLists:
    campaign: Campaign
    unit: Unit
    sections: list[Section]

    @property
    def counts(self) -> dict[str, int]:
        return {s.kind: s.count for s in self.sections}

    def section(self, kind: str) -> Section:
        return next(s for s in self.sections if s.kind == kind)


def items(user: Any, campaign: Campaign, unit: Unit, kind: str) -> QuerySet[ListItem]:
    return (
        ListItem.objects.visible_to(user, Perm.VIEW)
        .filter(campaign=campaign, unit=unit, kind=kind)
        .order_by("due_date", "id")
    )


def problems(user: Any, campaign: Campaign, unit: Unit) -> QuerySet[Problem]:
    return (
        Problem.objects.visible_to(user, Perm.VIEW)
        .filter(paths.subtree_q(unit.path), campaign=campaign)
        .select_related("unit", "responsible_leader")
        .order_by("deadline", "id")
    )


def plans(user: Any, campaign: Campaign, unit: Unit) -> QuerySet[ResearchPlan]:
    return (
        ResearchPlan.objects.visible_to(user, Perm.VIEW)
        .filter(campaign=campaign, unit=unit)
        .select_related("unit", "leader")
        .order_by("due_date", "id")
    )


def innovation_tasks(user: Any, campaign: Campaign, unit: Unit) -> QuerySet[Task]:
    assigned = TaskAssignment.objects.filter(task=OuterRef("pk"), unit=unit)
    return (
        Task.objects.visible_to(user, Perm.VIEW)
        .filter(campaign=campaign, is_innovation=True)
        .filter(Q(unit=unit) | Q(Exists(assigned)))
        .select_related("unit")
        .order_by("due_on", "id")
    )


def innovation_measures(user: Any, campaign: Campaign, unit: Unit) -> QuerySet[Measure]:
    return (
        Measure.objects.visible_to(user, Perm.VIEW)
        .filter(problem__campaign=campaign, owner_unit=unit, is_innovation=True)
        .select_related("owner_unit", "owner")
        .order_by("deadline", "id")
    )


def _plan_url(pk: int) -> str:
    return reverse("research:plan", args=[pk])


def _item_entries(rows: Iterable[ListItem]) -> Iterator[Entry]:
    for row in rows:
        url = reverse("fourlists:item_edit", args=[row.pk])
        status = row.get_status_display()
        yield Entry(row.kind, Source.ITEM, row.pk, row.title, row.owner, row.due_date, status, url, str(row.unit))


def _study_plan_entries(rows: Iterable[StudyPlanItem]) -> Iterator[Entry]:
    for row in rows:
        status = _("已完成") if row.done else _("未完成")
        plan = row.plan
        due = row.planned_date or plan.due_date
        url = reverse("study:plan_detail", args=[plan.pk])
        yield Entry(ListKind.STUDY, Source.STUDY_PLAN, row.pk, row.topic, "", due, status, url, str(plan.unit))


def _problem_entries(rows: Iterable[Problem]) -> Iterator[Entry]:
    for row in rows:
        owner = str(row.responsible_leader) if row.responsible_leader else str(row.unit)
        url = reverse("problems:detail", args=[row.pk])
        status = row.get_state_display()
        yield Entry(
            ListKind.PROBLEM, Source.PROBLEM, row.pk, row.title, owner, row.deadline, status, url, str(row.unit)
        )


def _plan_entries(rows: Iterable[ResearchPlan]) -> Iterator[Entry]:
    for row in rows:
        owner = row.leader_name or (str(row.leader) if row.leader else str(row.unit))
        status = row.get_state_display()
        yield Entry(
            ListKind.RESEARCH,
            Source.PLAN,
            row.pk,
            row.title,
            owner,
            row.due_date,
            status,
            _plan_url(row.pk),
            str(row.unit),
        )


def _task_status(percent: Any) -> str:
    if percent is None:
        return _("未报送进度")
    if percent >= 100:
        return _("已完成")
    return _("进度 {percent}%").format(percent=f"{percent:g}" if isinstance(percent, float) else str(percent))


def _task_entries(rows: list[Task]) -> Iterator[Entry]:
    percents = percents_for(row.pk for row in rows)
    for row in rows:
        status = _task_status(percents.get(row.pk))
        url = reverse("tasks:detail", args=[row.pk])
        yield Entry(
            ListKind.INNOVATION, Source.TASK, row.pk, row.title, row.leader_name, row.due_on, status, url, str(row.unit)
        )


def _measure_entries(rows: Iterable[Measure]) -> Iterator[Entry]:
    for row in rows:
        owner = row.owner_name or (str(row.owner) if row.owner else str(row.owner_unit))
        url = reverse("problems:detail", args=[row.problem_id])
        title = row.text[:200]
        yield Entry(
            ListKind.INNOVATION,
            Source.MEASURE,
            row.pk,
            title,
            owner,
            row.deadline,
            row.get_state_display(),
            url,
            str(row.owner_unit),
        )


def _cut(queryset: QuerySet[Any], limit: int | None) -> list[Any]:
    return list(queryset if limit is None else queryset[:limit])


def assemble(user: Any, campaign: Campaign, unit: Unit, limit: int | None = PAGE_LIMIT) -> FourLists:
    """The unit's four lists in the campaign as ``user`` sees them; each list shows at most ``limit`` entries
    (None: all), and its count is always that of every object it holds."""
    study = items(user, campaign, unit, ListKind.STUDY)
    plan_items = study_plans.feed_items(user, campaign, unit)
    study_entries = [*_study_plan_entries(_cut(plan_items, limit)), *_item_entries(_cut(study, limit))]
    problem_rows = problems(user, campaign, unit)
    plan_rows = plans(user, campaign, unit)
    tasks = innovation_tasks(user, campaign, unit)
    measures = innovation_measures(user, campaign, unit)
    extra = items(user, campaign, unit, ListKind.INNOVATION)
    innovation_count = tasks.count() + measures.count() + extra.count()
    innovation: list[Entry] = []
    if limit is None or limit > 0:
        innovation = [
            *_task_entries(_cut(tasks, limit)),
            *_measure_entries(_cut(measures, limit)),
            *_item_entries(_cut(extra, limit)),
        ]
        innovation = innovation if limit is None else innovation[:limit]
    sections = [
        Section(
            ListKind.STUDY,
            plan_items.count() + study.count(),
            study_entries if limit is None else study_entries[:limit],
            _("学习清单含本单位已审核通过的学习计划中的学习内容（状态取自各项学习内容），以及手工填写的事项。"),
        ),
        Section(
            ListKind.PROBLEM,
            problem_rows.count(),
            list(_problem_entries(_cut(problem_rows, limit))),
            _("问题清单含本单位及下级单位在本活动中的问题，与工作报告数字核对的口径一致。"),
        ),
        Section(
            ListKind.RESEARCH,
            plan_rows.count(),
            list(_plan_entries(_cut(plan_rows, limit))),
            _("调研清单为本单位牵头的调研方案。"),
        ),
        Section(
            ListKind.INNOVATION,
            innovation_count,
            innovation,
            _(
                "创新举措清单含本单位主办或承办、标记为创新举措的重点任务，本单位牵头、标记为创新举措的整改措施，以及手工填写的事项。"
            ),
        ),
    ]
    return FourLists(campaign, unit, sections)


def default_unit(user: Any) -> Unit | None:
    """The user's own top unit: the highest unit where they view campaign data."""
    tops = scope.scope_paths(user, Perm.VIEW)
    return Unit.objects.filter(path=tops[0]).first() if tops else None


def neighbours(user: Any, unit: Unit, limit: int = 100) -> tuple[list[Unit], list[Unit]]:
    """The unit's ancestors the user sees (for a breadcrumb) and its children (to go down the tree)."""
    visible = Unit.objects.visible_to(user, Perm.VIEW)
    above = list(visible.filter(path__in=paths.ancestors(unit.path)).order_by("path"))
    below = list(visible.filter(parent=unit).order_by("path")[:limit])
    return above, below
