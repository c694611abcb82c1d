"""The three rates (三率) per handling unit per month, and the records behind each number.

Attribution: a complaint counts for the unit that must answer it (`handling_unit`) and for
the month it was routed to that unit (`triaged_at`, local time). Each rate is a numerator
and a denominator, each a condition on complaints (`PARTS`); the page's numbers and the
drill-down lists come from the same conditions, so a number and its list always agree.

- response rate (响应率): responded by the response deadline / routed and either
  responded or past the response deadline;
- resolution rate (办结率): first answer by the resolution deadline / routed and either
  answered or past the resolution deadline;
- satisfaction rate (满意率): 满意 or 基本满意 at the callback / callbacks with an answer
  (联系不上 is not an answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from complaints.models import Complaint
from zuofeng.periods import month_range, month_start

MEASURES = {
    "response": "响应率",
    "resolution": "办结率",
    "satisfaction": "满意率",
}
ANSWERED_CALLBACKS = (
    Complaint.Callback.SATISFIED,
    Complaint.Callback.BASIC,
    Complaint.Callback.DISSATISFIED,
)


def parts(now: dt.datetime) -> dict[tuple[str, str], Q]:
    """(measure, "numerator" | "denominator") → the condition selecting those complaints."""
    responded_on_time = Q(responded_at__isnull=False, responded_at__lte=F("respond_due_at"))
    answered_on_time = Q(
        first_answered_at__isnull=False, first_answered_at__lte=F("resolve_due_at")
    )
    return {
        ("response", "numerator"): responded_on_time,
        ("response", "denominator"): Q(responded_at__isnull=False) | Q(respond_due_at__lt=now),
        ("resolution", "numerator"): answered_on_time,
        ("resolution", "denominator"): Q(first_answered_at__isnull=False)
        | Q(resolve_due_at__lt=now),
        ("satisfaction", "numerator"): Q(
            callback__in=(Complaint.Callback.SATISFIED, Complaint.Callback.BASIC)
        ),
        ("satisfaction", "denominator"): Q(callback__in=ANSWERED_CALLBACKS),
    }


def routed_in(queryset: QuerySet[Complaint], month: dt.date) -> QuerySet[Complaint]:
    start, end = month_range(month)
    return queryset.filter(triaged_at__gte=start, triaged_at__lt=end)


def records(
    queryset: QuerySet[Complaint], month: dt.date, measure: str, part: str, now: dt.datetime
) -> QuerySet[Complaint]:
    """The complaints behind one number (raises KeyError for an unknown measure or part)."""
    return routed_in(queryset, month).filter(parts(now)[(measure, part)])


@dataclass(frozen=True)
class UnitRates:
    unit_id: int
    month: dt.date
    routed: int = 0
    response_numerator: int = 0
    response_denominator: int = 0
    resolution_numerator: int = 0
    resolution_denominator: int = 0
    satisfaction_numerator: int = 0
    satisfaction_denominator: int = 0

    def rate(self, measure: str) -> float | None:
        whole = getattr(self, f"{measure}_denominator")
        return getattr(self, f"{measure}_numerator") / whole if whole else None


def rates_by_unit(
    month: dt.date, *, now: dt.datetime, unit_ids: Iterable[int] | None = None
) -> dict[int, UnitRates]:
    """Every handling unit's three rates for one month, in one query."""
    queryset = routed_in(Complaint.objects.filter(handling_unit__isnull=False), month)
    if unit_ids is not None:
        queryset = queryset.filter(handling_unit_id__in=list(unit_ids))
    aggregates = {
        f"{measure}_{part}": Count("pk", filter=condition)
        for (measure, part), condition in parts(now).items()
    }
    rows = queryset.order_by().values("handling_unit_id").annotate(routed=Count("pk"), **aggregates)
    month = month_start(month)
    result = {}
    for row in rows:
        unit_id = row.pop("handling_unit_id")
        result[unit_id] = UnitRates(unit_id=unit_id, month=month, **row)
    return result
