"""Case measures per unit per month, and the query pieces the staff pages share with them.

Pure query functions: pages, the API and (later) the monthly scorecard call them, and each
number a page shows can be reproduced as a filtered case list (`flag_q` + `in_month`), so
every figure links to the cases behind it.

Attribution: a case counts for the unit that holds it now (`Case.unit`) and for the month
it was received (`submitted_at`, local time). The same two rules drive the drill-down list,
so a number and the list behind it always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth

from cases.models import Case, Transfer
from zuofeng.periods import month_range, month_start
from zuofeng.workdays.calendar import LOCAL_TZ

# Drill-down flags understood by the queue page (`?flag=`) and their labels.
FLAG_LABELS = {
    "buck_passing": "推诿（多次转办或退回）",
    "forwarded": "窗口只收件转后台（明进暗不进）",
    "repeat_supplement": "重复要求补正（违反一次性告知）",
    "decided": "已办结",
    "on_time": "按期办结",
    "late": "超期办结",
    "overdue": "超期未办结",
}


def in_month(queryset: QuerySet[Case], month: dt.date) -> QuerySet[Case]:
    start, end = month_range(month)
    return queryset.filter(submitted_at__gte=start, submitted_at__lt=end)


def _decided() -> Q:
    # The clock stops only when a case is decided (approved or refused), so this also covers
    # decided cases that have since been archived.
    return Q(clock_stopped_at__isnull=False)


def flag_q(flag: str, now: dt.datetime) -> Q | None:
    """The condition behind one drill-down flag, or None for an unknown flag."""
    conditions = {
        "buck_passing": Q(buck_passing=True),
        "forwarded": Q(forwarded_to_back_office=True),
        "repeat_supplement": Q(one_time_rule_broken=True),
        "decided": _decided(),
        "on_time": _decided() & Q(clock_stopped_at__lte=F("due_at")),
        "late": _decided() & Q(clock_stopped_at__gt=F("due_at")),
        # Only a running clock can be overdue: a case waiting for the applicant's materials
        # (补正) is not late on the unit's account.
        "overdue": Q(status=Case.Status.ACCEPTED, due_at__lt=now),
    }
    return conditions.get(flag)


@dataclass(frozen=True)
class CaseMeasures:
    """One unit's figures for one month (cases received in that month)."""

    unit_id: int
    month: dt.date
    received: int = 0
    forwarded: int = 0
    buck_passing: int = 0
    repeat_supplement: int = 0
    decided: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def forwarded_share(self) -> float | None:
        """明进暗不进: the share of cases the hall window only received and forwarded."""
        return self._share(self.forwarded, self.received)

    @property
    def buck_passing_share(self) -> float | None:
        return self._share(self.buck_passing, self.received)

    @property
    def on_time_share(self) -> float | None:
        """Decided cases whose clock stopped by the deadline, out of all decided ones."""
        return self._share(self.on_time, self.decided)


def _aggregates(now: dt.datetime) -> dict[str, Count]:
    return {
        "received": Count("pk"),
        "forwarded": Count("pk", filter=flag_q("forwarded", now)),
        "buck_passing": Count("pk", filter=flag_q("buck_passing", now)),
        "repeat_supplement": Count("pk", filter=flag_q("repeat_supplement", now)),
        "decided": Count("pk", filter=flag_q("decided", now)),
        "on_time": Count("pk", filter=flag_q("on_time", now)),
        "overdue_open": Count("pk", filter=flag_q("overdue", now)),
    }


def measures_by_unit(
    month: dt.date, *, now: dt.datetime, unit_ids: Iterable[int] | None = None
) -> dict[int, CaseMeasures]:
    """Every unit's figures for one month, in one query. Units without cases are absent."""
    queryset = in_month(Case.objects.all(), month)
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    rows = queryset.order_by().values("unit_id").annotate(**_aggregates(now))
    month = month_start(month)
    return {
        row["unit_id"]: CaseMeasures(month=month, **row)  # type: ignore[arg-type]
        for row in rows
    }


def measures_by_month(
    unit_id: int, months: list[dt.date], *, now: dt.datetime
) -> list[CaseMeasures]:
    """One unit's figures for each of `months` (in the given order), in one query."""
    if not months:
        return []
    start = month_range(min(months))[0]
    end = month_range(max(months))[1]
    rows = (
        Case.objects.filter(unit_id=unit_id, submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=LOCAL_TZ))
        .order_by()
        .values("month")
        .annotate(**_aggregates(now))
    )
    found = {}
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = month.astimezone(LOCAL_TZ).date()
        found[month_start(month)] = row
    return [
        CaseMeasures(unit_id=unit_id, month=month_start(m), **found.get(month_start(m), {}))
        for m in months
    ]


def buck_passing_cases(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Buck-passing cases with their transfer chain prefetched (units and actors included)."""
    return (
        queryset.filter(buck_passing=True)
        .select_related("matter", "unit")
        .prefetch_related(
            Prefetch(
                "transfers",
                queryset=Transfer.objects.select_related("from_unit", "to_unit").order_by(
                    "at", "id"
                ),
            )
        )
        .order_by("-submitted_at", "-pk")
    )
