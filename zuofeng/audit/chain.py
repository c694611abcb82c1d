"""Write audit events (verification: verify.py, re-exported here).

`record()` must be called inside the transaction that makes the change it describes:
if the change rolls back, so does its event.

Events go to one chain per unit ("unit:<pk>") or to the "system" chain, each with its own
head row; a writer locks only its chain's head, so writers for different units do not wait
for each other.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from zuofeng.audit.keys import current_key, key_by_id, keyed_digest, legacy_digest
from zuofeng.audit.models import AuditChainHead, AuditEvent
from zuofeng.bulk import insert_rows

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"


_SCALARS = (str, int, float, bool, type(None))


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so hashing sees exactly what the database stores."""
    if type(value) is dict:
        flat = _flat(value)
        if flat is not None:
            return flat
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _flat(value: dict[Any, Any]) -> dict[str, Any] | None:
    """What the JSON round trip gives for a flat dict of strings, numbers, booleans and
    None (choices become their plain values), without the round trip; None for any other
    dict. Events are recorded by the thousand, and most look like this."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if type(key) is not str:
            return None
        kind = type(item)
        if kind in _SCALARS:
            out[key] = item
        elif isinstance(item, str):  # TextChoices
            out[key] = str.__str__(item)
        elif isinstance(item, int) and not isinstance(item, bool):  # IntegerChoices
            out[key] = int.__int__(item)
        else:
            return None
    return out


def compute_hash(event: Any) -> str | None:
    """The hash `event` (an AuditEvent, or any object with its attnames) must carry:
    HMAC-SHA256, under the key its `key_id` names, of its content, its place in its chain and
    its predecessor's hash; plain SHA-256 of content and predecessor for a legacy event
    (empty `key_id`). None when the key is not configured."""
    payload = {
        "prev": event.prev_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "type": event.object_type,
        "id": event.object_id,
        "label": event.object_label,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }
    if not event.key_id:
        return legacy_digest(payload)
    key = key_by_id(event.key_id)
    if key is None:
        return None
    payload.update(chain=event.chain, seq=event.seq, key=event.key_id)
    return keyed_digest(key, payload)


def unit_chain(unit_id: Any) -> str:
    return f"unit:{unit_id}"


def chain_for(obj: models.Model | None) -> str:
    """The chain of events about `obj`: its unit's (a complaint's handling unit, else the
    unit complained about; a unit's own), or the system chain for records without a unit."""
    if obj is None:
        return SYSTEM_CHAIN
    if obj._meta.label_lower == "org.unit":
        return unit_chain(obj.pk)
    for attname in ("handling_unit_id", "unit_id"):
        unit_id = getattr(obj, attname, None)
        if unit_id is not None:
            return unit_chain(unit_id)
    return SYSTEM_CHAIN


def _chain(chain: str | None, unit: Any, obj: models.Model | None) -> str:
    if chain:
        return chain
    if unit is not None:
        return unit_chain(unit.pk if isinstance(unit, models.Model) else unit)
    return chain_for(obj)


def _actor(actor: Any) -> tuple[Any, str]:
    """The user to link (None for the system or an anonymous visitor) and the name to keep."""
    user = None if actor is None or isinstance(actor, AnonymousUser) else actor
    return user, (user.get_full_name() or user.get_username()) if user else "系统"


def _locked_head(chain: str) -> AuditChainHead:
    # Locking the chain's head row serialises the writers of that chain only, so two events
    # never share a parent while other units' writers go on.
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(chain=chain).first()
    if head is None:
        # The first writers of a new chain may race: each inserts the genesis head, the
        # database keeps one (ON CONFLICT DO NOTHING), and all then lock that one.
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, seq=0, last_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = heads.get(chain=chain)
    return head


