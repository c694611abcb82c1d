"""Measures: named counts of records attributed to a unit and a local day.

A *source* is one model whose rows are counted, with its attribution: the unit field and the
timestamp whose local day the row belongs to (a case → its unit, the day it was received; a
complaint → its handling unit, the day it was routed). A *measure* is a condition on the
rows of one source; its value for a unit and a day is the number of rows that meet it. The
conditions are not written here: they are the ones the existing pages already publish
(`cases.measures.flag_q`, `evaluations.stats`, `complaints.stats.parts`), so a scored number,
a published rate and the drill-down list always count the same rows.

Some conditions depend on the time they are evaluated at (`now`): a case is overdue once its
deadline has passed. Such measures are `time_dependent`, and the source names the deadline
fields whose passing changes them and the rows still pending for each (`deadlines`), so the
rollups can refresh the days concerned (`scorecard.rollups`).

Public API (stable; used by rollups, compute and the pages):

- `MEASURES` (code → Measure), `SOURCES` (label → Source)
- `get_measure(code)` → Measure (KeyError for an unknown code); `is_known(code)`
- `measure_choices()` → [(code, "中文名")] for forms and the admin
- `Measure.records(unit_id, start, end, now)` → the queryset of the rows behind the value
  for one unit over local days [start, end) (the drill-down)
- `Measure.q(now)`, `Source.rows()`, `Source.attribution(obj)` → (unit_id, day) or None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from zuofeng.workdays.calendar import LOCAL_TZ, local_date


def day_start(day: dt.date) -> dt.datetime:
    """The aware instant a local day begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Source:
    """One model whose rows measures count, and how a row is attributed to (unit, day)."""

    label: str  # the model's label_lower, also DirtyDay.source
    unit_field: str
    time_field: str
    label_zh: str
    # Rows that count at all (e.g. ratings not excluded by an upheld appeal).
    base: Q = field(default_factory=Q)
    # (datetime field, the rows it is still pending for): the deadlines whose passing
    # changes a time-dependent measure of this source, each with the rows whose measures
    # its passing can still change (a decided case never becomes overdue; a complaint
    # already responded to is already counted as due for a response). The refresh looks
    # for passed deadlines among those rows only, each condition the one of a partial
    # index on the deadline (cases: `case_running_due_idx`; complaints and work orders:
    # `complaint_*_due_idx`, `rectification_open_due_idx`), so each search is an index
    # range scan instead of a pass over the whole table.
    deadlines: tuple[tuple[str, Q], ...] = ()

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    @property
    def deadline_fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.deadlines)

    @property
    def unit_column(self) -> str:
        return f"{self.unit_field}_id"

    def rows(self) -> QuerySet[Any]:
        """Every row that can count, attributed (unit and time both set)."""
        return self.model._default_manager.filter(
            self.base,
            **{f"{self.unit_field}__isnull": False, f"{self.time_field}__isnull": False},
        )

    def in_days(self, start: dt.date, end: dt.date) -> Q:
        """Rows attributed to local days [start, end)."""
        return Q(
            **{
                f"{self.time_field}__gte": day_start(start),
                f"{self.time_field}__lt": day_start(end),
            }
        )

    def attribution(self, obj: Any) -> tuple[int, dt.date] | None:
        """(unit_id, local day) an instance counts for, or None if it counts nowhere yet."""
        unit_id = getattr(obj, self.unit_column, None)
        moment = getattr(obj, self.time_field, None)
        if unit_id is None or moment is None:
            return None
        return unit_id, local_date(moment)


