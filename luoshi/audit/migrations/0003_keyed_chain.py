"""Key the audit chain: every record gets a key id and its hash becomes HMAC-SM3 under the audit key.

Existing records were chained with plain SM3. The upgrade first verifies that unkeyed chain from the first
record to the head and stops, naming the first altered or removed record, if it is broken (a broken chain
must stay visible: investigate, restore from a backup, then upgrade). An intact chain is re-chained in place
under the current audit key (``LUOSHI_AUDIT_KEY`` or ``DATA_DIR/audit_key``), oldest first. See docs/audit.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

BATCH = 2000


def _rows(AuditEvent: Any) -> Any:
    last = 0
    rows = AuditEvent.objects.order_by("seq")
    while True:
        chunk = list(rows.filter(seq__gt=last)[:BATCH])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].seq


def rechain(apps: Any, schema_editor: Any) -> None:
    from luoshi.audit.keys import current_key
    from luoshi.audit.services import GENESIS, canonical, sm3_hex

    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    head = ChainHead.objects.filter(id=1).first()
    key = current_key()
    expected, old_prev, new_prev = 1, GENESIS, GENESIS
    for chunk in _rows(AuditEvent):
        for event in chunk:
            intact = event.prev_hash == old_prev and sm3_hex(canonical(event, keyed=False)) == event.hash
            if event.seq != expected or not intact:
                raise RuntimeError(
                    f"audit chain broken at record {expected}: run `luoshi verify_audit` before upgrading"
                )
            old_prev = event.hash
            event.prev_hash, event.key_id = new_prev, key.id
            event.hash = new_prev = key.mac(canonical(event))
            expected += 1
        AuditEvent.objects.bulk_update(chunk, ["prev_hash", "key_id", "hash"])
    if head is not None:
        if head.seq != expected - 1 or head.hash != old_prev:
            raise RuntimeError("audit chain head does not match the last record: run `luoshi verify_audit`")
        head.hash = new_prev
        head.save(update_fields=["hash"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_retention_and_filter_indexes")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16, verbose_name="密钥编号"),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
