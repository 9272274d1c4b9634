"""The read side of livelihood work: the lists users see within their scope, the public lists, the figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from luoshi.access.roles import Perm
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.livelihood import figures
from luoshi.livelihood.choices import ProjectState, TaskEventKind, TaskState
from luoshi.livelihood.models import (
    LivelihoodProject,
    LivelihoodSettings,
    ProjectProposal,
    ProjectTask,
    TaskEvent,
)
from luoshi.orgs import queries as org_queries
from luoshi.orgs.models import Unit, UnitQuerySet
from luoshi.problems import queries as problem_queries

DONE_PROJECT = (ProjectState.COMPLETED, ProjectState.EVALUATED)
PROJECT_RELATED = ("campaign", "lead_unit", "leader")


def campaign_choices(user: Any, perm: str = Perm.VIEW) -> QuerySet[Campaign]:
    """Campaigns the user takes part in, running ones first."""
    return campaign_queries.visible_campaigns(user, perm).order_by("-is_active", "-starts_on", "-id")


def settings_for(campaign: Campaign) -> LivelihoodSettings:
    """The campaign's livelihood settings, or the defaults (not public, collecting) when none were saved."""
    found = LivelihoodSettings.objects.filter(campaign=campaign).first()
    return found or LivelihoodSettings(campaign=campaign, org_path=campaign.unit.path)


def with_counts(projects: QuerySet[LivelihoodProject]) -> QuerySet[LivelihoodProject]:
    """Projects with their tasks (total, done) and milestones (total, reached) counted."""
    return projects.annotate(
        tasks_total=Count("tasks", distinct=True),
        tasks_done=Count("tasks", filter=Q(tasks__state=TaskState.DONE), distinct=True),
        milestones_total=Count("milestones", distinct=True),
        milestones_reached=Count("milestones", filter=Q(milestones__reached_on__isnull=False), distinct=True),
    )


def visible_projects(user: Any, perm: str = Perm.VIEW) -> QuerySet[LivelihoodProject]:
    return LivelihoodProject.objects.visible_to(user, perm).select_related(*PROJECT_RELATED)


def visible_proposals(user: Any, perm: str = Perm.VIEW) -> QuerySet[ProjectProposal]:
    return ProjectProposal.objects.visible_to(user, perm).select_related("campaign", "unit", "lead_unit")


def units_for(user: Any, perm: str, campaign: Campaign) -> QuerySet[Unit]:
    """Units the user holds ``perm`` on, inside the campaign's org subtree."""
    return org_queries.units_for(user, perm, campaign.unit)


def unit_shortlist(user: Any, perm: str, campaign: Campaign) -> list[Unit]:
    return org_queries.unit_shortlist(user, perm, campaign.unit)


def task_owner_units(project: LivelihoodProject) -> UnitQuerySet:
    """Units that may own a task of the project: its lead unit, its assisting units and the units below them."""
    condition = paths.subtree_q(project.lead_unit.path, "path")
    for unit in project.assisting_units.all():
        condition |= paths.subtree_q(unit.path, "path")
    return Unit.objects.filter(condition).order_by("path")


def leader_candidates(user: Any, include: int | None = None) -> QuerySet[Any]:
    """People holding the leader role on a unit in the user's scope or above it (plus ``include``)."""
    return problem_queries.leader_candidates(user, Perm.VIEW, include)


# --- figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What a list of projects adds up to (stopped projects are left out of every figure but their own)."""

    projects: int
    completed: int
    stopped: int
    tasks: int
    tasks_done: int
    progress: Decimal
    evaluated: int
    satisfaction: Decimal | None


def summary(projects: QuerySet[LivelihoodProject]) -> Summary:
    """The figures of ``projects``: a few aggregate queries, however many projects there are."""
    base = projects.order_by()
    stopped = base.filter(state=ProjectState.STOPPED).count()
    live = base.exclude(state=ProjectState.STOPPED)
    totals = live.aggregate(
        n=Count("id"),
        done=Count("id", filter=Q(state__in=DONE_PROJECT)),
        progress=Sum("progress"),
        evaluated=Count("id", filter=Q(state=ProjectState.EVALUATED)),
        satisfied=Sum("satisfied"),
        basically=Sum("basically_satisfied"),
        dissatisfied=Sum("dissatisfied"),
    )
    tasks = ProjectTask.objects.filter(project__in=live.values("pk")).aggregate(
        n=Count("id"), done=Count("id", filter=Q(state=TaskState.DONE))
    )
    rate = figures.satisfaction_rate(totals["satisfied"] or 0, totals["basically"] or 0, totals["dissatisfied"] or 0)
    return Summary(
        projects=totals["n"],
        completed=totals["done"],
        stopped=stopped,
        tasks=tasks["n"],
        tasks_done=tasks["done"],
        progress=figures.mean_from_sum(totals["progress"], totals["n"]),
        evaluated=totals["evaluated"],
        satisfaction=rate,
    )


def campaign_figures(campaign: Campaign, unit: Unit | None = None) -> dict[str, Any]:
    """The campaign's livelihood figures for the claims check, within ``unit``'s subtree when given.

    ``projects_total`` counts the projects not stopped; ``progress`` is the mean of their progress (%)."""
    projects = LivelihoodProject.objects.filter(campaign=campaign)
    if unit is not None:
        projects = projects.filter(paths.subtree_q(unit.path))
    found = summary(projects)
    return {
        "projects_total": found.projects,
        "projects_completed": found.completed,
        "projects_stopped": found.stopped,
        "tasks_total": found.tasks,
        "tasks_done": found.tasks_done,
        "progress": found.progress,
        "projects_evaluated": found.evaluated,
        "satisfaction_rate": found.satisfaction,
    }


# --- the public side ------------------------------------------------------------------------------------


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns whose livelihood projects are shown to the public."""
    return Campaign.objects.filter(livelihood_settings__public=True).select_related("unit", "livelihood_settings")


def collecting_campaigns() -> QuerySet[Campaign]:
    """Public campaigns that collect proposals now."""
    return public_campaigns().filter(livelihood_settings__collecting=True, is_active=True)


def public_projects(campaign: Campaign) -> QuerySet[LivelihoodProject]:
    return with_counts(LivelihoodProject.objects.filter(campaign=campaign).select_related("lead_unit").order_by("id"))


# --- timelines ------------------------------------------------------------------------------------------


def project_timeline(project: LivelihoodProject, user: Any) -> list[Any]:
    """The project's events and those of the tasks the user sees, newest first."""
    own = project.events.select_related("actor")
    tasks = ProjectTask.objects.visible_to(user, Perm.VIEW).filter(project=project).values("pk")
    task_events = TaskEvent.objects.filter(task__in=tasks).exclude(kind=TaskEventKind.CREATED)
    task_events = task_events.select_related("actor", "task")
    return sorted(chain(own, task_events), key=lambda e: e.at, reverse=True)
