"""A forger with write access to the database cannot rewrite the keyed chain; checkpoints catch truncation."""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from luoshi.audit import keys
from luoshi.audit.models import Action, AuditEvent, ChainHead
from luoshi.audit.services import (
    CHAIN_FIELDS,
    GENESIS,
    CheckpointRefused,
    canonical,
    chain_report,
    checkpoint_dir,
    read_checkpoint,
    record,
    sm3_hex,
    take_checkpoint,
    write_checkpoint,
)
from luoshi.audit.tasks import daily_checkpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[int]:
    return [record(Action.UPDATE, object_type="test.thing", object_id=str(i), detail=f"第{i}次").seq for i in range(8)]


def sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def rows() -> list[Any]:
    return list(AuditEvent.objects.order_by("seq").values_list(*CHAIN_FIELDS, named=True))


def forge(target: int, sign: Any, key_id: str | None = None) -> None:
    """What someone who can write the database does: change a record, then recompute every hash after it
    and the chain head, so the chain links up again."""
    sql("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", "伪造的说明", target)
    prev = GENESIS
    for row in rows():
        if row.seq >= target:
            row = row._replace(prev_hash=prev, key_id=key_id or row.key_id)
            digest = sign(row)
            sql(
                "UPDATE audit_auditevent SET prev_hash = %s, key_id = %s, hash = %s WHERE seq = %s",
                prev,
                row.key_id,
                digest,
                row.seq,
            )
            row = row._replace(hash=digest)
        prev = row.hash
    sql("UPDATE audit_chainhead SET hash = %s WHERE id = 1", prev)


def verify(*args: str) -> str:
    try:
        call_command("verify_audit", *args)
    except CommandError as exc:
        return str(exc)
    return ""


def test_records_carry_the_key_id_and_an_hmac_not_a_plain_digest(chain: list[int]) -> None:
    event = AuditEvent.objects.get(seq=chain[0])
    assert event.key_id == keys.current_key().id
    assert event.hash != sm3_hex(canonical(event))
    assert event.hash == keys.current_key().mac(canonical(event))
    assert verify() == ""


def test_a_chain_recomputed_with_plain_sm3_fails_naming_the_record(chain: list[int]) -> None:
    forge(chain[3], lambda row: sm3_hex(canonical(row)))
    assert f"第 {chain[3]} 条记录：内容与摘要不符" in verify()
    assert chain_report().problem is not None


def test_a_chain_recomputed_with_the_forgers_own_key_fails_naming_the_record(chain: list[int]) -> None:
    wrong = keys.parse_key(os.urandom(32).hex(), "test")
    forge(chain[2], lambda row: wrong.mac(canonical(row)))
    assert f"第 {chain[2]} 条记录：内容与摘要不符" in verify()
    sql("UPDATE audit_auditevent SET key_id = %s WHERE seq >= %s", wrong.id, chain[5])
    forge(chain[2], lambda row: wrong.mac(canonical(row)), key_id=wrong.id)
    assert f"第 {chain[2]} 条记录：签名密钥未知" in verify()


def test_failure_exits_non_zero(chain: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    forge(chain[1], lambda row: sm3_hex(canonical(row)))
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["luoshi", "verify_audit"])
    assert exc.value.code == 1
    assert f"第 {chain[1]} 条记录" in capsys.readouterr().err


def test_checkpoint_command_writes_a_signed_file_that_verifies(chain: list[int], tmp_path: Path) -> None:
    out = tmp_path / "cp.json"
    call_command("audit_checkpoint", "--out", str(out))
    data = json.loads(out.read_text())
    assert (data["seq"], data["hash"]) == (chain[-1], AuditEvent.objects.get(seq=chain[-1]).hash)
    assert data["key_id"] == keys.current_key().id
    assert read_checkpoint(out).seq == chain[-1]
    record(Action.UPDATE, object_type="test.thing", object_id="later")
    execute_from_command_line(["luoshi", "verify_audit", "--checkpoint", str(out)])  # exit status 0


def test_a_checkpoint_taken_before_a_forgery_fails(chain: list[int], tmp_path: Path) -> None:
    out, checkpoint = write_checkpoint(tmp_path / "before.json")
    forge(chain[4], lambda row: keys.current_key().mac(canonical(row)))  # even with the real key
    assert verify() == ""  # the keyed chain alone cannot tell: whoever holds the key can re-sign
    message = verify("--checkpoint", str(out))
    assert f"第 {checkpoint.seq} 条记录：与检查点记录的摘要不符" in message


