"""Helpers that make key tasks and put assignments into any state through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from luoshi.orgs.models import Unit, UnitKind
from luoshi.orgs.services import create_unit
from luoshi.tasks import services
from luoshi.tasks.choices import AssignRole, Cycle, State
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.testing.world import World


def make_task(world: World, *, actor: Any = None, title: str = "推进老旧小区改造", **kw: Any) -> Task:
    """A task of the city's campaign issued by district A's office (or ``actor``), due in 60 days."""
    campaign = kw.pop("campaign", world.campaign)
    params: dict[str, Any] = {
        "campaign": campaign,
        "title": title,
        "source": services.sources_for(campaign)[0],
        "unit": world.district_a,
        "due_on": dt.date.today() + dt.timedelta(days=60),
        "weight": Decimal(1),
        "cycle": Cycle.MONTHLY,
    }
    params.update(kw)
    return services.create_task(actor or world.office_a, **params)


def assigned(world: World, *, task: Task | None = None, unit: Unit | None = None, **kw: Any) -> TaskAssignment:
    """A task assigned to ``unit`` (district A's street by default), waiting to be signed."""
    task = task or make_task(world, title=kw.pop("title", "推进老旧小区改造"))
    due_on = kw.pop("due_on", task.due_on)
    role = kw.pop("role", AssignRole.LEAD)
    actor = kw.pop("actor", world.office_a)
    result = services.assign(actor, task, units=[unit or world.street_a], role=role, due_on=due_on, **kw)
    return result.created[0]


def fresh(assignment: TaskAssignment) -> TaskAssignment:
    return TaskAssignment.objects.select_related("task__campaign").get(pk=assignment.pk)


def in_state(world: World, state: str, **kw: Any) -> TaskAssignment:
    """An assignment moved into ``state`` the way people would: signed by district A's liaison, and so on."""
    item = assigned(world, **kw)
    if state == State.PENDING_SIGN:
        return fresh(item)
    item = services.sign(world.liaison_a, item)
    if state == State.REVOKED:
        return services.revoke(world.office_a, item, reason="任务调整")
    if state == State.IN_PROGRESS:
        return fresh(item)
    services.request_finish(world.liaison_a, item, summary="已按要求完成")
    if state == State.FINISH_REQUESTED:
        return fresh(item)
    return services.accept(world.office_a, fresh(item), note="同意办结")


def streets(world: World, count: int, parent: Unit | None = None) -> list[Unit]:
    """``count`` more streets under district A (or ``parent``), made through the org service."""
    kind = UnitKind.objects.get(code="street")
    parent = parent or world.district_a
    return [
        create_unit(None, name=f"{parent.name}第{i}街道", code=f"{parent.code}-S{i:05d}", kind=kind, parent=parent)
        for i in range(1, count + 1)
    ]


def bulk_streets(world: World, count: int, parent: Unit | None = None) -> list[Unit]:
    """``count`` streets under ``parent`` in one insert (paths made as the org service makes them)."""
    from luoshi.core import paths

    parent = Unit.objects.get(pk=(parent or world.district_a).pk)
    kind = UnitKind.objects.get(code="street")
    first = parent.child_seq + 1
    units = [
        Unit(
            name=f"{parent.name}批量街道{n}",
            code=f"{parent.code}-B{n:05d}",
            kind=kind,
            parent=parent,
            path=paths.child_path(parent.path, n),
            level=parent.level + 1,
        )
        for n in range(first, first + count)
    ]
    Unit.objects.bulk_create(units, batch_size=1000)
    Unit.objects.filter(pk=parent.pk).update(child_seq=first + count - 1)
    return list(Unit.objects.filter(parent=parent, code__startswith=f"{parent.code}-B").order_by("path"))
