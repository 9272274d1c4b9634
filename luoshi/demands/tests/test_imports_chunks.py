"""An import in many chunks (on PostgreSQL written while the file is still read): every ticket once, a
file rejected in a later chunk leaves nothing behind, and taken tracking codes are replaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from luoshi.demands import imports_store
from luoshi.demands.imports_rows import RowChecker
from luoshi.demands.models import Demand, DemandImport, DemandRollup
from luoshi.demands.tests.import_helpers import row, run

pytestmark = pytest.mark.django_db

CHUNK = 3


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports_store, "BUFFER_ROWS", CHUNK)


def numbered(count: int) -> list[dict[str, str]]:
    return [row(工单编号=f"N{i:04d}") for i in range(1, count + 1)]


def stored() -> tuple[int, int, int]:
    received = sum(DemandRollup.objects.values_list("received", flat=True))
    return Demand.objects.count(), DemandImport.objects.count(), received


def test_every_ticket_is_written_once(world: Any) -> None:
    result = run(world.dispatcher_city, numbered(10))
    assert result.ok, result.errors[:3]
    assert result.created == 10
    assert sorted(Demand.objects.values_list("number", flat=True)) == [f"N{i:04d}" for i in range(1, 11)]
    assert stored() == (10, 1, 10)
    assert DemandImport.objects.get().count == 10
    assert set(Demand.objects.values_list("import_batch_id", flat=True)) == {result.batch_id}


def test_number_already_stored_in_a_later_chunk_rejects_the_file(world: Any) -> None:
    assert run(world.dispatcher_city, [row(工单编号="N0009")]).ok
    result = run(world.dispatcher_city, numbered(10))
    assert [(e.row, e.column) for e in result.errors] == [(10, "工单编号")]
    assert "已存在" in result.errors[0].message
    assert stored() == (1, 1, 1)


def test_number_repeated_in_a_later_chunk_points_to_its_first_row(world: Any) -> None:
    rows = numbered(10)
    rows[8]["工单编号"] = "N0002"
    result = run(world.dispatcher_city, rows)
    assert [(e.row, e.column) for e in result.errors] == [(10, "工单编号")]
    assert "第 3 行" in result.errors[0].message
    assert stored() == (0, 0, 0)


def test_row_error_in_a_later_chunk_writes_nothing(world: Any) -> None:
    rows = numbered(10)
    rows[7]["渠道"] = "微博"
    result = run(world.dispatcher_city, rows)
    assert [(e.row, e.column) for e in result.errors] == [(9, "渠道")]
    assert stored() == (0, 0, 0)


def planned_codes(monkeypatch: pytest.MonkeyPatch, codes: list[str]) -> None:
    """The checker hands out ``codes`` first, then random codes as usual."""
    planned: Iterator[str] = iter(codes)
    original = RowChecker.tracking_code

    def tracking_code(self: RowChecker) -> str:
        return next(planned, None) or original(self)

    monkeypatch.setattr(RowChecker, "tracking_code", tracking_code)


def test_taken_tracking_codes_are_replaced_wherever_they_fall(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    planned_codes(monkeypatch, ["OLDCODE001"])
    assert run(world.dispatcher_city, [row(工单编号="OLD")]).ok
    # Row 5 takes the stored ticket's code, rows 7 and 8 share one, row 9 repeats row 2's.
    codes = [f"CODE{i:06d}" for i in range(1, 11)]
    codes[4], codes[7], codes[8] = "OLDCODE001", codes[6], codes[1]
    planned_codes(monkeypatch, codes)
    result = run(world.dispatcher_city, numbered(10))
    assert result.ok, result.errors[:3]
    assert result.created == 10
    by_number = dict(Demand.objects.values_list("number", "tracking_code"))
    assert len(set(by_number.values())) == 11
    assert by_number["OLD"] == "OLDCODE001"
    untouched = (1, 3, 4, 6, 10)
    assert [by_number[f"N{i:04d}"] for i in untouched] == [codes[i - 1] for i in untouched]
    assert stored() == (11, 2, 11)
