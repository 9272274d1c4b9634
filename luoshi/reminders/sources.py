"""Where deadlines live: each kind of tracked work with an owner unit, a due date and open states."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.collection.choices import UNFILED_STATES
from luoshi.collection.models import Submission
from luoshi.demands.choices import DemandState
from luoshi.demands.models import Demand
from luoshi.livelihood.choices import ProjectState, TaskState
from luoshi.livelihood.models import LivelihoodProject, ProjectTask
from luoshi.problems.choices import State as ProblemState
from luoshi.problems.models import Problem
from luoshi.research.choices import OPEN_STATES as RESEARCH_OPEN
from luoshi.research.models import ResearchPlan
from luoshi.suggestions.choices import SuggestionState
from luoshi.suggestions.models import Suggestion
from luoshi.tasks.choices import OPEN_STATES as TASK_OPEN
from luoshi.tasks.models import TaskAssignment


@dataclass(frozen=True)
class DeadlineSource:
    """One kind of tracked work as the reminder sweep reads it (fields as ``values_list`` paths)."""

    name: str
    label: str | Promise
    model: type[models.Model]
    due: str
    unit: str
    title: str | Combinable  # a field path, or an expression of the row
    url: str  # with {pk}
    open: Q
    audience: str  # the owner unit's users holding this perm are reminded
    campaign: str | None = None  # None: not tied to a campaign (the default rule applies, no escalation)
    due_is_datetime: bool = False

    @property
    def title_expression(self) -> Combinable:
        return F(self.title) if isinstance(self.title, str) else self.title

    def rows(self, campaign_id: int | None, days: list[object]) -> models.QuerySet:
        lookup = f"{self.due}__date__in" if self.due_is_datetime else f"{self.due}__in"
        found = self.model._default_manager.filter(self.open, **{lookup: days})
        if self.campaign:
            found = found.filter(**{self.campaign: campaign_id})
        return found


SOURCES: tuple[DeadlineSource, ...] = (
    DeadlineSource(
        name="problem",
        label=_("问题整改"),
        model=Problem,
        due="deadline",
        unit="unit_id",
        title="title",
        url="/problems/{pk}/",
        open=~Q(state=ProblemState.CLOSED),
        audience=Perm.REPORT_PROGRESS,
        campaign="campaign_id",
    ),
    DeadlineSource(
        name="task",
        label=_("重点任务"),
        model=TaskAssignment,
        due="due_on",
        unit="unit_id",
        title="task__title",
        url="/tasks/assignments/{pk}/",
        open=Q(state__in=TASK_OPEN),
        audience=Perm.HANDLE_TASK,
        campaign="task__campaign_id",
    ),
    DeadlineSource(
        name="project",
        label=_("民生实事"),
        model=LivelihoodProject,
        due="deadline",
        unit="lead_unit_id",
        title="title",
        url="/livelihood/{pk}/",
        open=Q(state=ProjectState.IN_PROGRESS),
        audience=Perm.HANDLE_TASK,
        campaign="campaign_id",
    ),
    DeadlineSource(
        name="project_task",
        label=_("民生实事子项"),
        model=ProjectTask,
        due="deadline",
        unit="owner_unit_id",
        title="name",
        url="/livelihood/tasks/{pk}/",
        open=~Q(state=TaskState.DONE) & Q(project__state=ProjectState.IN_PROGRESS),
        audience=Perm.HANDLE_TASK,
        campaign="project__campaign_id",
    ),
    DeadlineSource(
        name="collection",
        label=_("定期报送"),
        model=Submission,
        due="round__deadline",
        unit="unit_id",
        title=Concat(F("round__template__name"), Value(" · "), F("round__period_label")),
        url="/collection/submissions/{pk}/",
        open=Q(state__in=UNFILED_STATES),
        audience=Perm.SUBMIT_COLLECTION,
        campaign="round__template__campaign_id",
    ),
    DeadlineSource(
        name="research_plan",
        label=_("调研方案"),
        model=ResearchPlan,
        due="due_date",
        unit="unit_id",
        title="title",
        url="/research/plans/{pk}/",
        open=Q(state__in=RESEARCH_OPEN),
        audience=Perm.PLAN_RESEARCH,
        campaign="campaign_id",
    ),
    DeadlineSource(
        name="suggestion",
        label=_("意见建议答复"),
        model=Suggestion,
        due="deadline",
        unit="unit_id",
        title="title",
        url="/suggestions/{pk}/",
        open=Q(state=SuggestionState.REFERRED),
        audience=Perm.ANSWER_SUGGESTION,
        campaign="campaign_id",
    ),
    DeadlineSource(
        name="demand",
        label=_("诉求工单"),
        model=Demand,
        due="resolve_due",
        unit="handling_unit_id",
        title="title",
        url="/demands/{pk}/",
        open=Q(state__in=(DemandState.DISPATCHED, DemandState.SIGNED, DemandState.RESPONDED)),
        audience=Perm.HANDLE_DEMAND,
        due_is_datetime=True,
    ),
)
