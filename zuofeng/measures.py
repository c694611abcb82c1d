"""The measures registry: named counts of records attributed to a unit and a local day.

A *source* is one model whose rows are counted, with its attribution: the unit field and the
timestamp whose local day the row belongs to (a case → its unit, the day it was received; a
complaint → its handling unit, the day it was routed). A *measure* is a condition on the
rows of one source; its value for a unit and a day is the number of rows that meet it.

Each source app declares its own measures, with the Chinese names and definitions the
scorecard shows, in its `measures.py`, registered from its `AppConfig.ready()` (`cases`,
`evaluations`, `complaints`, `zuofeng.duty` for escalations). The conditions are the ones the
app's own pages publish, so a scored number, a published rate and the drill-down list always
count the same rows. Readers (the scorecard, the report, supervision) use this registry and
never another app's columns.

Some conditions depend on the time they are evaluated at (`now`): a case is overdue once its
deadline has passed. Such measures are `time_dependent`, and the source names the deadline
fields whose passing changes them and the rows still pending for each (`deadlines`), so the
rollups can refresh the days concerned (`scorecard.rollups`).

Keeping rollups current is explicit, not a model signal: the one state-change path
(`zuofeng.transitions`) calls `mark_changed(obj, before=...)` for the record it changed, and
writers that create records or bypass it (bulk loads) call `mark_changed`/`mark_pairs`
themselves. The marks go to the sink the scorecard registers (`register_dirty_sink`); with no
scorecard installed they go nowhere.

Public API:

- `register_measure(measure)`; `MEASURES` (code → Measure), `SOURCES` (label → Source)
- `get_measure(code)` → Measure (KeyError for an unknown code); `is_known(code)`
- `measure_choices()` → [(code, "中文名")] for forms and the admin; `measures_of(source)`
- `Measure.records(unit_id, start, end, now)` → the rows behind the value for one unit over
  local days [start, end) (the drill-down)
- `source_for(obj)`, `attribution(obj)`, `mark_changed(obj, before=)`, `mark_pairs(label, pairs)`
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from zuofeng.periods import day_start
from zuofeng.workdays.calendar import local_date


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
    # 口径: what is counted, in the words the scorecard shows next to the number.
    definition: str = ""

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


# --- dirty marks: which (unit, day) of which source must be recomputed -----------------------

Attribution = tuple[int, dt.date]
_dirty_sinks: list[Callable[[str, list[Attribution]], None]] = []


def register_dirty_sink(sink: Callable[[str, list[Attribution]], None]) -> None:
    """Where marks go (the scorecard's rollups register theirs from `ready()`)."""
    if sink not in _dirty_sinks:
        _dirty_sinks.append(sink)


def source_for(obj: Any) -> Source | None:
    return SOURCES.get(obj._meta.label_lower)


def attribution(obj: Any) -> Attribution | None:
    """(unit_id, local day) the record counts for now, or None (not a source, or unattributed)."""
    source = source_for(obj)
    return source.attribution(obj) if source is not None else None


def mark_pairs(label: str, pairs: list[Attribution]) -> None:
    """Mark unit-days of one source (a model label) for recomputation."""
    if pairs:
        for sink in _dirty_sinks:
            sink(label, pairs)


def mark_changed(obj: Any, *, before: Attribution | None = None) -> None:
    """Mark the unit-days a record counted for before a change (`before`, from `attribution`
    taken before it) and counts for now. A transfer moves a case to another unit: both days."""
    source = source_for(obj)
    if source is None:
        return
    pairs = [pair for pair in (before, source.attribution(obj)) if pair is not None]
    mark_pairs(source.label, pairs)
