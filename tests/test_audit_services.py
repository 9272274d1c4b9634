"""Audit services called directly: the SM3 digest, snapshots, record hashes and change records."""

from __future__ import annotations

import json

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.services import CHAIN_FIELDS, compute_hash, record, record_change, sm3_hex, snapshot
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def test_sm3_hex_matches_the_standard_test_vectors() -> None:
    """GB/T 32905-2016, appendix A."""
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_snapshot_is_json_safe_and_never_holds_a_password(world: World) -> None:
    data = snapshot(world.liaison_a)
    assert "password" not in data
    assert data["username"] == "liaison_a"
    json.dumps(data)
    unit = snapshot(world.district_a, exclude=("path",))
    assert "path" not in unit
    assert unit["name"] == "东城区"
    assert snapshot(world.campaign)["starts_on"] == "2026-01-01"


def test_compute_hash_covers_the_record_as_stored(world: World) -> None:
    event = record(Action.UPDATE, actor=world.office_a, obj=world.district_a, detail="核对")
    assert compute_hash(event) == event.hash
    row = AuditEvent.objects.filter(seq=event.seq).values_list(*CHAIN_FIELDS, named=True).get()
    assert compute_hash(row) == event.hash
    event.detail = "篡改"
    assert compute_hash(event) != event.hash


def test_record_change_records_a_create_whole_and_an_update_by_changed_fields(world: World) -> None:
    street = world.street_a
    created = record_change(world.office_a, street, None)
    assert created.action == Action.CREATE
    assert (created.after or {})["name"] == "东城街道"
    before = snapshot(street)
    street.name, street.leaders = "东城新街道", "张三"
    street.save()
    updated = record_change(world.office_a, street, before, detail="改名")
    before_fields, after_fields = updated.before or {}, updated.after or {}
    assert updated.action == Action.UPDATE
    assert {"name", "leaders"} <= set(after_fields)
    assert "code" not in after_fields
    assert (before_fields["name"], after_fields["name"]) == ("东城街道", "东城新街道")
    assert updated.detail == "改名"
    assert updated.prev_hash == created.hash