def test_a_checkpoint_catches_a_truncated_tail(chain: list[int], tmp_path: Path) -> None:
    out, _checkpoint = write_checkpoint(tmp_path / "cp.json")
    kept = AuditEvent.objects.get(seq=chain[5])
    sql("DELETE FROM audit_auditevent WHERE seq > %s", kept.seq)
    sql("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", kept.seq, kept.hash)
    assert verify() == ""
    assert f"第 {kept.seq + 1} 条记录：检查点之前的记录缺失" in verify("--checkpoint", str(out))


@pytest.mark.parametrize(("field", "value"), [("seq", 3), ("hash", "0" * 64), ("at", "2020-01-01T00:00:00+00:00")])
def test_a_tampered_checkpoint_file_is_refused(chain: list[int], tmp_path: Path, field: str, value: Any) -> None:
    out, _checkpoint = write_checkpoint(tmp_path / "cp.json")
    data = json.loads(out.read_text())
    out.write_text(json.dumps({**data, field: value}))
    with pytest.raises(CheckpointRefused):
        read_checkpoint(out)
    assert "检查点签名不符" in verify("--checkpoint", str(out))


def test_an_unreadable_or_foreign_checkpoint_is_refused(chain: list[int], tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert "检查点文件无法读取" in verify("--checkpoint", str(garbage))
    assert "检查点文件无法读取" in verify("--checkpoint", str(tmp_path / "missing.json"))
    out, _checkpoint = write_checkpoint(tmp_path / "cp.json")
    data = json.loads(out.read_text())
    out.write_text(json.dumps({**data, "key_id": "k00000000000"}))
    assert "未知密钥" in verify("--checkpoint", str(out))


def test_the_daily_task_writes_a_checkpoint_under_the_data_dir(chain: list[int], tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        path = Path(daily_checkpoint.call_local())
        assert path.parent == checkpoint_dir() == tmp_path / "audit_checkpoints"
        assert read_checkpoint(path).seq == chain[-1]
    assert daily_checkpoint.name == "audit.daily_checkpoint"
    assert take_checkpoint().hash == ChainHead.objects.get(id=1).hash


def test_rotation_keeps_old_records_verifiable_with_the_retired_key(chain: list[int], tmp_path: Path) -> None:
    old = keys.current_key()
    new_secret = os.urandom(32).hex()
    (tmp_path / keys.RETIRED_FILE).write_text(f"# retired 2026-12\n{old.secret.hex()}\n")
    with override_settings(LUOSHI_AUDIT_KEY=new_secret, DATA_DIR=tmp_path):
        event = record(Action.UPDATE, object_type="test.thing", object_id="after-rotation")
        assert event.key_id == keys.parse_key(new_secret, "test").id != old.id
        assert verify() == ""
        out, _checkpoint = write_checkpoint(tmp_path / "cp.json")
        assert verify("--checkpoint", str(out)) == ""
    with override_settings(LUOSHI_AUDIT_KEY=new_secret, LUOSHI_AUDIT_OLD_KEYS=[old.secret.hex()]):
        assert verify() == ""
    with override_settings(LUOSHI_AUDIT_KEY=new_secret):
        assert f"第 {chain[0]} 条记录：签名密钥未知" in verify()


def test_a_malformed_key_is_a_configuration_error() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(LUOSHI_AUDIT_KEY="not-hex"), pytest.raises(ImproperlyConfigured):
        keys.current_key()


def test_the_upgrade_rechains_an_intact_unkeyed_chain_and_refuses_a_broken_one(chain: list[int]) -> None:
    migration = importlib.import_module("luoshi.audit.migrations.0003_keyed_chain")
    state_apps = MigrationLoader(connection).project_state(("audit", "0003_keyed_chain")).apps
    prev = GENESIS
    for row in rows():  # the chain as the release before keys wrote it: plain SM3, no key id
        row = row._replace(prev_hash=prev, key_id="")
        digest = sm3_hex(canonical(row, keyed=False))
        sql("UPDATE audit_auditevent SET prev_hash = %s, key_id = '', hash = %s WHERE seq = %s", prev, digest, row.seq)
        prev = digest
    sql("UPDATE audit_chainhead SET hash = %s WHERE id = 1", prev)
    assert "签名密钥未知" in verify()
    sql("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", "改过", chain[2])
    with pytest.raises(RuntimeError, match=f"record {chain[2]}"):
        migration.rechain(state_apps, None)
    sql("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", "第2次", chain[2])
    migration.rechain(state_apps, None)
    assert verify() == ""
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {keys.current_key().id}