def _move_head(chain: str, seq: int, last_hash: str) -> None:
    AuditChainHead.objects.filter(chain=chain).update(seq=seq, last_hash=last_hash)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    chain: str | None = None,
    unit: Any = None,
) -> AuditEvent:
    """Append one event to its chain. `actor` is a user or None for the system. The chain is
    `chain`, else `unit`'s (a Unit or its pk), else derived from `obj` (`chain_for`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change")
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_label = str(obj)[:200]
    else:
        object_label = ""
    chain = _chain(chain, unit, obj)
    user, label = _actor(actor)
    kid, _key = current_key()
    head = _locked_head(chain)
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        before=_canonical(before or {}),
        after=_canonical(after or {}),
        reason=reason,
        chain=chain,
        seq=head.seq + 1,
        key_id=kid,
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    _move_head(chain, event.seq, event.hash)
    return event


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The before/after summary of the named fields of a record."""
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        result[name] = getattr(obj, field.attname)
    return _canonical(result)


@dataclass(frozen=True)
class PendingEvent:
    """One event for `record_many`; `chain` empty: the chain given to `record_many`."""

    action: str
    object_type: str
    object_id: str
    object_label: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""
    chain: str = ""


def record_many(
    *, actor: Any, events: list[PendingEvent], chain: str | None = None, unit: Any = None
) -> int:
    """Append many events in one locked pass (the clock sweep may change thousands of duties).

    Same chains as `record()`: each event hashes its predecessor in its chain; only the
    inserts are batched. An event goes to its own `chain`, else to `chain`/`unit` given
    here, else to the system chain.
    """
    if not events:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the transaction of the change")
    default_chain = _chain(chain, unit, None)
    user, label = _actor(actor)
    kid, _key = current_key()
    now = timezone.now()
    actor_id = user.pk if user else None
    by_chain: dict[str, list[PendingEvent]] = defaultdict(list)
    for pending in events:
        by_chain[pending.chain or default_chain].append(pending)
    rows = []
    heads: list[AuditChainHead] = []
    # Heads locked in one order (sorted) by every record_many: two sweeps writing to the same
    # chains wait for each other instead of deadlocking.
    for name in sorted(by_chain):
        head = _locked_head(name)
        prev, seq = head.last_hash, head.seq
        for pending in by_chain[name]:
            seq += 1
            row = SimpleNamespace(
                created_at=now,
                actor_id=actor_id,
                actor_label=label,
                action=pending.action,
                object_type=pending.object_type,
                object_id=pending.object_id,
                object_label=pending.object_label[:200],
                before=_canonical(pending.before or {}),
                after=_canonical(pending.after or {}),
                reason=pending.reason,
                chain=name,
                seq=seq,
                key_id=kid,
                prev_hash=prev,
            )
            row.hash = prev = compute_hash(row)
            rows.append(row)
        head.seq, head.last_hash = seq, prev
        heads.append(head)
    # In chain order, straight through the driver (COPY on PostgreSQL): a sweep may write
    # 100,000 events. The heads move after their events exist (the head trigger checks it).
    insert_rows(AuditEvent, rows)
    for head in heads:
        _move_head(head.chain, head.seq, head.last_hash)
    return len(rows)


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    fields: list[str],
    before: dict[str, Any],
    reason: str = "",
) -> AuditEvent:
    """Record only what changed: `before` is `snapshot(obj, fields)` taken before the change."""
    after = snapshot(obj, fields)
    changed = [key for key in after if after[key] != before.get(key)]
    return record(
        actor=actor,
        action=action,
        obj=obj,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
        reason=reason,
    )


# Verification lives in its own module; callers import it from here as before.
from zuofeng.audit.verify import BrokenLink, verify_chain  # noqa: E402

__all__ = [
    "GENESIS_HASH",
    "SYSTEM_CHAIN",
    "BrokenLink",
    "PendingEvent",
    "chain_for",
    "compute_hash",
    "record",
    "record_change",
    "record_many",
    "snapshot",
    "verify_chain",
]
