"""Concurrent changes to the same rollup row all add up (atomic upserts with F() increments).

On PostgreSQL the threads really race on the row. The in-memory SQLite test database shares one cache,
where a busy writer makes others fail at once with "table is locked" instead of waiting as the
busy timeout of a real SQLite file does; the threads then wait and retry, as that timeout would.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from luoshi.demands import rollups
from luoshi.demands.models import Category, Demand, DemandRollup
from luoshi.testing.world import World, build_world

THREADS, EACH = 4, 10


def _ticket(world: World, category: Category) -> Demand:
    """An unsaved ticket of 东城区: only its facts are used."""
    at = dt.datetime(2026, 10, 8, 9, tzinfo=dt.UTC)
    return Demand(
        received_at=at,
        dispatcher_unit=world.city,
        handling_unit=world.district_a,
        org_path=world.district_a.path,
        category=category,
        responded_on_time=True,
    )


def _add_one(world: World, category: Category) -> None:
    for _attempt in range(500):
        try:
            with transaction.atomic():
                rollups.on_demand_saved(None, _ticket(world, category))
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.005)
        else:
            return
    raise AssertionError("never got the write lock")


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_tickets_of_a_row_all_count() -> None:
    world = build_world()
    category = Category.objects.create(name="并发测试")
    start, errors = threading.Barrier(THREADS), []

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                _add_one(world, category)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    row = DemandRollup.objects.get()
    assert (row.received, row.response_due, row.responded_on_time) == (THREADS * EACH,) * 3
