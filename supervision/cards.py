"""Colour cards (督办牌), set by a sweep step, with their history.

- red: the task's deadline has passed and it is not closed;
- yellow: verified progress trails the elapsed share of working days (from the directive's
  issue to the deadline) by more than `LAG_MARGIN` points, or its last report was returned;
- otherwise none.

Each change ends the current `CardEvent` and starts the next, so a red that turns yellow after
catching up stays in the history. A change is claimed with a conditional UPDATE (`WHERE card =
<old>`), so two sweeps at once record it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from supervision.conf import conf
from supervision.models import Card, CardEvent, Directive, Task
from zuofeng import measures
from zuofeng.audit.chain import PendingEvent, record_many, unit_chain
from zuofeng.workdays.calendar import end_of_day, local_date, workdays_between


class ElapsedShares:
    """Elapsed share of working days, memoised per (start day, deadline) for one sweep."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._memo: dict[tuple[dt.date, dt.date], float] = {}

    def __call__(self, start: dt.datetime, deadline: dt.date) -> float:
        key = (local_date(start), deadline)
        if key not in self._memo:
            end = end_of_day(deadline)
            total = workdays_between(start, end)
            if total <= 0:
                share = 1.0
            else:
                share = min(1.0, max(0.0, workdays_between(start, self.now) / total))
            self._memo[key] = share
        return self._memo[key]


def target_card(
    *,
    deadline: dt.date,
    started: dt.datetime,
    verified: float,
    returned: bool,
    now: dt.datetime,
    elapsed: ElapsedShares,
) -> tuple[str, str]:
    """(card, reason) a task that is not closed should show now."""
    if now > end_of_day(deadline):
        return Card.RED, f"已超过完成时限（{deadline:%Y-%m-%d}）"
    share = 100.0 * elapsed(started, deadline)
    margin = float(conf("LAG_MARGIN"))
    if share - verified > margin:
        return (
            Card.YELLOW,
            f"核实进度 {verified:.0f}% 落后于时间进度 {share:.0f}%（超过 {margin:.0f} 个百分点）",
        )
    if returned:
        return Card.YELLOW, "进展报送被退回"
    return Card.NONE, ""


def sweep_cards(now: dt.datetime) -> dict[str, int]:
    """The sweep step: bring every open task's card up to date."""
    elapsed = ElapsedShares(now)
    rows = list(
        Task.objects.filter(directive__status=Directive.Status.ISSUED)
        .select_related("directive")
        .only(
            "id",
            "title",
            "unit_id",
            "deadline",
            "verified_progress",
            "returned_for_quality",
            "status",
            "card",
            "card_reason",
            "created_at",
            "directive__issued_at",
            "directive__status",
            "due_at",
            "clock_started_at",
        )
    )
    counts = {"yellow": 0, "red": 0, "none": 0}
    changes: list[tuple[Task, str, str]] = []
    for task in rows:
        if task.status == Task.Status.CLOSED:
            new, reason = Card.NONE, ""
        else:
            started = max(task.directive.issued_at or task.created_at, task.created_at)
            new, reason = target_card(
                deadline=task.deadline,
                started=started,
                verified=task.verified_progress,
                returned=task.returned_for_quality,
                now=now,
                elapsed=elapsed,
            )
        if new != task.card or (new != Card.NONE and reason != task.card_reason):
            changes.append((task, new, reason))
    for task, new, reason in changes:
        with transaction.atomic():
            claimed = Task.objects.filter(
                pk=task.pk, card=task.card, card_reason=task.card_reason
            ).update(card=new, card_reason=reason, lagging=reason.startswith("核实进度"))
            if not claimed:
                continue
            before_attr = measures.attribution(task)
            if new != task.card:
                CardEvent.objects.filter(task=task, ended_at__isnull=True).update(ended_at=now)
                if new != Card.NONE:
                    CardEvent.objects.create(task=task, card=new, reason=reason, started_at=now)
            else:
                CardEvent.objects.filter(task=task, ended_at__isnull=True).update(reason=reason)
            record_many(
                actor=None,
                events=[
                    PendingEvent(
                        action="supervision.card",
                        object_type="supervision.task",
                        object_id=str(task.pk),
                        object_label=task.title[:200],
                        before={"card": task.card, "card_reason": task.card_reason},
                        after={"card": new, "card_reason": reason},
                        chain=unit_chain(task.unit_id),
                    )
                ],
            )
            task.card, task.card_reason = new, reason
            measures.mark_changed(task, before=before_attr)
            counts[str(new)] += 1
    return counts


def card_history(task: Task) -> list[CardEvent]:
    return list(task.card_history.all())


def cards_of(tasks: Any) -> dict[str, int]:
    out = {Card.YELLOW.value: 0, Card.RED.value: 0}
    for task in tasks:
        if task.card in out:
            out[task.card] += 1
    return out
