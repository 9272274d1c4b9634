"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

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


def _canonical(event: AuditEvent) -> bytes:
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


def compute_hash(event: AuditEvent) -> str:
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
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
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
        return f"第 {self.seq} 条记录：{self.reason}"


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain() -> ChainProblem | None:
    """Walk the chain; return the first record that was altered or removed, or None if intact."""
    expected_seq, prev = 1, GENESIS
    for event in _events():
        if event.seq != expected_seq:
            return ChainProblem(expected_seq, "记录缺失（已被删除）")
        if event.prev_hash != prev:
            return ChainProblem(event.seq, "前序摘要不符（前一条记录被删除或改动）")
        if compute_hash(event) != event.hash:
            return ChainProblem(event.seq, "内容与摘要不符（记录被改动）")
        prev, expected_seq = event.hash, expected_seq + 1
    head = ChainHead.objects.filter(id=1).first()
    if head and head.seq >= expected_seq:
        return ChainProblem(expected_seq, "链尾记录缺失（已被删除）")
    return None
