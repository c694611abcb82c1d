"""State changes of the working-day calendar: an admin enters, corrects or deletes days of the
State Council's holiday notice (调休上班日, extra rest days, a statutory day made working).

The open duties whose deadlines the change moves are recomputed, audited and their units
notified in the same transaction (`zuofeng.duty.recompute`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from zuofeng.audit.chain import record, snapshot
from zuofeng.duty.recompute import recompute_deadlines
from zuofeng.workdays.calendar import clear_cache
from zuofeng.workdays.models import DayOverride

DAY_FIELDS = ["date", "is_workday", "name"]


@contextmanager
def _calendar_change() -> Iterator[None]:
    """One transaction for the change and the deadlines it moves. Saving a day clears this
    process's calendar cache at once (signals) so the recomputation sees it; clearing again
    when the transaction ends keeps a rolled-back day out of the cache."""
    try:
        with transaction.atomic():
            yield
            transaction.on_commit(clear_cache)
    finally:
        clear_cache()


def save_day_override(*, actor: Any, override: DayOverride) -> int:
    """Add or edit one day; returns how many open deadlines moved."""
    with _calendar_change():
        previous = (
            DayOverride.objects.select_for_update().filter(pk=override.pk).first()
            if override.pk
            else None
        )
        override.full_clean()
        override.save()
        record(
            actor=actor,
            action="workdays.save_day_override",
            obj=override,
            before=snapshot(previous, DAY_FIELDS) if previous else {},
            after=snapshot(override, DAY_FIELDS),
        )
        # An edit that moves the day to another date changes both dates.
        changed_from = min(override.date, previous.date) if previous else override.date
        return recompute_deadlines(actor=actor, changed_from=changed_from)


def delete_day_overrides(*, actor: Any, overrides: Sequence[DayOverride]) -> int:
    """Delete days (they fall back to the library or the statutory rules); returns how many
    open deadlines moved."""
    if not overrides:
        return 0
    with _calendar_change():
        for override in overrides:
            record(
                actor=actor,
                action="workdays.delete_day_override",
                obj=override,
                before=snapshot(override, DAY_FIELDS),
            )
        DayOverride.objects.filter(pk__in=[override.pk for override in overrides]).delete()
        return recompute_deadlines(
            actor=actor, changed_from=min(override.date for override in overrides)
        )
