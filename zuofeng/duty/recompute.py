"""Move open deadlines after an admin changed the working-day calendar.

An admin who enters the State Council's notice for a predicted year (or corrects any day)
changes how many working days lie between a duty's start and its deadline. Every duty whose
clock is started and not stopped, and whose deadline falls on or after the earliest changed
day, gets the deadline the clock gives with the calendar as it now is; a deadline before that
day is untouched, since counting up to it never looked at the changed days.

Runs inside the admin's transaction: the calendar change, the moved deadlines, their audit
events, the units' notifications and the rollup marks commit or roll back together. The
deadlines move by bulk UPDATE, outside the one state-change path, so the marks are made here:
for every measures source of the duty's model that depends on `due_at` (attributed by it, as
lateness by the month the deadline passes, or with a measure that changes when it passes),
the unit-days a moved duty counted for before and counts for after. Warning levels follow at
the next `sweep`.

Working days already counted as paused (补正) when a clock resumed are a recorded fact and are
not recounted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from zuofeng import measures
from zuofeng.audit.chain import PendingEvent, record_many
from zuofeng.duty.clock import recompute_due
from zuofeng.duty.models import Notification
from zuofeng.duty.registry import DutyKind, registered_duties
from zuofeng.duty.sweep import NotificationDigest
from zuofeng.workdays.calendar import LOCAL_TZ, frozen, local_date

ACTION = "duty.deadline_recomputed"
CHUNK = 1000


def recompute_deadlines(*, actor: Any, changed_from: dt.date) -> int:
    """Recompute `due_at` of open duties due on or after `changed_from` (a local date); audit
    each moved deadline and notify the accountable units. Returns how many deadlines moved."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "recompute_deadlines() must run inside the calendar change's transaction"
        )
    since = dt.datetime.combine(changed_from, dt.time.min, tzinfo=LOCAL_TZ)
    reason = f"节假日调整：{changed_from:%Y-%m-%d} 起的工作日安排有变，按新安排重新计算期限"
    now = timezone.now()
    with frozen():
        return sum(_recompute(kind, since, reason, actor, now) for kind in registered_duties())


def _recompute(
    kind: DutyKind, since: dt.datetime, reason: str, actor: Any, now: dt.datetime
) -> int:
    unit_id = f"{kind.unit_field}_id"
    columns = ["clock_started_at", "limit_workdays", "paused_workdays", "due_at", unit_id]
    if kind.label_field != "pk":
        columns.append(kind.label_field)
    sources = _sources_of_deadline(kind.model)
    for source in sources:
        columns += [source.unit_column, source.time_field]
    columns = list(dict.fromkeys(columns))
    open_duties = (
        kind.model.objects.filter(
            clock_started_at__isnull=False, clock_stopped_at__isnull=True, due_at__gte=since
        )
        .only(*columns)
        .order_by("pk")
    )
    digest = NotificationDigest(kind, now)
    moved = 0
    last_pk = None
    while True:
        page = open_duties if last_pk is None else open_duties.filter(pk__gt=last_pk)
        # Locked: a duty stopped or given an extension meanwhile must not get a deadline
        # computed from the fields read here.
        batch = list(page.select_for_update()[:CHUNK])
        if not batch:
            break
        last_pk = batch[-1].pk
        moved_to: dict[dt.datetime, list[Any]] = defaultdict(list)
        marks: dict[str, set[measures.Attribution]] = defaultdict(set)
        events = []
        for duty in batch:
            before = duty.due_at
            counted_before = [(source, source.attribution(duty)) for source in sources]
            recompute_due(duty)
            if duty.due_at == before:
                continue
            for source, pair in counted_before:
                marks[source.key].update(
                    found for found in (pair, source.attribution(duty)) if found is not None
                )
            assert before is not None and duty.due_at is not None  # filtered on due_at
            label = getattr(duty, kind.label_field)
            moved_to[duty.due_at].append(duty.pk)
            events.append(
                PendingEvent(
                    action=ACTION,
                    object_type=kind.object_type,
                    object_id=str(duty.pk),
                    object_label=str(label),
                    # Both in local time, as people read deadlines (read back in UTC); as
                    # strings, the chain's fast path for a hundred thousand events.
                    before={"due_at": _local(before)},
                    after={"due_at": _local(duty.due_at)},
                    reason=reason,
                )
            )
            new_day = local_date(duty.due_at)
            digest.add(
                getattr(duty, unit_id),
                Notification.Audience.UNIT_STAFF,
                f"因节假日调整，截止日期改为{new_day.year}年{new_day.month}月{new_day.day}日",
                duty.pk,
                label,
            )
        # Deadlines end at the end of a day, so a batch moves to a few distinct values: one
        # UPDATE per value instead of bulk_update's CASE over every row.
        for due_at, pks in moved_to.items():
            kind.model.objects.filter(pk__in=pks).update(due_at=due_at)
        for key, pairs in marks.items():
            measures.mark_pairs(key, sorted(pairs))
        record_many(actor=actor, events=events)
        moved += len(events)
    digest.save()
    return moved


def _sources_of_deadline(model: Any) -> list[measures.Source]:
    """The measures sources of a duty model that a moved `due_at` changes: attributed to the
    deadline's day, or with a measure that depends on the deadline having passed."""
    label = model._meta.label_lower
    return [
        source
        for source in measures.SOURCES.values()
        if source.label == label
        and (source.time_field == "due_at" or "due_at" in source.deadline_fields)
    ]


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds")
