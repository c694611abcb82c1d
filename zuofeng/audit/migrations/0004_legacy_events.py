"""Events written before keyed hashing stay as they are (plain SHA-256, key id empty) and
become the start of the system chain, numbered in their old order; nothing is recomputed,
so nothing that was tampered with before is laundered. One keyed event then seals them: it
names their number and last hash, and verification accepts legacy events only before such a
seal, so a chain recomputed later without the key cannot pass itself off as legacy.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

SYSTEM_CHAIN = "system"
GENESIS_HASH = "0" * 64


def seal_legacy_events(apps: Any, schema_editor: Any) -> None:
    from zuofeng.audit.chain import compute_hash
    from zuofeng.audit.keys import current_key
    from zuofeng.audit.verify import LEGACY_SEAL_ACTION

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    ids = list(events.order_by("id").values_list("id", flat=True))
    if not ids:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE audit_auditevent SET chain = %s, seq = %s, key_id = '' WHERE id = %s",
            [(SYSTEM_CHAIN, seq, pk) for seq, pk in enumerate(ids, start=1)],
        )
    last = events.get(pk=ids[-1])
    kid, _key = current_key()
    seal = AuditEvent(
        created_at=timezone.now(),
        actor=None,
        actor_label="系统",
        action=LEGACY_SEAL_ACTION,
        object_type="audit.auditchainhead",
        object_id=SYSTEM_CHAIN,
        object_label="",
        before={},
        after={"legacy_events": len(ids), "last_legacy_hash": last.hash},
        reason="启用密钥哈希（HMAC）之前的记录（SHA-256）到此为止",
        chain=SYSTEM_CHAIN,
        seq=len(ids) + 1,
        key_id=kid,
        prev_hash=last.hash,
    )
    seal.hash = compute_hash(seal)
    seal.save()
    AuditChainHead.objects.using(schema_editor.connection.alias).create(
        chain=SYSTEM_CHAIN, seq=seal.seq, last_hash=seal.hash
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chains")]

    operations = [migrations.RunPython(seal_legacy_events, migrations.RunPython.noop)]
