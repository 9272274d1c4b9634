"""A small campaign with problems, key tasks, livelihood projects and demands in both districts."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from docx import Document

from luoshi.demands.tests.rate_helpers import SHANGHAI, handled
from luoshi.livelihood import services as livelihood_services
from luoshi.problems.models import Problem
from luoshi.tasks import services as task_services
from luoshi.tasks.models import TaskAssignment
from luoshi.tasks.tests.factory import assigned, fresh, make_task
from luoshi.testing.problems import closed, new_problem, rectifying
from luoshi.testing.world import World

MONTH = "2026-10"


def oct_(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 10, tzinfo=SHANGHAI)


@dataclass
class Data:
    world: World


def build(world: World) -> Data:
    """Problems: A has one closed, one rectifying, one overdue; B has one waiting. Key tasks: A done, B waiting.
    One livelihood project at A. Demands received in October 2026: two at A, one at B."""
    today = timezone.localdate()
    closed(world, unit=world.street_a, title="甲已销号")
    rectifying(world, unit=world.district_a, title="甲整改中")
    late = today - dt.timedelta(days=3)
    new_problem(world, unit=world.street_a, title="甲逾期", found_on=late - dt.timedelta(days=10), deadline=late)
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="乙待认领")
    task = make_task(world, actor=world.office_city, unit=world.city, title="城市更新")
    item = task_services.sign(
        world.liaison_a, assigned(world, task=task, unit=world.district_a, actor=world.office_city)
    )
    task_services.request_finish(world.liaison_a, item, summary="已完成")
    task_services.accept(world.office_city, fresh(item), note="同意办结")
    assigned(world, task=task, unit=world.district_b, actor=world.office_city)
    livelihood_services.create_project(
        world.office_city,
        campaign=world.campaign,
        title="加装电梯",
        lead_unit=world.street_a,
        deadline=dt.date(2099, 12, 31),
        leader_name="东城领导",
    )
    handled(world, oct_(5), world.district_a, outcome="resolved", satisfaction="satisfied")
    handled(world, oct_(6), world.street_a, outcome="resolved", satisfaction="unsatisfied")
    handled(world, oct_(7), world.district_b, outcome="unresolved")
    return Data(world)


def problem_counts(world: World, unit: Any) -> dict[str, int]:
    """Counted from the problem rows themselves (not the rollups the report reads)."""
    rows = Problem.objects.filter(campaign=world.campaign, org_path__startswith=unit.path)
    today = timezone.localdate()
    closed_rows = rows.filter(state="closed")
    return {
        "total": rows.count(),
        "closed": closed_rows.count(),
        "open": rows.exclude(state="closed").count(),
        "overdue": rows.exclude(state="closed").filter(deadline__lt=today).count(),
    }


def task_counts(world: World, unit: Any) -> dict[str, int]:
    rows = TaskAssignment.objects.filter(task__campaign=world.campaign, org_path__startswith=unit.path)
    rows = rows.filter(parent__isnull=True).exclude(state="revoked")
    return {"total": rows.count(), "done": rows.filter(state="done").count()}


def open_docx(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def table_with(document: Any, header: tuple[str, ...]) -> list[list[str]]:
    """The rows (below the header) of the first table with ``header``."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if tuple(rows[0]) == header:
            return rows[1:]
    raise AssertionError(f"no table with header {header}")


def by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows}


def text_of(document: Any) -> str:
    return "\n".join(p.text for p in document.paragraphs)