@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # 中文名, shown on indicator definitions and drill-down pages
    source: Source
    # The condition as a function of `now`; None counts every row of the source.
    condition: Callable[[dt.datetime], Q] | None = None
    time_dependent: bool = False

    def q(self, now: dt.datetime) -> Q:
        return self.condition(now) if self.condition is not None else Q()

    def records(
        self, unit_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> QuerySet[Any]:
        """The rows behind this measure for one unit over local days [start, end): the
        drill-down. Its count equals the rolled-up value for the same span (while the
        rollups are current)."""
        return (
            self.source.rows()
            .filter(self.source.in_days(start, end), self.q(now))
            .filter(**{self.source.unit_column: unit_id})
        )


MEASURES: dict[str, Measure] = {}
SOURCES: dict[str, Source] = {}


def register_measure(measure: Measure) -> None:
    SOURCES.setdefault(measure.source.label, measure.source)
    MEASURES[measure.code] = measure


def get_measure(code: str) -> Measure:
    return MEASURES[code]


def is_known(code: str) -> bool:
    return code in MEASURES


def measure_choices() -> list[tuple[str, str]]:
    return [(code, f"{m.label}（{m.source.label_zh}）") for code, m in MEASURES.items()]


def measures_of(source: Source) -> list[Measure]:
    return [m for m in MEASURES.values() if m.source.label == source.label]


def _register_defaults() -> None:
    # Imported here, not at module level: the source apps import nothing from scorecard,
    # and this module must be importable while the app registry is still loading.
    from cases.measures import flag_q
    from complaints.stats import parts
    from evaluations import stats as ratings
    from zuofeng.duty.models import EscalationLevel

    cases = Source(
        "cases.case",
        "unit",
        "submitted_at",
        "办件",
        # Only an accepted case can be overdue, and acceptance starts the clock that the
        # decision stops.
        deadlines=(("due_at", Q(clock_started_at__isnull=False, clock_stopped_at__isnull=True)),),
    )
    evaluations = Source(
        "evaluations.evaluation", "unit", "created_at", "好差评", base=Q(excluded=False)
    )
    rectifications = Source(
        "evaluations.rectification",
        "unit",
        "opened_at",
        "差评整改",
        base=ratings.COUNTED_RECTIFICATIONS,
        deadlines=(("due_at", Q(closed_at__isnull=True)),),  # a closed one is settled for good
    )
    complaints = Source(
        "complaints.complaint",
        "handling_unit",
        "triaged_at",
        "监督举报",
        deadlines=(
            ("respond_due_at", Q(responded_at__isnull=True)),
            ("resolve_due_at", Q(first_answered_at__isnull=True)),
        ),
    )
    escalations = Source("duty.escalation", "unit", "created_at", "超期升级")

    def flag(name: str) -> Callable[[dt.datetime], Q]:
        def condition(now: dt.datetime) -> Q:
            found = flag_q(name, now)
            assert found is not None, name
            return found

        return condition

    def complaint(measure: str, part: str) -> Callable[[dt.datetime], Q]:
        return lambda now: parts(now)[(measure, part)]

    immediate = Q(limit_workdays=0)  # 即办件: promised limit of 0 working days
    defaults = [
        Measure("case_received", "收件数", cases),
        Measure("case_decided", "办结件数", cases, flag("decided")),
        Measure("case_on_time", "按期办结件数", cases, flag("on_time")),
        Measure(
            "case_decided_first_time",
            "未要求补正即办结件数（一次办成）",
            cases,
            lambda now: flag_q("decided", now) & Q(supplement_count=0),  # type: ignore[operator]
        ),
        Measure(
            "case_immediate_decided",
            "即办件办结件数",
            cases,
            lambda now: flag_q("decided", now) & immediate,  # type: ignore[operator]
        ),
        Measure(
            "case_immediate_on_time",
            "即办件当场办结件数",
            cases,
            lambda now: flag_q("on_time", now) & immediate,  # type: ignore[operator]
        ),
        Measure("case_buck_passing", "推诿件数（多次转办或退回）", cases, flag("buck_passing")),
        Measure("case_forwarded", "窗口只收件转后台件数（明进暗不进）", cases, flag("forwarded")),
        Measure("case_repeat_supplement", "重复要求补正件数", cases, flag("repeat_supplement")),
        Measure("case_overdue", "超期未办结件数", cases, flag("overdue"), time_dependent=True),
        Measure("rating_count", "评价数", evaluations),
        Measure(
            "rating_satisfied",
            "满意评价数（非常满意、满意）",
            evaluations,
            lambda now: ratings.RATING_SATISFIED,
        ),
        Measure("rating_bad", "差评数", evaluations, lambda now: ratings.RATING_BAD),
        Measure(
            "rectification_settled",
            "已有结果的差评整改单数（已办结或已过期限）",
            rectifications,
            ratings.rectification_settled,
            time_dependent=True,
        ),
        Measure(
            "rectification_on_time",
            "按期整改完成的整改单数",
            rectifications,
            lambda now: ratings.RECTIFIED_ON_TIME,
        ),
        Measure("complaint_routed", "分办诉求数", complaints),
        Measure(
            "complaint_responded_on_time",
            "按时响应的诉求数",
            complaints,
            complaint("response", "numerator"),
        ),
        Measure(
            "complaint_response_due",
            "应响应的诉求数（已响应或已过响应期限）",
            complaints,
            complaint("response", "denominator"),
            time_dependent=True,
        ),
        Measure(
            "complaint_answered_on_time",
            "按时办结答复的诉求数",
            complaints,
            complaint("resolution", "numerator"),
        ),
        Measure(
            "complaint_resolution_due",
            "应办结的诉求数（已答复或已过办理期限）",
            complaints,
            complaint("resolution", "denominator"),
            time_dependent=True,
        ),
        Measure(
            "complaint_satisfied",
            "回访满意的诉求数（满意、基本满意）",
            complaints,
            complaint("satisfaction", "numerator"),
        ),
        Measure(
            "complaint_callback_answered",
            "回访有结果的诉求数",
            complaints,
            complaint("satisfaction", "denominator"),
        ),
        Measure(
            "escalation_head",
            "超期升级至一把手次数",
            escalations,
            lambda now: Q(level=EscalationLevel.HEAD),
        ),
        Measure(
            "escalation_office",
            "超期升级至督查室次数",
            escalations,
            lambda now: Q(level=EscalationLevel.OFFICE),
        ),
    ]
    for measure in defaults:
        register_measure(measure)


_register_defaults()
