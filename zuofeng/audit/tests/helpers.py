from __future__ import annotations

from django.utils import timezone

from zuofeng.audit.chain import compute_hash, record
from zuofeng.audit.models import AuditEvent


def make_events(count: int, chain: str = "system") -> list[AuditEvent]:
    """`count` events appended to `chain`, and the chain's events in order."""
    for n in range(count):
        record(
            actor=None,
            action="test.step",
            object_type="test.thing",
            object_id=str(n),
            after={"n": n},
            chain=chain,
        )
    return list(AuditEvent.objects.filter(chain=chain).order_by("seq"))


def make_legacy_events(count: int, chain: str) -> list[AuditEvent]:
    """Events as written before keyed hashing: plain SHA-256, no key id."""
    prev, events = "0" * 64, []
    for n in range(count):
        event = AuditEvent(
            created_at=timezone.now(),
            actor_label="系统",
            action="old",
            object_type="t",
            object_id=str(n),
            chain=chain,
            seq=n + 1,
            key_id="",
            prev_hash=prev,
        )
        event.hash = prev = compute_hash(event)
        event.save()
        events.append(event)
    return events
