"""Case measures per unit per month, and the query pieces the staff pages share with them.

Pure query functions: pages, the API and (later) the monthly scorecard call them, and each
number a page shows can be reproduced as a filtered case list (`flag_q` + `in_month`), so
every figure links to the cases behind it.

Attribution: a case counts for the unit that holds it now (`Case.unit`) and for the month
it was received (`submitted_at`, local time). The same two rules drive the drill-down list,
so a number and the list behind it always agree.

Lateness is charged to the month the deadline passed, not the month the case was received:
the deadline measures (`case_due*`) attribute a case to the local day of its `due_at`, so a
case received in October and due in November counts as late in November, and a month that
has ended (the only kind that can be published) already holds every case due in it. Cases
are one model with two sources in the registry: `cases.case` (by receipt) and
`cases.case.due` (by deadline, `CASES_BY_DEADLINE`); every mark of a case marks both, so a
transfer or a new deadline re-marks the deadline day it leaves as well as the one it arrives
at.

Buck-passing is also measured per transfer (`cases.transfer`): a flagged transfer counts
against the unit that passed the case on (`from_unit`) on the day it did so, not against the
unit that holds the case at the end of the chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
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


def _chain(lookup: str) -> Prefetch:
    """A case's whole transfer chain, in the order it happened, with both units loaded."""
    return Prefetch(
        lookup,
        queryset=Transfer.objects.select_related("from_unit", "to_unit").order_by("at", "id"),
    )


def buck_passing_cases(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Buck-passing cases with their transfer chain prefetched (units and actors included)."""
    return (
        queryset.filter(buck_passing=True)
        .select_related("matter", "unit")
        .prefetch_related(_chain("transfers"))
        .order_by("-submitted_at", "-pk")
    )


def transfer_flagged() -> Q:
    """A transfer that made its case buck-passing, exactly as `transfer_case` flags it: sent
    back to a unit that already had the case, or the case's second or later transfer (one
    created after another transfer of the same case)."""
    earlier = Transfer.objects.filter(case=OuterRef("case"), pk__lt=OuterRef("pk"))
    return Q(is_return=True) | Q(Exists(earlier))


CASES_BY_DEADLINE = "cases.case.due"  # the deadline attribution's key (DirtyDay.source)


def settled_q(now: dt.datetime) -> Q:
    """A case whose timeliness is known: decided, or still running past its deadline."""
    found = flag_q("decided", now) | flag_q("overdue", now)  # type: ignore[operator]
    return found


def late_q(now: dt.datetime) -> Q:
    """Decided after its deadline, or still running past it (超期)."""
    return flag_q("late", now) | flag_q("overdue", now)  # type: ignore[operator]


def register_measures() -> None:
    """The case measures the scorecard and the report may use (called from `ready()`)."""
    from zuofeng.measures import Measure, Source, register_measure

    # Only an accepted case can be overdue, and acceptance starts the clock that the
    # decision stops.
    running = Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True)
    by_deadline = Source(
        "cases.case",
        "unit",
        "due_at",
        "办件（按办理期限所在日）",
        # Only an accepted case has a promised deadline: the clock of an application still
        # waiting to be accepted counts the acceptance limit (`Case.clock_phase`), a duty of
        # its own that this source does not score.
        base=Q(accepted_at__isnull=False),
        deadlines=(("due_at", running),),
        key=CASES_BY_DEADLINE,
    )
    cases = Source("cases.case", "unit", "submitted_at", "办件", deadlines=(("due_at", running),))

    def flag(name: str) -> Callable[[dt.datetime], Q]:
        def condition(now: dt.datetime) -> Q:
            found = flag_q(name, now)
            assert found is not None, name
            return found

        return condition

    def decided_and(extra: Q, name: str = "decided") -> Callable[[dt.datetime], Q]:
        return lambda now: flag(name)(now) & extra

    immediate = Q(limit_workdays=0)  # 即办件: promised limit of 0 working days
    for measure in (
        Measure("case_received", "收件数", cases, definition="当月收到的办件（按收件日计）"),
        Measure(
            "case_decided",
            "办结件数",
            cases,
            flag("decided"),
            definition="已作出准予或不予决定的办件",
        ),
        Measure(
            "case_on_time",
            "按期办结件数",
            cases,
            flag("on_time"),
            definition="在承诺时限（工作日，补正期间不计）内办结的办件",
        ),
        Measure(
            "case_decided_first_time",
            "未要求补正即办结件数（一次办成）",
            cases,
            decided_and(Q(supplement_count=0)),
            definition="办结且从未要求申请人补正材料的办件",
        ),
        Measure(
            "case_immediate_decided",
            "即办件办结件数",
            cases,
            decided_and(immediate),
            definition="承诺时限为 0 个工作日的即办件中已办结的",
        ),
        Measure(
            "case_immediate_on_time",
            "即办件当场办结件数",
            cases,
            decided_and(immediate, "on_time"),
            definition="即办件中当日办结的",
        ),
        Measure(
            "case_buck_passing",
            "推诿件数（多次转办或退回）",
            cases,
            flag("buck_passing"),
            definition="转办两次及以上，或被转回曾经办理过的单位的办件",
        ),
        Measure(
            "case_forwarded",
            "窗口只收件转后台件数（明进暗不进）",
            cases,
            flag("forwarded"),
            definition="大厅窗口无权办理、只收件后转单位后台审批的办件",
        ),
        Measure(
            "case_repeat_supplement",
            "重复要求补正件数",
            cases,
            flag("repeat_supplement"),
            definition="一次性告知后又再次要求补正的办件（违反一次性告知）",
        ),
        Measure(
            "case_overdue",
            "超期未办结件数",
            cases,
            flag("overdue"),
            time_dependent=True,
            definition="已受理、已过承诺期限仍未办结的办件",
        ),
        # Lateness in the month the deadline passed (charge the act when it happens).
        Measure(
            "case_due",
            "到期办件数",
            by_deadline,
            settled_q,
            time_dependent=True,
            definition="办理期限在当月、已办结或已过期限仍未办结的办件（按办理期限所在日计）",
        ),
        Measure(
            "case_due_on_time",
            "到期办件中按期办结件数",
            by_deadline,
            flag("on_time"),
            definition="办理期限在当月、在期限内办结的办件（按办理期限所在日计）",
        ),
        Measure(
            "case_due_late",
            "到期办件中超期件数",
            by_deadline,
            late_q,
            time_dependent=True,
            definition="办理期限在当月、超过期限才办结或至今仍未办结的办件（按办理期限所在日计）",
        ),
        Measure(
            "case_due_overdue",
            "到期办件中超期未办结件数",
            by_deadline,
            flag("overdue"),
            time_dependent=True,
            definition="办理期限在当月、已过期限仍未办结的办件（按办理期限所在日计）",
        ),
    ):
        register_measure(measure)

    # Charge the act to the actor: the unit that passed the case on, the day it did so.
    transfers = Source("cases.transfer", "from_unit", "at", "转办")
    register_measure(
        Measure(
            "transfer_buck_passing",
            "推诿转办次数（二次及以上转办或退回）",
            transfers,
            lambda now: transfer_flagged(),
            definition="本单位转出、构成推诿的转办次数：该办件此前已被转办过（第二次及以后的转办），"
            "或退回给曾经办理过该办件的单位；计入转出的单位，按转出日计",
        )
    )
