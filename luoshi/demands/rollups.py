"""Daily rollups of demand figures (日汇总), kept as tickets change; rates and lists read only these.

A ticket counts once, in the row of the day it was received (local time), the unit that holds it
(the handling unit once dispatched, the dispatcher unit before), its category, company and project.
Its counts say where it stands now:

- ``received``: 1 for every ticket;
- ``response_due``: 1 once its response was judged (``responded_on_time`` is True or False);
- ``responded_on_time``: 1 if the citizen was contacted within the time limit;
- ``finished``: 1 once finished (办结, an outcome is set); ``resolved``: 1 if the outcome is resolved;
- ``rated``: 1 once the callback gave a satisfaction; ``satisfied`` / ``basic``: 1 for 满意 / 基本满意.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.demands.models import Demand, DemandRollup

COUNTS: tuple[str, ...] = (
    "received",
    "response_due",
    "responded_on_time",
    "finished",
    "resolved",
    "rated",
    "satisfied",
    "basic",
)
KEY_FIELDS: tuple[str, ...] = ("day", "unit_id", "category_id", "company_key", "project_key")


@dataclass(frozen=True)
class RollupKey:
    """Which rollup row a ticket counts in."""

    day: dt.date
    unit_id: int
    category_id: int
    company_key: int
    project_key: int
    org_path: str

    def lookup(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in KEY_FIELDS}


@dataclass(frozen=True)
class Facts:
    """A ticket's contribution to the rollups: its row and its counts (in the order of ``COUNTS``)."""

    key: RollupKey
    counts: tuple[int, ...]


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def facts(demand: Demand) -> Facts:
    """What a ticket contributes to the rollups right now (taken before a change, compared after)."""
    unit_id = demand.handling_unit_id or demand.dispatcher_unit_id
    key = RollupKey(
        day=demand.received_at.astimezone(local_zone()).date(),
        unit_id=unit_id,
        category_id=demand.category_id,
        company_key=demand.company_id or 0,
        project_key=demand.project_id or 0,
        org_path=demand.org_path,
    )
    finished = bool(demand.outcome)
    rated = bool(demand.satisfaction)
    counts = (
        1,
        int(demand.responded_on_time is not None),
        int(demand.responded_on_time is True),
        int(finished),
        int(finished and demand.outcome == Outcome.RESOLVED),
        int(rated),
        int(rated and demand.satisfaction == Satisfaction.SATISFIED),
        int(rated and demand.satisfaction == Satisfaction.BASIC),
    )
    return Facts(key, counts)


def _add(key: RollupKey, counts: tuple[int, ...]) -> None:
    """Add ``counts`` (may be negative) to the row of ``key``, creating it if needed; safe under concurrency."""
    changes = {name: F(name) + n for name, n in zip(COUNTS, counts, strict=True) if n}
    if not changes:
        return
    rows = DemandRollup.objects.filter(**key.lookup())
    if rows.update(**changes, org_path=key.org_path):
        return
    # A missing row: insert an empty one (a concurrent insert of the same row wins silently), then add.
    empty = DemandRollup(org_path=key.org_path, **key.lookup())
    DemandRollup.objects.bulk_create([empty], ignore_conflicts=True)
    rows.update(**changes, org_path=key.org_path)


def _subtract(key: RollupKey, counts: tuple[int, ...]) -> None:
    _add(key, tuple(-n for n in counts))
    DemandRollup.objects.filter(received=0, **key.lookup()).delete()


def on_demand_saved(before: Facts | None, demand: Demand) -> None:
    """Move the ticket's contribution from ``before`` to its current facts, inside the caller's transaction."""
    after = facts(demand)
    if before == after:
        return
    with transaction.atomic():
        if before is None:
            _add(after.key, after.counts)
        elif before.key.lookup() == after.key.lookup():
            _add(after.key, tuple(a - b for a, b in zip(after.counts, before.counts, strict=True)))
        else:
            _subtract(before.key, before.counts)
            _add(after.key, after.counts)


def _recomputed(demands: QuerySet[Demand]) -> QuerySet[Demand, dict[str, Any]]:
    """One grouped query over raw tickets giving every rollup row, the same counts as ``facts``."""
    rated = Q(satisfaction__gt="")
    return (
        demands.annotate(
            r_day=TruncDate("received_at", tzinfo=local_zone()),
            r_unit=Coalesce("handling_unit_id", "dispatcher_unit_id"),
            r_company=Coalesce("company_id", 0),
            r_project=Coalesce("project_id", 0),
        )
        .values("r_day", "r_unit", "category_id", "r_company", "r_project", "org_path")
        .annotate(
            received=Count("pk"),
            response_due=Count("pk", filter=Q(responded_on_time__isnull=False)),
            responded_on_time=Count("pk", filter=Q(responded_on_time=True)),
            finished=Count("pk", filter=Q(outcome__gt="")),
            resolved=Count("pk", filter=Q(outcome=Outcome.RESOLVED)),
            rated=Count("pk", filter=rated),
            satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
        )
        .order_by()
    )


def _row(group: dict[str, Any]) -> DemandRollup:
    return DemandRollup(
        day=group["r_day"],
        unit_id=group["r_unit"],
        category_id=group["category_id"],
        company_key=group["r_company"],
        project_key=group["r_project"],
        org_path=group["org_path"],
        **{name: group[name] for name in COUNTS},
    )


def recomputed_rows() -> Iterator[DemandRollup]:
    """The rollup rows as they should be, computed from raw tickets (streamed)."""
    for group in _recomputed(Demand.objects.all()).iterator(chunk_size=5000):
        yield _row(group)


def rebuild(batch_size: int = 5000) -> int:
    """Replace every rollup row by a recomputation from raw tickets; returns the number of rows written."""
    written = 0
    with transaction.atomic():
        DemandRollup.objects.all().delete()
        batch: list[DemandRollup] = []
        for row in recomputed_rows():
            batch.append(row)
            if len(batch) >= batch_size:
                written += len(DemandRollup.objects.bulk_create(batch))
                batch = []
        written += len(DemandRollup.objects.bulk_create(batch))
    return written
