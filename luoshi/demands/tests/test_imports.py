"""Bulk import of hotline tickets: states, timestamps, time limits, personal data, formats and the audit."""

from __future__ import annotations

import io
from typing import Any

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.core import crypto
from luoshi.demands.choices import DemandState, Outcome, Satisfaction
from luoshi.demands.imports import import_demands
from luoshi.demands.models import Demand, DemandImport
from luoshi.demands.tests.import_helpers import BASE, csv_bytes, local, row, run, until

pytestmark = pytest.mark.django_db

STATES = [
    (None, DemandState.RECEIVED),
    ("派单时间", DemandState.DISPATCHED),
    ("签收时间", DemandState.SIGNED),
    ("首次联系时间", DemandState.RESPONDED),
    ("办结时间", DemandState.FINISHED),
    ("回访时间", DemandState.CALLED_BACK),
    ("归档时间", DemandState.ARCHIVED),
]


def test_each_ticket_takes_the_state_of_its_last_filled_step(world):
    rows = [until(step, 工单编号=f"S{i}") for i, (step, _state) in enumerate(STATES)]
    result = run(world.dispatcher_city, rows)
    assert result.ok, result.errors
    assert result.created == len(STATES)
    found = dict(Demand.objects.values_list("number", "state"))
    assert found == {f"S{i}": state for i, (_step, state) in enumerate(STATES)}


def test_timestamps_units_and_results_are_stored(world):
    result = run(world.dispatcher_city, [row()])
    assert result.ok, result.errors
    demand = Demand.objects.get(number="T0001")
    assert demand.received_at == local("2026-03-02 08:00:00")
    assert demand.dispatched_at == local("2026-03-02 09:00:00")
    assert demand.responded_at == local("2026-03-02 10:00:00")
    assert demand.archived_at == local("2026-03-09 09:00:00")
    assert (demand.handling_unit, demand.org_path) == (world.district_a, world.district_a.path)
    assert demand.dispatcher_unit == world.city
    assert (demand.outcome, demand.satisfaction) == (Outcome.RESOLVED, Satisfaction.SATISFIED)
    assert demand.title == "3 号楼电梯停运两周"
    assert str(demand.latitude) == "39.916527"
    assert demand.import_batch_id == result.batch_id
    assert len(demand.tracking_code) == 10


def test_received_only_ticket_waits_at_the_importers_unit(world):
    result = run(world.dispatcher_city, [until(None)])
    assert result.ok, result.errors
    demand = Demand.objects.get()
    assert demand.handling_unit is None
    assert (demand.dispatcher_unit, demand.org_path) == (world.city, world.city.path)
    assert demand.sign_due is None


def test_finished_without_first_contact_counts_the_finish_as_the_response(world):
    result = run(world.dispatcher_city, [row(首次联系时间="")])
    assert result.ok, result.errors
    demand = Demand.objects.get()
    assert demand.responded_at == demand.finished_at
    assert demand.responded_on_time is False  # finished 3 days after dispatch, past the 24-hour contact limit


def test_personal_data_is_encrypted_indexed_and_masked(world):
    run(world.dispatcher_city, [row()])
    demand = Demand.objects.get()
    assert "张三丰" not in demand.citizen_name_enc
    assert "13812341234" not in demand.citizen_phone_enc
    assert crypto.decrypt(demand.citizen_name_enc) == "张三丰"
    assert crypto.decrypt(demand.citizen_phone_enc) == "13812341234"
    assert demand.citizen_phone_index == crypto.blind_index("13812341234")
    assert demand.citizen_phone_masked == "138****1234"


def test_personal_data_stays_out_of_the_audit_record(world):
    result = run(world.dispatcher_city, [row()])
    event = AuditEvent.objects.get(action=Action.IMPORT, object_type="demands.demandimport")
    assert event.after is not None
    text = f"{event.detail} {event.before} {event.after}"
    assert "张三丰" not in text
    assert "13812341234" not in text
    assert event.after["sha256"] == result.sha256
    assert len(result.sha256) == 64
    assert event.after["created"] == 1
    assert event.after["file"] == "热线.csv"
    assert event.actor == world.dispatcher_city


def test_one_audit_record_and_one_batch_per_import(world):
    before = AuditEvent.objects.count()
    rows = [row(工单编号=f"N{i}") for i in range(30)]
    result = run(world.dispatcher_city, rows)
    assert AuditEvent.objects.count() == before + 1
    batch = DemandImport.objects.get()
    assert (batch.pk, batch.count, batch.file_name) == (result.batch_id, 30, "热线.csv")
    assert batch.imported_by == world.dispatcher_city
    assert set(Demand.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_xlsx_with_excel_dates_and_numbers(world):
    cells: dict[str, Any] = row()
    cells.update({"受理时间": local("2026-03-02 08:00:00").replace(tzinfo=None), "联系电话": 13812341234})
    cells.update({"经度": 116.397128, "纬度": 39.916527})
    result = run(world.dispatcher_city, [cells], name="热线.xlsx")
    assert result.ok, result.errors
    demand = Demand.objects.get()
    assert demand.received_at == local("2026-03-02 08:00:00")
    assert crypto.decrypt(demand.citizen_phone_enc) == "13812341234"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding_hotlines_export(world, encoding):
    data = csv_bytes([row(诉求内容="噪声扰民，夜间施工𠀀")], encoding=encoding)
    result = import_demands(world.dispatcher_city, io.BytesIO(data), "热线.csv")
    assert result.ok, result.errors
    assert Demand.objects.get().content == "噪声扰民，夜间施工𠀀"


def test_columns_in_another_order_and_optional_ones_missing(world):
    headers = tuple(reversed([h for h in BASE if h not in ("地址", "经度", "纬度")]))
    data = csv_bytes([row()], headers=headers)
    result = import_demands(world.dispatcher_city, io.BytesIO(data), "x.csv")
    assert result.ok, result.errors
    assert Demand.objects.get().address == ""


def test_loose_time_formats_and_category_by_unique_name(world):
    cells = row(受理时间="2026/3/2 8:00", 派单时间="2026年3月2日 9:00", 诉求类别="物业服务")
    result = run(world.dispatcher_city, [cells])
    assert result.ok, result.errors
    demand = Demand.objects.get()
    assert demand.received_at == local("2026-03-02 08:00:00")
    assert demand.category.name == "物业服务"


def test_example_row_of_the_template_is_skipped(world):
    result = run(world.dispatcher_city, [row(工单编号="【示例】1"), row()])
    assert result.ok
    assert result.created == 1
    assert result.examples_skipped == 1


def test_progress_is_reported_up_to_the_end(world):
    seen: list[int] = []
    run(world.dispatcher_city, [row()], progress=lambda percent, message: seen.append(percent))
    assert seen == sorted(seen)
    assert seen[-1] == 100


def test_tracking_codes_are_unique(world):
    run(world.dispatcher_city, [row(工单编号=f"N{i}") for i in range(200)])
    codes = list(Demand.objects.values_list("tracking_code", flat=True))
    assert len(set(codes)) == 200
