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

- `register_measure(measure)`; `MEASURES` (code → Measure), `SOURCES` (key → Source)
- `get_measure(code)` → Measure (KeyError for an unknown code); `is_known(code)`
- `measure_choices()` → [(code, "中文名")] for forms and the admin; `measures_of(source)`
- `Measure.records(unit_id, start, end, now)` → the rows behind the value for one unit over
  local days [start, end) (the drill-down)
- `source_for(obj)` → every source of the record's model; `attribution(obj)` → {key: (unit, day)};
  `mark_changed(obj, before=)`, `mark_pairs(key, pairs)`

A model may have several sources, one per way its rows are attributed: a case counts for the
day it was received (`cases.case`) and, for lateness, for the day its deadline falls
(`cases.case.due`). Each source has a `key` (default: the model label) that names it in
`SOURCES` and in the rollups' dirty marks (`scorecard.DirtyDay.source`); marking a record
marks every source of its model, before and after the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from zuofeng.periods import day_start
from zuofeng.workdays.calendar import local_date


@dataclass(frozen=True)
class Source:
    """One model whose rows measures count, and how a row is attributed to (unit, day)."""

    label: str  # the model's label_lower
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
    # The source's name in SOURCES and DirtyDay.source; default the model label. A second
    # attribution of the same model needs its own key (e.g. "cases.case.due").
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.label)

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
    source = measure.source
    known = SOURCES.setdefault(source.key, source)
    if known != source:
        raise ValueError(f"two different sources share the key {source.key!r}")
    MEASURES[measure.code] = measure


def get_measure(code: str) -> Measure:
    return MEASURES[code]


def is_known(code: str) -> bool:
    return code in MEASURES


def measure_choices() -> list[tuple[str, str]]:
    return [(code, f"{m.label}（{m.source.label_zh}）") for code, m in MEASURES.items()]


def measures_of(source: Source) -> list[Measure]:
    return [m for m in MEASURES.values() if m.source.key == source.key]


# --- dirty marks: which (unit, day) of which source must be recomputed -----------------------

Attribution = tuple[int, dt.date]
_dirty_sinks: list[Callable[[str, list[Attribution]], None]] = []


def register_dirty_sink(sink: Callable[[str, list[Attribution]], None]) -> None:
    """Where marks go (the scorecard's rollups register theirs from `ready()`)."""
    if sink not in _dirty_sinks:
        _dirty_sinks.append(sink)


def source_for(obj: Any) -> list[Source]:
    """Every source of the record's model (none if its model is not counted)."""
    label = obj._meta.label_lower
    return [source for source in SOURCES.values() if source.label == label]


def attribution(obj: Any) -> dict[str, Attribution]:
    """{source key: (unit_id, local day)} the record counts for now; a source under which it
    counts nowhere yet (unattributed) is absent."""
    found = {}
    for source in source_for(obj):
        pair = source.attribution(obj)
        if pair is not None:
            found[source.key] = pair
    return found


def mark_pairs(key: str, pairs: list[Attribution]) -> None:
    """Mark unit-days of one source (by its key) for recomputation."""
    if pairs:
        for sink in _dirty_sinks:
            sink(key, pairs)


def mark_changed(
    obj: Any, *, before: Mapping[str, Attribution] | Attribution | None = None
) -> None:
    """Mark, for every source of the record's model, the unit-day it counted for before a
    change (`before`, from `attribution` taken before it) and the one it counts for now. A
    transfer moves a case to another unit, a new deadline moves its deadline day: both days.
    A bare pair as `before` is the attribution of the source keyed by the model label."""
    if before is not None and not isinstance(before, Mapping):
        before = {obj._meta.label_lower: before}
    for source in source_for(obj):
        pairs = [
            pair
            for pair in ((before or {}).get(source.key), source.attribution(obj))
            if pair is not None
        ]
        mark_pairs(source.key, pairs)
