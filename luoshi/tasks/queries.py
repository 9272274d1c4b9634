"""The read side of key tasks: progress roll-ups, board figures and choices, always within the user's scope.

Percents come from two queries whatever the number of assignments: the task rows of the tree and the
assignments' percents summed in the database, grouped by task; ``rollup.rollup`` does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role, roles_with
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.orgs import queries as org_queries
from luoshi.orgs.models import Unit
from luoshi.tasks import rounds
from luoshi.tasks.choices import OPEN_STATES, Cycle, State
from luoshi.tasks.models import Task, TaskAssignment, TaskProgress
from luoshi.tasks.rollup import AssignmentSum, TaskRow, rollup
from luoshi.tracking.choices import Light


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# --- progress roll-up -------------------------------------------------------------------------------------------


def _sums(assignments: QuerySet[TaskAssignment]) -> list[AssignmentSum]:
    """Top-level, not revoked: the sum of their percents (done as 100) and their number, per task, in the database."""
    counted = Case(When(state=State.DONE, then=Value(100)), default=F("percent"), output_field=IntegerField())
    grouped = (
        assignments.filter(parent__isnull=True)
        .exclude(state=State.REVOKED)
        .order_by()
        .values("task_id")
        .annotate(total=Sum(counted), n=Count("id"))
    )
    return [AssignmentSum(g["task_id"], Decimal(g["total"] or 0), g["n"]) for g in grouped]


def _task_rows(tasks: QuerySet[Task]) -> list[TaskRow]:
    return [TaskRow(pk, parent, weight) for pk, parent, weight in tasks.values_list("id", "parent_id", "weight")]


def percents_for(task_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """The rolled-up percent of each task named, from its whole subtree (at most three levels)."""
    ids = list(task_ids)
    if not ids:
        return {}
    tree = Task.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)).order_by()
    rows = _task_rows(tree)
    sums = _sums(TaskAssignment.objects.filter(task_id__in=[row.id for row in rows]))
    found = rollup(rows, sums)
    return {pk: found.get(pk) for pk in ids}


def task_percent(task: Task) -> Decimal | None:
    return percents_for([task.pk])[task.pk]


def campaign_percents(campaign: Campaign) -> dict[int, Decimal | None]:
    """Every task of a campaign with its percent: two queries for the whole campaign."""
    rows = _task_rows(Task.objects.filter(campaign=campaign).order_by())
    return rollup(rows, _sums(TaskAssignment.objects.filter(task__campaign=campaign)))


def campaign_percent(campaign: Campaign) -> Decimal | None:
    """The campaign's progress: the mean of its top-level tasks' percents, weighted by their weights."""
    found = campaign_percents(campaign)
    weights = dict(Task.objects.filter(campaign=campaign, parent__isnull=True).values_list("id", "weight"))
    parts = [(weights[pk], p) for pk, p in found.items() if pk in weights and p is not None]
    total = sum((w for w, _p in parts), Decimal(0))
    return sum((w * p for w, p in parts), Decimal(0)) / total if total else None


# --- boards ------------------------------------------------------------------------------------------------------


def overdue_q(today: dt.date) -> Q:
    """逾期: open and past the deadline; derived from the date, never stored by hand."""
    return Q(due_on__lt=today, state__in=OPEN_STATES)


def to_report_q(today: dt.date) -> Q:
    """本轮待报送: in progress and nothing reported since the current round began."""
    q = Q(task__cycle=Cycle.ONCE, last_report_on__isnull=True)
    for cycle in (Cycle.WEEKLY, Cycle.SEMIMONTHLY, Cycle.MONTHLY):
        start = rounds.current_round_start(cycle, today)
        q |= Q(task__cycle=cycle) & (Q(last_report_on__isnull=True) | Q(last_report_on__lt=start))
    return Q(state=State.IN_PROGRESS) & q


@dataclass(frozen=True)
class Counts:
    """Headline figures of a board: by state, by light (open ones), overdue and this round's missing reports."""

    total: int
    by_state: dict[str, int]
    lights: dict[str, int]
    overdue: int
    to_report: int

    @property
    def done(self) -> int:
        return self.by_state.get(State.DONE, 0)


