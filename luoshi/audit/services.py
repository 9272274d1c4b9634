"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.models import Action, AuditEvent, ChainHead
from luoshi.core import context

GENESIS = "0" * 64
REDACTED_FIELDS = frozenset({"password"})


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON-safe dict of an object's own fields, for before/after records."""
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    for name in list(data):
        if name in REDACTED_FIELDS or name in exclude:
            data.pop(name)
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


CHAIN_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "detail",
    "before",
    "after",
    "prev_hash",
    "hash",
)


class ChainedRecord(Protocol):
    """What the hash covers: an ``AuditEvent`` or a row of ``CHAIN_FIELDS`` read without building models."""

    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    ip: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    detail: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


def _canonical(event: ChainedRecord) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "request_id": event.request_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "detail": event.detail,
        "before": event.before,
        "after": event.after,
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def compute_hash(event: ChainedRecord) -> str:
    return sm3_hex(_canonical(event))


def _normalise(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    detail: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=user,
            actor_name=actor_name or (user.get_username() if user else ""),
            ip=ctx.ip if ctx else "",
            request_id=ctx.request_id if ctx else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            detail=detail[:200],
            before=_normalise(before),
            after=_normalise(after),
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def record_change(actor: Any, obj: models.Model, before: dict[str, Any] | None, detail: str = "") -> AuditEvent:
    """Record a create (``before`` is None) or an update with only the fields that changed."""
    after = snapshot(obj)
    if before is None:
        return record(Action.CREATE, actor=actor, obj=obj, after=after, detail=detail)
    changed = {k for k in after if before.get(k) != after.get(k)}
    return record(
        Action.UPDATE,
        actor=actor,
        obj=obj,
        before={k: before.get(k) for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
        detail=detail,
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return _("第 {seq} 条记录：{reason}").format(seq=self.seq, reason=self.reason)


def _events(upto: int | None, batch: int = 5000) -> Iterator[ChainedRecord]:
    last = 0
    events = AuditEvent.objects.all() if upto is None else AuditEvent.objects.filter(seq__lte=upto)
    rows = events.order_by("seq").values_list(*CHAIN_FIELDS, named=True)
    while True:
        chunk: list[Any] = list(rows.filter(seq__gt=last)[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the chain: how many records matched, the first problem if any, and
    whether the walk reached the head (a walk with a time budget may stop early without a problem)."""

    checked: int
    problem: ChainProblem | None
    complete: bool = True

    @property
    def intact(self) -> bool:
        return self.problem is None and self.complete


def _first_problem(event: ChainedRecord, expected_seq: int, prev: str) -> ChainProblem | None:
    if event.seq != expected_seq:
        return ChainProblem(expected_seq, _("记录缺失（已被删除）"))
    if event.prev_hash != prev:
        return ChainProblem(event.seq, _("前序摘要不符（前一条记录被删除或改动）"))
    if compute_hash(event) != event.hash:
        return ChainProblem(event.seq, _("内容与摘要不符（记录被改动）"))
    return None


def chain_report(max_seconds: float | None = None) -> ChainReport:
    """Walk the chain from the first record up to the head as it is now; stop at the first problem.

    Records appended while the walk runs lie past the head read at the start and are left for the
    next check. With ``max_seconds`` the walk stops when the time is up and says how far it got.
    """
    stop_at = None if max_seconds is None else time.monotonic() + max_seconds
    head = ChainHead.objects.filter(id=1).first()
    expected_seq, prev = 1, GENESIS
    for event in _events(head.seq if head else None):
        problem = _first_problem(event, expected_seq, prev)
        if problem is not None:
            return ChainReport(expected_seq - 1, problem)
        prev, expected_seq = event.hash, expected_seq + 1
        if stop_at is not None and expected_seq % 1000 == 0 and time.monotonic() > stop_at:
            return ChainReport(expected_seq - 1, None, complete=False)
    checked = expected_seq - 1
    if head and head.seq > checked:
        return ChainReport(checked, ChainProblem(expected_seq, _("链尾记录缺失（已被删除）")))
    if head and head.hash != prev:
        return ChainReport(checked, ChainProblem(checked, _("与链头摘要不符（最后一条记录被改动或替换）")))
    return ChainReport(checked, None)


def verify_chain() -> ChainProblem | None:
    """Walk the chain; return the first record that was altered or removed, or None if intact."""
    return chain_report().problem
