"""Periodic job: the default rating for decided cases nobody rated in time."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

BATCH = 2000


def apply_default_ratings(now: dt.datetime) -> dict[str, int]:
    """Give the district's default level to cases decided more than N natural days ago and
    still unrated. Off unless RATING_DEFAULT_LEVEL is set; idempotent (one rating per case)."""
    from cases.models import Case
    from evaluations.actions import RATABLE_STATUSES, rate_case
    from evaluations.models import Evaluation
    from zuofeng.transitions import Conflict

    level = int(settings.ZUOFENG["RATING_DEFAULT_LEVEL"])
    if not level:
        return {}
    cutoff = now - dt.timedelta(days=int(settings.ZUOFENG["RATING_DEFAULT_AFTER_DAYS"]))
    due = list(
        Case.objects.filter(
            status__in=RATABLE_STATUSES, decided_at__lte=cutoff, evaluation__isnull=True
        )
        # Oldest first, so a backlog larger than one batch drains in order.
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    rated = 0
    for case in Case.objects.filter(pk__in=due):
        try:
            rate_case(
                actor=None,
                case=case,
                level=level,
                source=Evaluation.Source.DEFAULT,
                is_default=True,
                at=now,
            )
        except Conflict:
            continue  # rated by the applicant meanwhile, or by another sweep
        rated += 1
    return {"default_ratings": rated} if rated else {}
