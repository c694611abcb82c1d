"""The cases' periodic step (run by `manage.py sweep` after the warnings and escalations):
deemed acceptance when the acceptance limit runs out.

Idempotent and safe to run twice at once: each case goes through its own action, which locks
the row and re-checks the state, so a case another process (or a clerk) already moved is
skipped."""

from __future__ import annotations

import datetime as dt

from cases import actions
from cases.models import Case
from zuofeng.transitions import Conflict


def sweep_acceptance(now: dt.datetime) -> dict[str, int]:
    counts = {"acceptance_clock_started": 0, "deemed_accepted": 0}
    # Cases received before the acceptance clock existed get one, from receipt.
    waiting = Case.objects.filter(status=Case.Status.SUBMITTED, clock_started_at__isnull=True)
    for pk in list(waiting.values_list("pk", flat=True)):
        try:
            actions.start_acceptance_clock(case=Case(pk=pk), at=now)
        except Conflict:
            continue
        counts["acceptance_clock_started"] += 1
    lapsed = Case.objects.filter(
        status=Case.Status.SUBMITTED,
        clock_phase=Case.ClockPhase.ACCEPTANCE,
        clock_started_at__isnull=False,
        clock_stopped_at__isnull=True,
        clock_paused_at__isnull=True,
        due_at__lt=now,
    )
    for pk in list(lapsed.values_list("pk", flat=True)):
        try:
            actions.deem_acceptance(case=Case(pk=pk), at=now)
        except Conflict:
            continue
        counts["deemed_accepted"] += 1
    return counts
