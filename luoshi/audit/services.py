"""Writing and verifying the keyed hash chain of the audit log, and signed checkpoints of its head (docs/audit.md)."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit import keys
from luoshi.audit.labels import identifier
from luoshi.audit.models import Action, AuditEvent, ChainHead
from luoshi.core import context

GENESIS = "0" * 64
REDACTED_FIELDS = frozenset({"password", "tracking_code"})


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
    "key_id",
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
    key_id: str
    prev_hash: str
    hash: str


def canonical(event: ChainedRecord, keyed: bool = True) -> bytes:
    """The bytes a record's hash covers: its fields, the key id and the previous hash, as sorted JSON.
    ``keyed=False`` gives the body of the unkeyed chain before keys (for the upgrade migration only)."""
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
    if keyed:
        body["key"] = event.key_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def compute_hash(event: ChainedRecord) -> str:
    """HMAC-SM3 of the record under the key its ``key_id`` names; "" when no configured key has that id."""
    key = keys.keyring().get(event.key_id)
    return key.mac(canonical(event)) if key else ""


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
        object_repr = object_repr or identifier(obj)
    user = actor if getattr(actor, "is_authenticated", False) else None
    key = keys.current_key()
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
            key_id=key.id,
            prev_hash=head.hash,
        )
        event.hash = key.mac(canonical(event))
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


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that record ``seq`` had hash ``hash`` at time ``at`` (kept outside the database)."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        body = {"format": CHECKPOINT_FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at, "key": self.key_id}
        return b"luoshi-audit-checkpoint\x00" + json.dumps(body, sort_keys=True).encode()

    def as_json(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "key_id": self.key_id,
            "signature": self.signature,
        }


CHECKPOINT_FORMAT = "luoshi-audit-checkpoint/1"


def _first_problem(event: ChainedRecord, expected_seq: int, prev: str) -> ChainProblem | None:
    if event.seq != expected_seq:
        return ChainProblem(expected_seq, _("记录缺失（已被删除）"))
    if event.prev_hash != prev:
        return ChainProblem(event.seq, _("前序摘要不符（前一条记录被删除或改动）"))
    if event.key_id not in keys.keyring():
        return ChainProblem(event.seq, _("签名密钥未知（记录被伪造，或缺少已停用的密钥）"))
    if compute_hash(event) != event.hash:
        return ChainProblem(event.seq, _("内容与摘要不符（记录被改动）"))
    return None


def _anchor_problem(event: ChainedRecord, anchor: Checkpoint | None) -> ChainProblem | None:
    if anchor is not None and event.seq == anchor.seq and event.hash != anchor.hash:
        return ChainProblem(event.seq, _("与检查点记录的摘要不符（此前的记录被重写）"))
    return None


def chain_report(max_seconds: float | None = None, anchor: Checkpoint | None = None) -> ChainReport:
    """Walk the chain from the first record up to the head as it is now; stop at the first problem.

    Records appended while the walk runs lie past the head read at the start and are left for the
    next check. With ``max_seconds`` the walk stops when the time is up and says how far it got. With an
    ``anchor`` (a verified checkpoint) the record it names must still carry the hash it had then.
    """
    stop_at = None if max_seconds is None else time.monotonic() + max_seconds
    head = ChainHead.objects.filter(id=1).first()
    expected_seq, prev = 1, GENESIS
    for event in _events(head.seq if head else None):
        problem = _first_problem(event, expected_seq, prev) or _anchor_problem(event, anchor)
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
    if anchor is not None and checked < anchor.seq:
        return ChainReport(checked, ChainProblem(checked + 1, _("检查点之前的记录缺失（链尾被截断）")))
    return ChainReport(checked, None)


def verify_chain() -> ChainProblem | None:
    """Walk the chain; return the first record that was altered or removed, or None if intact."""
    return chain_report().problem


# --- checkpoints ---------------------------------------------------------------------------------


class CheckpointRefused(ValueError):
    """The checkpoint file is unreadable, unsigned by a known key, or altered."""


def take_checkpoint() -> Checkpoint:
    """The chain head now, signed with HMAC-SM3 under the current audit key."""
    head = ChainHead.objects.filter(id=1).first()
    key = keys.current_key()
    unsigned = Checkpoint(
        seq=head.seq if head else 0,
        hash=head.hash if head else GENESIS,
        at=timezone.now().isoformat(timespec="seconds"),
        key_id=key.id,
    )
    return replace(unsigned, signature=key.mac(unsigned.payload()))


def checkpoint_dir() -> Path:
    return Path(settings.DATA_DIR) / "audit_checkpoints"


def write_checkpoint(out: Path | None = None) -> tuple[Path, Checkpoint]:
    """Write a signed checkpoint as JSON, by default to ``DATA_DIR/audit_checkpoints/<date-time>.json``."""
    checkpoint = take_checkpoint()
    if out is None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        out = checkpoint_dir() / f"checkpoint-{stamp}-{checkpoint.seq}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(checkpoint.as_json(), ensure_ascii=False, indent=2) + "\n")
    return out, checkpoint


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file whose signature verifies under a configured audit key, or ``CheckpointRefused``."""
    try:
        data = json.loads(path.read_text())
        checkpoint = Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointRefused(_("检查点文件无法读取：{error}").format(error=exc)) from exc
    if data.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointRefused(_("不是审计检查点文件。"))
    key = keys.keyring().get(checkpoint.key_id)
    if key is None:
        raise CheckpointRefused(_("检查点由未知密钥 {key_id} 签名，不予采信。").format(key_id=checkpoint.key_id))
    if not hmac.compare_digest(key.mac(checkpoint.payload()), checkpoint.signature):
        raise CheckpointRefused(_("检查点签名不符：文件被改动或不是本系统签发，不予采信。"))
    return checkpoint
