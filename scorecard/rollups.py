"""Daily rollups: Σ of each measure per unit per local day, kept up to date incrementally.

How they stay current:

1. Every state change of a source row (a case, rating, work order, complaint) marks the
   (source, unit, day) it counts for — before and after the change, since a transfer moves
   a case to another unit — as a `DirtyDay`: the one state-change path
   (`zuofeng.transitions`) and the creating actions call `zuofeng.measures.mark_changed`,
   whose sink is `mark_dirty` (registered in `ScorecardConfig.ready()`). Bulk writers call
   `mark_dirty` themselves or run `rebuild`; the sweep's escalations are found by `refresh`.
2. `refresh(now)` (a `sweep` step, and the first thing `compute_month` does) consumes the
   dirty days and recomputes them from raw rows: one GROUP BY (unit, local day) per source
   with one COUNT(FILTER) per measure, then replaces the rollups of those unit-days. It also
   marks the days whose time-dependent measures changed since its last run: rows whose
   deadline fell in (last run, now] (a case became overdue), and escalations created since.
3. `rebuild(start, end, now)` (`manage.py rebuild_rollups`) recomputes every day in a span
   from raw rows; the tests check that it agrees with the incremental path.

Only non-zero values are stored; a missing row means 0.

Race: a mark is an upsert that writes the row (ON CONFLICT DO UPDATE), so a writer whose
transaction is still open holds the mark's row lock; `refresh` claims marks with
SKIP LOCKED and deletes them before reading raw rows, so a change is either seen by this
refresh or left marked for the next one, never lost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from org.models import Unit
from scorecard.models import DailyRollup, DirtyDay, RollupState
from zuofeng.bulk import insert_rows
from zuofeng.measures import SOURCES, Source, measures_of
from zuofeng.periods import day_start
from zuofeng.workdays.calendar import LOCAL_TZ, local_date

CHUNK = 500  # unit-days per recomputation query (SQLite)
BATCH = 2000  # marks per bulk upsert


def mark_dirty(source: str, pairs: Iterable[tuple[int, dt.date]]) -> None:
    """Mark (unit_id, day) pairs of one source (by its key, `Source.key`) for
    recomputation."""
    now = timezone.now()
    rows = [
        DirtyDay(source=source, unit_id=unit_id, day=day, marked_at=now)
        for unit_id, day in set(pairs)
    ]
    if rows:
        DirtyDay.objects.bulk_create(
            rows,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["source", "unit_id", "day"],
            update_fields=["marked_at"],
        )


def compute(source: Source, now: dt.datetime, where: Q) -> dict[tuple[int, dt.date, str], int]:
    """The measures of one source per (unit, local day) over the rows matching `where`: one
    GROUP BY query. Zero values are left out."""
    measures = measures_of(source)
    aggregates = {f"m_{m.code}": Count("pk", filter=m.q(now) or None) for m in measures}
    rows = (
        source.rows()
        .filter(where)
        .annotate(local_day=TruncDate(source.time_field, tzinfo=LOCAL_TZ))
        .order_by()
        .values(source.unit_column, "local_day")
        .annotate(**aggregates)
    )
    result = {}
    for row in rows:
        unit_id, day = row[source.unit_column], row["local_day"]
        for m in measures:
            value = row[f"m_{m.code}"]
            if value:
                result[(unit_id, day, m.code)] = value
    return result


def _pairs_q(source: Source, pairs: list[tuple[int, dt.date]]) -> tuple[Q, Q]:
    """(condition on raw rows, condition on rollups) selecting the given unit-days: one OR
    term per day, each a range of the `<unit>, <time>` index for the day's units (on
    PostgreSQL a BitmapOr of index scans)."""
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for unit_id, day in pairs:
        by_day[day].add(unit_id)
    raw, rolled = Q(pk__in=[]), Q(pk__in=[])
    for day, units in by_day.items():
        raw |= source.in_days(day, day + dt.timedelta(days=1)) & Q(
            **{f"{source.unit_column}__in": sorted(units)}
        )
        rolled |= Q(day=day, unit_id__in=sorted(units))
    return raw, rolled


def _replace(source: Source, rolled: Q, values: dict[tuple[int, dt.date, str], int]) -> None:
    codes = [m.code for m in measures_of(source)]
    DailyRollup.objects.filter(rolled, measure__in=codes).delete()
    # Straight through the driver (executemany on SQLite, COPY on PostgreSQL): a rebuild
    # writes ~100,000 rows for the demo's year, and bulk_create's per-value field
    # machinery cost about three times the GROUP BYs that computed them.
    insert_rows(
        DailyRollup,
        [
            SimpleNamespace(unit_id=unit_id, day=day, measure=code, value=value)
            for (unit_id, day, code), value in values.items()
        ],
    )


def _upsert(source: Source, rolled: Q, values: dict[tuple[int, dt.date, str], int]) -> None:
    """PostgreSQL: make the source's rollups matching `rolled` equal `values` in one
    statement: the stored rows whose key has no value any more are deleted, and the values
    not already stored as they are upserted (a day's change to a case moves two or three of
    its ten measures: an upsert of every value would lock and rewrite all ten rows). The
    stored value is looked up per fresh value (a scalar subquery, so always by the unique
    index: as an anti-join, with room in `work_mem`, the planner hashed the whole table).
    The values travel as four arrays. (Fetching the stored rows to diff them in Python,
    then deleting and re-inserting, cost as much as recomputing them.)
    """
    codes = [m.code for m in measures_of(source)]
    stored = DailyRollup.objects.filter(rolled, measure__in=codes).query
    where, where_params = stored.get_compiler(connection=connection).compile(stored.where)
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    keys = list(values)
    sql = f"""
        WITH fresh AS (
            SELECT * FROM unnest(%s::integer[], %s::date[], %s::varchar[], %s::integer[])
                AS f(unit_id, day, measure, value)
        ),
        gone AS (
            DELETE FROM {table} WHERE {where} AND NOT EXISTS (
                SELECT 1 FROM fresh f WHERE f.unit_id = {table}.unit_id
                AND f.day = {table}.day AND f.measure = {table}.measure
            )
        )
        INSERT INTO {table} (unit_id, day, measure, value)
        SELECT unit_id, day, measure, value FROM fresh f WHERE f.value IS DISTINCT FROM (
            SELECT value FROM {table} WHERE {table}.unit_id = f.unit_id
            AND {table}.day = f.day AND {table}.measure = f.measure
        )
        ON CONFLICT (unit_id, day, measure) DO UPDATE SET value = EXCLUDED.value
    """
    columns = [[key[n] for key in keys] for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*columns, list(values.values()), *where_params])


def recompute_days(source: Source, pairs: list[tuple[int, dt.date]], now: dt.datetime) -> int:
    """Replace the rollups of the given unit-days of one source from raw rows: on
    PostgreSQL one query and one write for all of them (`_upsert`); on SQLite by chunks of CHUNK
    (its limit on a statement's variables). Sorted by day, so that a chunk covers few days:
    each day is one OR term of the query (marks come unordered)."""
    pairs = sorted(set(pairs), key=lambda pair: (pair[1], pair[0]))
    if connection.vendor == "postgresql":
        if pairs:
            raw, rolled = _pairs_q(source, pairs)
            _upsert(source, rolled, compute(source, now, raw))
        return len(pairs)
    for start in range(0, len(pairs), CHUNK):
        raw, rolled = _pairs_q(source, pairs[start : start + CHUNK])
        _replace(source, rolled, compute(source, now, raw))
    return len(pairs)


def _mark_deadlines_passed(since: dt.datetime, now: dt.datetime) -> None:
    """Days whose time-dependent measures changed between `since` and `now`: rows of each
    source whose deadline fell in (since, now] while they were still pending for it
    (`Source.deadlines`)."""
    for source in SOURCES.values():
        if not source.deadlines:
            continue
        passed = Q(pk__in=[])
        for name, pending in source.deadlines:
            passed |= pending & Q(**{f"{name}__gt": since, f"{name}__lte": now})
        rows = source.rows().filter(passed).values_list(source.unit_column, source.time_field)
        mark_dirty(source.key, ((unit_id, local_date(at)) for unit_id, at in rows))


def _mark_new_escalations(since: dt.datetime | None, now: dt.datetime) -> None:
    """The sweep writes escalations with bulk_create (no signals): pick them up here."""
    source = SOURCES["duty.escalation"]
    rows = source.rows().filter(created_at__lte=now)
    if since is not None:
        # Unit by unit, the order of the table's one time index (`escalation_unit_time_idx`,
        # unit then time): a range scan per unit instead of a pass over every escalation
        # (880,000 in bench/scorecard_bench.py). Every escalation's unit is a Unit.
        units = list(Unit.objects.order_by().values_list("pk", flat=True))
        rows = rows.filter(created_at__gt=since, unit_id__in=units)
    pairs = rows.values_list("unit_id", "created_at")
    mark_dirty(source.key, ((unit_id, local_date(at)) for unit_id, at in pairs))


def _claim(limit: int) -> list[tuple[str, int, dt.date]]:
    """Take up to `limit` marks and delete them (in the caller's transaction)."""
    queryset = DirtyDay.objects.order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    rows = list(queryset.values_list("pk", "source", "unit_id", "day")[:limit])
    DirtyDay.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return [row[1:] for row in rows]


def _tune() -> None:
    """Settings for the refresh's transactions on PostgreSQL (bench/scorecard_bench.py, 10
    million cases, a day's 1,200 case unit-days: 300,000 rows to recount):

    - JIT off: it compiled each recomputation query for longer than it ran (its cost
      estimate over a large table passes `jit_above_cost`: 3 s of compiling for 0.2 s of
      work);
    - `work_mem` 64 MB: the planner expects a group per row (it cannot tell that the rows
      fall on a few thousand unit-days), so with the default 4 MB it sorts the 300,000
      rows on disk before grouping them (0.45 s); with room it hashes them in memory (0.25 s).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")


def refresh(now: dt.datetime | None = None, *, limit: int = 20000) -> dict[str, int]:
    """Bring the rollups up to date: the sweep step. Returns counts for the sweep's report."""
    now = now or timezone.now()
    state = RollupState.current()
    with transaction.atomic():
        _tune()
        if state.refreshed_at is not None and now > state.refreshed_at:
            _mark_deadlines_passed(state.refreshed_at, now)
        _mark_new_escalations(state.refreshed_at, now)
        RollupState.objects.filter(pk=state.pk).update(refreshed_at=now)
    done = 0
    while True:
        with transaction.atomic():
            _tune()
            claimed = _claim(limit)
            by_source: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
            for source, unit_id, day in claimed:
                by_source[source].append((unit_id, day))
            for label, pairs in by_source.items():
                if label in SOURCES:
                    done += recompute_days(SOURCES[label], pairs, now)
        if len(claimed) < limit:
            break
    return {"unit-days": done} if done else {}


def rebuild(
    start: dt.date | None = None, end: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Recompute every rollup for local days [start, end] (all days when open) from raw rows.
    Returns the number of rollup rows written."""
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        for source in SOURCES.values():
            raw, rolled = Q(), Q()
            if start is not None:
                raw &= Q(**{f"{source.time_field}__gte": day_start(start)})
                rolled &= Q(day__gte=start)
            if end is not None:
                after = end + dt.timedelta(days=1)
                raw &= Q(**{f"{source.time_field}__lt": day_start(after)})
                rolled &= Q(day__lte=end)
            values = compute(source, now, raw)
            _replace(source, rolled, values)
            written += len(values)
            # Marks inside the span are now satisfied.
            marks = DirtyDay.objects.filter(source=source.key)
            if start is not None:
                marks = marks.filter(day__gte=start)
            if end is not None:
                marks = marks.filter(day__lte=end)
            marks.delete()
        if start is None and end is None:
            RollupState.objects.filter(pk=RollupState.current().pk).update(refreshed_at=now)
    return written


def totals(
    start: dt.date, end: dt.date, measures: Iterable[str], unit_ids: Iterable[int] | None = None
) -> dict[int, dict[str, int]]:
    """Σ of each measure per unit over local days [start, end), from the rollups only: one
    query. {unit_id: {measure: value}}; absent means 0."""
    queryset = DailyRollup.objects.filter(day__gte=start, day__lt=end, measure__in=list(measures))
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=list(unit_ids))
    result: dict[int, dict[str, int]] = defaultdict(dict)
    rows: Any = queryset.order_by().values("unit_id", "measure").annotate(total=Sum("value"))
    for row in rows:
        result[row["unit_id"]][row["measure"]] = row["total"]
    return dict(result)
