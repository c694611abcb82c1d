"""Write and verify audit events.

`record()` must be called inside the transaction that makes the change it describes:
if the change rolls back, so does its event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from zuofeng.audit.models import AuditChainHead, AuditEvent
from zuofeng.bulk import insert_rows

GENESIS_HASH = "0" * 64


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


def compute_hash(event: AuditEvent) -> str:
    return _hash(
        event.prev_hash,
        event.created_at,
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.object_label,
        event.before,
        event.after,
        event.reason,
    )


def _hash(
    prev: str,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str,
) -> str:
    payload = {
        "prev": prev,
        "at": at.isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "type": object_type,
        "id": object_id,
        "label": object_label,
        "before": before,
        "after": after,
        "reason": reason,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _actor(actor: Any) -> tuple[Any, str]:
    """The user to link (None for the system or an anonymous visitor) and the name to keep."""
    user = None if actor is None or isinstance(actor, AnonymousUser) else actor
    return user, (user.get_full_name() or user.get_username()) if user else "系统"


def _locked_head() -> AuditChainHead:
    # Locking the head row serialises writers, so two concurrent events never share a parent.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_hash": GENESIS_HASH}
    )
    return head


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
) -> AuditEvent:
    """Append one event to the chain. `actor` is a user or None for the system."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change")
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_label = str(obj)[:200]
    else:
        object_label = ""
    user, label = _actor(actor)
    head = _locked_head()
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
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    AuditChainHead.objects.filter(id=1).update(last_hash=event.hash)
    return event


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    problem: str


def verify_chain(batch_size: int = 2000) -> BrokenLink | None:
    """Return the first event whose link or content does not verify, or None if all do."""
    expected_prev = GENESIS_HASH
    for event in _iter_events(batch_size):
        if event.prev_hash != expected_prev:
            return BrokenLink(event.id, "上一条记录的哈希不匹配（记录被删除或插入）")
        if compute_hash(event) != event.hash:
            return BrokenLink(event.id, "记录内容与哈希不符（记录被篡改）")
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_hash != expected_prev:
        return BrokenLink(0, "链头与最后一条记录不符（末尾记录被删除）")
    return None


def _iter_events(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The before/after summary of the named fields of a record."""
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        result[name] = getattr(obj, field.attname)
    return _canonical(result)


@dataclass(frozen=True)
class PendingEvent:
    """One event for `record_many`."""

    action: str
    object_type: str
    object_id: str
    object_label: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""


def record_many(*, actor: Any, events: list[PendingEvent]) -> int:
    """Append many events in one locked pass (the clock sweep may change thousands of duties).

    Same chain as `record()`: each event hashes its predecessor; only the inserts are batched.
    """
    if not events:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the transaction of the change")
    user, label = _actor(actor)
    head = _locked_head()
    now = timezone.now()
    actor_id = user.pk if user else None
    prev = head.last_hash
    rows = []
    for pending in events:
        before = _canonical(pending.before or {})
        after = _canonical(pending.after or {})
        digest = _hash(
            prev,
            now,
            actor_id,
            label,
            pending.action,
            pending.object_type,
            pending.object_id,
            pending.object_label[:200],
            before,
            after,
            pending.reason,
        )
        rows.append(
            SimpleNamespace(
                created_at=now,
                actor_id=actor_id,
                actor_label=label,
                action=pending.action,
                object_type=pending.object_type,
                object_id=pending.object_id,
                object_label=pending.object_label[:200],
                before=before,
                after=after,
                reason=pending.reason,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    # In chain order, straight through the driver (COPY on PostgreSQL): a sweep may write
    # 100,000 events.
    insert_rows(AuditEvent, rows)
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)
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
