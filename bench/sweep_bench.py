"""Clock sweep benchmark: `zuofeng.duty.sweep.sweep(now)` over 1,000,000 open cases.

    .venv/bin/python bench/sweep_bench.py [--cases 1000000] [--profile] [--keep-db]

1. Creates a fresh PostgreSQL database (zuofeng_bench_sweep_<pid>), migrates it, and creates
   five units with one matter each through the actions.
2. Inserts the open, accepted cases in one INSERT ... SELECT generate_series, with running
   clocks, warning level "none", and deadlines at the end of working days spread around
   today: 4 % overdue (some by more than the office-escalation delay), 3 % due today, 5 %
   due on the next working day, the rest 2 to 20 working days ahead. ANALYZE follows, as
   autovacuum would.
3. Times three sweeps:
   - first run, now: every overdue, due-today and nearly-due case changes level (and the
     overdue ones escalate): about 12 % of the cases, the worst case (a sweep turned on
     after a long stop);
   - second run, one minute later: nothing changes; the steady-state cost of the loop;
   - next working day at 00:05: the daily rollover, when the most cases cross a line.
4. Prints each time, the changes counted, and the target (< 60 s); drops the database.

With --profile the first run runs under cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
TARGET_SECONDS = 60.0
# Share of cases per deadline, out of 100: (working days from today, count).
DEADLINES = (
    [(-6, 1), (-4, 1), (-2, 1), (-1, 1)]  # overdue: 4 %
    + [(0, 3)]  # due today: 3 %
    + [(1, 5)]  # due on the next working day: 5 %
    + [(days, 1) for days in range(2, 21)]  # 19 %, one per day ahead ...
)


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def admin() -> psycopg.Connection[Any]:
    return psycopg.connect(host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True)


def deadline_slots(today: dt.date) -> list[dt.datetime]:
    """100 deadlines (ends of working days) with the shares of DEADLINES; the days ahead
    beyond the listed 1 % each take the rest evenly."""
    from zuofeng.workdays.calendar import end_of_day, is_workday

    def workday(offset: int) -> dt.date:
        day = today
        while not is_workday(day):
            day -= dt.timedelta(days=1)
        step = dt.timedelta(days=1 if offset > 0 else -1)
        for _ in range(abs(offset)):
            day += step
            while not is_workday(day):
                day += step
        return day

    slots: list[dt.datetime] = []
    for offset, count in DEADLINES:
        slots += [end_of_day(workday(offset))] * count
    ahead = [end_of_day(workday(offset)) for offset in range(2, 21)]
    while len(slots) < 100:
        slots.append(ahead[len(slots) % len(ahead)])
    return slots


def insert_cases(count: int, matters: list[Any], now: dt.datetime) -> None:
    """One INSERT ... SELECT over generate_series; every Case column gets a value (the model's
    default where the benchmark does not care), so a field added later still inserts."""
    from django.db import connection

    from cases.models import Case
    from zuofeng.workdays.calendar import local_date

    slots = deadline_slots(local_date(now))
    matter_ids = [matter.pk for matter in matters]
    unit_ids = [matter.unit_id for matter in matters]
    # Column → (SQL expression, parameters). `g` is the series number.
    chosen: dict[str, tuple[str, list[Any]]] = {
        "number": ("'S' || lpad(g::text, 12, '0')", []),
        "query_code": ("'BENCH' || (g %% 997)::text", []),
        "matter_id": ("(%s::bigint[])[1 + g %% %s]", [matter_ids, len(matter_ids)]),
        "unit_id": ("(%s::bigint[])[1 + g %% %s]", [unit_ids, len(unit_ids)]),
        "channel": ("'window'", []),
        "status": ("'accepted'", []),
        "applicant_kind": ("'resident'", []),
        "applicant_name": ("'测试申请人'", []),
        "applicant_phone": ("'13900000000'", []),
        "applicant_id_number": ("'999999199001011238'", []),
        "due_at": ("(%s::timestamptz[])[1 + (g::bigint * 7919) %% 100]", [slots]),
        "limit_workdays": ("10", []),
        "clock_started_at": ("%s::timestamptz - interval '20 days'", [now]),
        "submitted_at": ("%s::timestamptz - interval '20 days'", [now]),
        "accepted_at": ("%s::timestamptz - interval '20 days'", [now]),
        "warning_level": ("'none'", []),
        "escalation_level": ("0", []),
    }
    columns, expressions, params = [], [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in chosen:
            expression, values = chosen[field.attname]
        else:
            default = field.get_default()
            expression, values = ("%s", [field.get_db_prep_save(default, connection)])
        expressions.append(expression)
        params += values
    sql = (
        f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM generate_series(1, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count])
        cursor.execute(f"ANALYZE {Case._meta.db_table}")


@contextmanager
def breakdown(spent: dict[str, float]) -> Iterator[None]:
    """Time the sweep's parts by wrapping them (behaviour unchanged); what remains is mostly
    reading the candidates and building the rows in Python."""
    from django.db.models import QuerySet

    from zuofeng.duty import registry, sweep
    from zuofeng.duty.models import Escalation, Notification

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    bulk_create = QuerySet.bulk_create
    names = {Notification: "insert notifications", Escalation: "insert escalations"}

    def bulk_create_timed(self: QuerySet, *args: Any, **kwargs: Any) -> Any:
        if self.model not in names:
            return bulk_create(self, *args, **kwargs)
        return timed(names[self.model], bulk_create)(self, *args, **kwargs)

    patches = (
        (sweep, "record_many", timed("audit record_many (hash + insert)", sweep.record_many)),
        (sweep, "_claim", timed("claiming UPDATEs", sweep._claim)),
        (registry.DutyKind, "link", timed("reverse() of links", registry.DutyKind.link)),
        (QuerySet, "bulk_create", bulk_create_timed),
    )
    with ExitStack() as stack:
        for owner, name, replacement in patches:
            stack.enter_context(mock.patch.object(owner, name, replacement))
        yield


def timed_sweep(
    now: dt.datetime, profile: bool = False, parts: bool = False
) -> tuple[float, dict[str, int], str]:
    from zuofeng.duty.sweep import sweep

    profiler = cProfile.Profile() if profile else None
    spent: dict[str, float] = {}
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with breakdown(spent) if parts else nullcontext():
        result = sweep(now)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if parts:
        spent["the rest (reading candidates, Python)"] = seconds - sum(spent.values())
        for name, part in spent.items():
            print(f"    {name:40} {part:6.1f} s")
    counts = {key: value for kind in result.counts.values() for key, value in kind.items()}
    text = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        text = out.getvalue()
    return seconds, counts, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="profile the first run")
    parser.add_argument(
        "--breakdown", action="store_true", help="time the parts of the first and third runs"
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()

    database = f"zuofeng_bench_sweep_{os.getpid()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("ZUOFENG_DEMO", "1")  # the public demo keys; production refuses them
    os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{database}"
    os.environ.pop("CACHE_URL", None)
    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    log(f"database {database}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction
        from django.utils import timezone

        from catalog.actions import create_matter
        from org.actions import create_unit
        from org.models import Unit
        from zuofeng.workdays.calendar import LOCAL_TZ, local_date, next_workday

        call_command("migrate", verbosity=0)
        now = timezone.now()
        with transaction.atomic():
            matters = []
            for n in range(1, 6):
                unit = create_unit(
                    actor=None, code=f"B{n}", name=f"基准单位{n}", kind=Unit.Kind.DEPARTMENT
                )
                matters.append(
                    create_matter(
                        actor=None,
                        code=f"B{n}-0001",
                        name=f"基准事项{n}",
                        unit=unit,
                        legal_basis="《中华人民共和国行政许可法》",
                        steps="受理\n办结",
                        statutory_limit_days=20,
                        promised_limit_days=10,
                    )
                )
        started = time.perf_counter()
        insert_cases(args.cases, matters, now)
        log(f"inserted {args.cases:,} open cases in {time.perf_counter() - started:.1f} s")

        next_morning = dt.datetime.combine(
            next_workday(local_date(now)), dt.time(0, 5), tzinfo=LOCAL_TZ
        )
        # (label, moment, profile it, time its parts)
        runs = [
            ("first run (many changes)", now, args.profile, args.breakdown and not args.profile),
            ("second run, a minute later", now + dt.timedelta(minutes=1), False, False),
            ("next working day, 00:05", next_morning, False, args.breakdown),
        ]
        results = []
        for label, moment, profile, parts in runs:
            log(f"sweep: {label}")
            seconds, counts, text = timed_sweep(moment, profile, parts)
            results.append((label, seconds, counts))
            if text:
                print(text)
        print()
        print(f"sweep over {args.cases:,} open cases (target: under {TARGET_SECONDS:g} s)")
        for label, seconds, counts in results:
            verdict = "PASS" if seconds < TARGET_SECONDS else "FAIL"
            changes = sum(counts.values())
            print(f"  {label:30} {seconds:7.1f} s  {verdict}  {changes:>8,} changes  {counts}")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep_db:
            log(f"kept database {database}")
        else:
            with admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            log(f"dropped database {database}")


if __name__ == "__main__":
    sys.exit(main())
