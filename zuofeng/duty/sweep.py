"""Advance every duty clock: warning levels, escalations, notifications.

Set-based, so a million open duties cost a few queries, and safe to run twice at once:
each transition is claimed by a conditional UPDATE (`... WHERE warning_level = <old>`),
and only the process whose UPDATE returned the row writes the events and notifications.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When

from zuofeng.audit.chain import PendingEvent, record_many, unit_chain
from zuofeng.duty.clock import sweep_thresholds
from zuofeng.duty.models import Escalation, EscalationLevel, Notification, WarningLevel
from zuofeng.duty.registry import DutyKind, registered_duties, registered_steps

CHUNK = 1000

WARNING_TITLES = {
    WarningLevel.BLUE: "临近期限",
    WarningLevel.YELLOW: "今日到期",
    WarningLevel.RED: "已超期",
}
ESCALATION_AUDIENCE: dict[int, str] = {
    EscalationLevel.HEAD: Notification.Audience.UNIT_HEAD,
    EscalationLevel.OFFICE: Notification.Audience.OFFICE,
}


@dataclass
class SweepResult:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, name: str, key: str, value: int) -> None:
        self.counts.setdefault(name, {}).setdefault(key, 0)
        self.counts[name][key] += value


def running(kind: DutyKind) -> Any:
    return kind.model.objects.filter(
        clock_started_at__isnull=False, clock_stopped_at__isnull=True, clock_paused_at__isnull=True
    )


def target_warning(now: dt.datetime) -> Case:
    """The SQL twin of clock.warning_for for running duties (tested to agree)."""
    limits = sweep_thresholds(now)
    return Case(
        When(due_at__lt=limits["red_before"], then=Value(WarningLevel.RED.value)),
        When(
            Q(due_at__lte=limits["yellow_until"]) | Q(returned_for_quality=True),
            then=Value(WarningLevel.YELLOW.value),
        ),
        When(due_at__lte=limits["blue_until"], then=Value(WarningLevel.BLUE.value)),
        default=Value(WarningLevel.NONE.value),
    )


def target_escalation(now: dt.datetime) -> Case:
    """The SQL twin of clock.escalation_for for running duties."""
    limits = sweep_thresholds(now)
    return Case(
        When(
            due_at__lt=limits["red_before"],
            due_at__lte=limits["office_until"],
            then=Value(EscalationLevel.OFFICE.value),
        ),
        When(due_at__lt=limits["red_before"], then=Value(EscalationLevel.HEAD.value)),
        default=Value(EscalationLevel.NONE.value),
    )


def _claim(
    kind: DutyKind, column: str, new: Any, old_condition: str, old: Any, ids: list[Any]
) -> set[Any]:
    """UPDATE the rows still in the old state; return the ids this process claimed."""
    meta = kind.model._meta
    quote = connection.ops.quote_name
    pk = quote(meta.pk.column)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {quote(column)} = %s "
        f"WHERE {pk} IN ({placeholders}) AND {quote(column)} {old_condition} %s "
        # Re-check the clock: staff may have decided or paused the duty since it was read.
        f"AND {quote('clock_stopped_at')} IS NULL AND {quote('clock_paused_at')} IS NULL "
        f"RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [new, *ids, old])
        return {row[0] for row in cursor.fetchall()}


def _advance_warnings(kind: DutyKind, now: dt.datetime, result: SweepResult) -> None:
    unit_id = f"{kind.unit_field}_id"
    candidates = (
        running(kind)
        .annotate(target_level=target_warning(now))
        .exclude(warning_level=F("target_level"))
        .values_list("pk", "warning_level", "target_level", unit_id, kind.label_field)
    )
    # Read all candidates before claiming: a cursor left open across the UPDATEs would
    # see rows change under it (SQLite) or hold a server-side cursor (PostgreSQL).
    for chunk in _chunks(list(candidates)):
        groups: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for row in chunk:
            groups[(row[1], row[2])].append(row)
        with transaction.atomic():
            events: list[PendingEvent] = []
            digest = NotificationDigest(kind, now)
            for (old, new), rows in groups.items():
                claimed = _claim(kind, "warning_level", new, "=", old, [r[0] for r in rows])
                for pk, _, _, unit, label in (r for r in rows if r[0] in claimed):
                    events.append(
                        PendingEvent(
                            action="duty.warning",
                            object_type=kind.object_type,
                            object_id=str(pk),
                            object_label=str(label),
                            before={"warning_level": old},
                            after={"warning_level": new},
                            chain=unit_chain(unit),  # the unit's own chain, as its actions
                        )
                    )
                    if new in WARNING_TITLES:
                        what = WARNING_TITLES[WarningLevel(new)]
                        digest.add(
                            unit, Notification.Audience.UNIT_STAFF, what, pk, label, level=new
                        )
                result.add(kind.object_type, f"warning→{new}", len(claimed))
            record_many(actor=None, events=events)
            digest.save()


def _advance_escalations(kind: DutyKind, now: dt.datetime, result: SweepResult) -> None:
    unit_id = f"{kind.unit_field}_id"
    candidates = (
        running(kind)
        .annotate(target_escalation=target_escalation(now))
        .filter(escalation_level__lt=F("target_escalation"))
        .values_list(
            "pk", "escalation_level", "target_escalation", unit_id, kind.label_field, "due_at"
        )
    )
    # Read all candidates before claiming: a cursor left open across the UPDATEs would
    # see rows change under it (SQLite) or hold a server-side cursor (PostgreSQL).
    for chunk in _chunks(list(candidates)):
        groups: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
        for row in chunk:
            groups[(row[1], row[2])].append(row)
        with transaction.atomic():
            events: list[PendingEvent] = []
            escalations: list[Escalation] = []
            digest = NotificationDigest(kind, now)
            for (old, new), rows in groups.items():
                claimed = _claim(kind, "escalation_level", new, "<", new, [r[0] for r in rows])
                for pk, _, _, unit, label, due_at in (r for r in rows if r[0] in claimed):
                    events.append(
                        PendingEvent(
                            action="duty.escalate",
                            object_type=kind.object_type,
                            object_id=str(pk),
                            object_label=str(label),
                            before={"escalation_level": old},
                            after={"escalation_level": new},
                            chain=unit_chain(unit),
                        )
                    )
                    # Jumping two levels at once (the sweep was not run for days) still
                    # records the head's level first: both count against the unit.
                    for level in range(old + 1, new + 1):
                        level = EscalationLevel(level)
                        escalations.append(
                            Escalation(
                                duty_type=kind.object_type,
                                duty_id=str(pk),
                                duty_label=str(label),
                                unit_id=unit,
                                level=level,
                                created_at=now,
                                due_at=due_at,
                            )
                        )
                        digest.add(
                            unit, ESCALATION_AUDIENCE[level], f"超期{level.label}", pk, label
                        )
                result.add(kind.object_type, f"escalation→{new}", len(claimed))
            record_many(actor=None, events=events)
            Escalation.objects.bulk_create(escalations, batch_size=CHUNK, ignore_conflicts=True)
            digest.save()


class NotificationDigest:
    """One notification per unit, audience and change, not one per duty: a unit whose forty
    cases turn red at midnight gets one message listing them, not forty."""

    def __init__(self, kind: DutyKind, now: dt.datetime) -> None:
        self.kind = kind
        self.now = now
        self.items: dict[tuple[Any, str, str], list[tuple[Any, Any, str]]] = defaultdict(list)

    def add(
        self, unit: Any, audience: str, what: str, pk: Any, label: Any, level: str = ""
    ) -> None:
        self.items[(unit, audience, what)].append((pk, label, level))

    def save(self) -> None:
        name = self.kind.model._meta.verbose_name
        notes = []
        for (unit, audience, what), duties in self.items.items():
            if len(duties) == 1:
                pk, label, _ = duties[0]
                title, link = f"{name} {label} {what}", self.kind.link(pk)
            else:
                labels = "、".join(str(label) for _, label, _ in duties[:3])
                level = duties[0][2]
                title = f"{len(duties)} 件{name}{what}：{labels}等"
                link = self.kind.list_link(level=level) if level else self.kind.list_link()
                # A kind without a list page: the inbox still leads somewhere useful.
                link = link or self.kind.link(duties[0][0])
            notes.append(
                Notification(
                    unit_id=unit,
                    audience=audience,
                    title=title[:200],
                    link=link,
                    created_at=self.now,
                )
            )
        Notification.objects.bulk_create(notes, batch_size=CHUNK)


def _chunks(iterator: Any) -> Any:
    chunk: list[Any] = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def sweep(now: dt.datetime) -> SweepResult:
    """One pass over every registered duty and periodic step."""
    result = SweepResult()
    for kind in registered_duties():
        _advance_warnings(kind, now, result)
        _advance_escalations(kind, now, result)
    for name, step in registered_steps():
        for key, value in step(now).items():
            result.add(name, key, value)
    return result
