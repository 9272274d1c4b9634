"""Tamper evidence: ``luoshi verify_audit`` and the chain under concurrent appends."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection

from luoshi.audit.models import Action, AuditEvent, ChainHead
from luoshi.audit.services import chain_report, record, verify_chain
from luoshi.core.errors import RuleViolation
from luoshi.testing.concurrency import SharedDatabase

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[int]:
    """Nine records in a fresh chain; returns their seqs."""
    return [record(Action.UPDATE, object_type="test.thing", object_id=str(i), detail=f"第{i}次").seq for i in range(9)]


def sql(statement: str, *params: str | int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def verify_fails_with(message: str) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert message in str(exc.value)


def test_intact_chain_exits_zero(chain: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    execute_from_command_line(["luoshi", "verify_audit"])  # returns normally: exit status 0
    assert f"审计日志完整：共 {len(chain)} 条记录" in capsys.readouterr().out


def test_changed_field_of_a_middle_record_is_named(chain: list[int]) -> None:
    middle = chain[4]
    sql("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", "改过了", middle)
    verify_fails_with(f"第 {middle} 条记录：内容与摘要不符")
    problem = verify_chain()
    assert problem is not None
    assert problem.seq == middle


def test_changed_ip_of_a_middle_record_is_named(chain: list[int]) -> None:
    middle = chain[3]
    sql("UPDATE audit_auditevent SET ip = %s WHERE seq = %s", "10.9.9.9", middle)
    verify_fails_with(f"第 {middle} 条记录")


def test_deleted_middle_record_is_named(chain: list[int]) -> None:
    middle = chain[5]
    sql("DELETE FROM audit_auditevent WHERE seq = %s", middle)
    verify_fails_with(f"第 {middle} 条记录：记录缺失")


def test_deleted_last_record_is_detected(chain: list[int]) -> None:
    last = chain[-1]
    sql("DELETE FROM audit_auditevent WHERE seq = %s", last)
    verify_fails_with(f"第 {last} 条记录：链尾记录缺失")


def test_deleted_first_record_is_detected(chain: list[int]) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 1")
    verify_fails_with("第 1 条记录：记录缺失")


def test_failure_exits_non_zero(chain: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    sql("UPDATE audit_auditevent SET actor_name = %s WHERE seq = %s", "someone", chain[2])
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["luoshi", "verify_audit"])
    assert exc.value.code == 1
    assert f"第 {chain[2]} 条记录" in capsys.readouterr().err


def test_the_application_refuses_to_delete_or_change_records(chain: list[int]) -> None:
    event = AuditEvent.objects.get(seq=chain[0])
    with pytest.raises(RuleViolation):
        event.delete()
    with pytest.raises(RuleViolation):
        AuditEvent.objects.filter(seq__lte=chain[2]).delete()
    with pytest.raises(RuleViolation):
        AuditEvent.objects.filter(seq=chain[1]).update(detail="x")
    event.detail = "x"
    with pytest.raises(RuleViolation):
        event.save()
    assert AuditEvent.objects.count() == len(chain)
    assert verify_chain() is None


def test_head_tracks_the_last_record(chain: list[int]) -> None:
    head = ChainHead.objects.get(id=1)
    last = AuditEvent.objects.get(seq=chain[-1])
    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert chain_report().checked == len(chain)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain() -> None:
    """Appends from several connections serialise on the ChainHead row: no gap, no fork."""

    def append(worker: int) -> None:
        for i in range(15):
            record(Action.UPDATE, object_type="test.thing", object_id=f"{worker}-{i}")

    shared = SharedDatabase()
    shared.run(append, 4)
    seqs = shared.read(lambda: sorted(AuditEvent.objects.values_list("seq", flat=True)))
    assert seqs == list(range(1, 61))
    assert shared.read(verify_chain) is None


def test_a_walk_with_a_time_budget_says_it_stopped_early() -> None:
    for i in range(1001):
        record(Action.UPDATE, object_type="test.thing", object_id=str(i))
    report = chain_report(max_seconds=0)
    assert report.problem is None
    assert not report.complete
    assert not report.intact
    assert report.checked < 1001
    assert chain_report().intact