def counts(assignments: QuerySet[TaskAssignment], today: dt.date | None = None) -> Counts:
    """Every figure of a board in one aggregate query."""
    day = _today(today)
    figures: dict[str, Any] = {
        "total": Count("id"),
        "overdue": Count("id", filter=overdue_q(day)),
        "to_report": Count("id", filter=to_report_q(day)),
    }
    figures.update({f"state_{s}": Count("id", filter=Q(state=s)) for s in State.values})
    open_q = Q(state__in=OPEN_STATES)
    figures.update({f"light_{c}": Count("id", filter=Q(light=c) & open_q) for c in Light.values})
    got = assignments.order_by().aggregate(**figures)
    return Counts(
        total=got["total"],
        by_state={s: got[f"state_{s}"] for s in State.values},
        lights={c: got[f"light_{c}"] for c in Light.values},
        overdue=got["overdue"],
        to_report=got["to_report"],
    )


def with_rounds(rows: Sequence[TaskAssignment], today: dt.date | None = None) -> Sequence[TaskAssignment]:
    """Set ``missed`` (rounds that ended without a report) on each row of one page: one query for the page."""
    day = _today(today)
    reports: dict[int, list[dt.date]] = defaultdict(list)
    found = TaskProgress.objects.filter(assignment_id__in=[r.pk for r in rows]).values_list(
        "assignment_id", "reported_on"
    )
    for pk, reported_on in found:
        reports[pk].append(reported_on)
    for row in rows:
        stop = timezone.localtime(row.closed_at).date() if row.closed_at else None
        row.missed = rounds.missed_count(row.task.cycle, row.signed_on, day, row.due_on, reports[row.pk], stop)  # type: ignore[attr-defined]
    return rows


def round_table(assignment: TaskAssignment, today: dt.date | None = None) -> list[rounds.RoundStatus]:
    """The reporting rounds of one assignment up to today, each reported, missed or current."""
    stop = timezone.localtime(assignment.closed_at).date() if assignment.closed_at else None
    reports = assignment.progress.values_list("reported_on", flat=True)
    day = _today(today)
    return rounds.round_status(assignment.task.cycle, assignment.signed_on, day, assignment.due_on, reports, stop)


def task_counts(task_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per task: assignments, done ones and overdue ones, in one grouped query."""
    day = timezone.localdate()
    grouped = (
        TaskAssignment.objects.filter(task_id__in=task_ids)
        .exclude(state=State.REVOKED)
        .order_by()
        .values("task_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=State.DONE)),
            overdue=Count("id", filter=overdue_q(day)),
        )
    )
    return {g["task_id"]: g for g in grouped}


def tree_ordered(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks in plan order, each followed by its sub-tasks (three levels at most)."""
    root = Coalesce("parent__parent_id", "parent_id", "id")
    branch = Case(When(level=3, then=F("parent_id")), When(level=2, then=F("id")), default=Value(0))
    return tasks.annotate(root=root, branch=branch)


TREE_ORDER = ("root", "branch", "level", "id")


# --- choices -----------------------------------------------------------------------------------------------------


def campaign_choices(user: Any, perm: str = Perm.VIEW) -> QuerySet[Campaign]:
    return campaign_queries.visible_campaigns(user, perm).order_by("-is_active", "-starts_on", "-id")


def managed_campaigns(user: Any) -> QuerySet[Campaign]:
    """Active campaigns in which the user may issue tasks (their office unit lies within the campaign's unit)."""
    return campaign_choices(user, Perm.MANAGE_TASKS).filter(is_active=True)


def issuing_units(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    return org_queries.units_for(user, Perm.MANAGE_TASKS, campaign.unit)


def units_within(user: Any, perm: str, unit: Unit, limit: int = 300) -> list[Unit]:
    """The first levels of ``unit``'s subtree that the user holds ``perm`` on, for a select box."""
    return org_queries.unit_shortlist(user, perm, unit, limit)


def leader_candidates(user: Any) -> QuerySet[Any]:
    """People holding the leader role on a unit in the user's scope or above it."""
    tops = scope.scope_paths(user, Perm.VIEW)
    above = {path for top in tops for path in paths.ancestors(top)}
    where = scope.visible_q(user, Perm.VIEW, "unit__path") | Q(unit__path__in=above)
    holders = RoleAssignment.objects.filter(where, role=Role.LEADER).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True).order_by("display_name", "username")


def owner_candidates(unit: Unit) -> QuerySet[Any]:
    """People who may handle a task at ``unit`` (责任人): a role that handles tasks on it or above it."""
    roles = roles_with(Perm.HANDLE_TASK)
    holders = RoleAssignment.objects.filter(unit__path__in=paths.ancestors(unit.path), role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True).order_by("display_name", "username")
