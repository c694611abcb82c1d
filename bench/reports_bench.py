"""Report benchmark (issue 15): a year's 调研报告 with every figure and chart, from the daily
rollups, against the same figures counted from the raw rows, in the same run.

    .venv/bin/python bench/reports_bench.py [--cases 10000000] [--repeat 3] [--keep]
    .venv/bin/python bench/reports_bench.py --demo [--demo-cases 50000]

Large history (default): a fresh PostgreSQL database with the scorecard benchmark's district
and data (`bench.scorecard_bench.build_district` / `generate_and_load`, numpy + COPY: 60
units, `--cases` cases with 0.3 ratings and 0.1 complaints per case over three years), the
rollups rebuilt by the engine; `--history NAME` starts from a copy of a database saved by
`scorecard_bench.py --save-history NAME` instead. Then, `--repeat` times (median printed):

  (report) `reports.actions.generate_report` for the district over the twelve whole months
      before this month, end to end: rollup refresh, every count fact (this period, the
      previous one, the units where problems concentrate), the draft, facts and version
      written with their audit events;
  (docx)   the Word document with its charts (matplotlib) from the stored snapshot;
  (raw)    baseline: the report's count facts of registered measures at district level
      counted from the raw rows (`Measure.records(...).count()` per fact), i.e. what the
      report would cost if it scanned cases instead of reading rollups;

and checks that every district-level count fact equals its raw count. Targets: report +
docx < 60 s at 10,000,000 cases; with `--demo`, the demo district (demo.builder) < 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scorecard_bench import PG_HOST, PG_USER, admin, log  # noqa: E402


def timed(function: Any, repeat: int) -> tuple[float, Any]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def build_history(args: argparse.Namespace) -> None:
    import numpy as np

    from bench.scorecard_bench import build_district, generate_and_load
    from bench.scorecard_data import to_us
    from scorecard import rollups
    from zuofeng.workdays.calendar import LOCAL_TZ

    today = dt.datetime.now(LOCAL_TZ).date()
    t0 = dt.datetime.combine(today, dt.time.min, tzinfo=LOCAL_TZ)
    rng = np.random.default_rng(args.seed)
    district = build_district(rng, args.units)
    started = time.perf_counter()
    generate_and_load(args, district, to_us(t0))
    log(f"generation and load: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    written = rollups.rebuild(now=t0)
    log(f"rollups rebuilt: {written:,} rows in {time.perf_counter() - started:.1f} s")


def build_demo_district(args: argparse.Namespace) -> None:
    from demo.builder import build_demo

    started = time.perf_counter()
    counts = build_demo(cases=args.demo_cases)
    log(
        f"demo district built ({counts['history_cases']:,} cases) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def measure(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from reports import actions, document
    from reports.evidence import is_query
    from reports.facts import fact_records
    from reports.forms import default_period
    from reports.reads import facts_of
    from zuofeng.workdays.calendar import local_date

    user = (
        get_user_model()
        .objects.filter(Q(username="office") | Q(groups__name="supervisor"))
        .order_by("pk")
        .first()
    )
    start, end = default_period(local_date(timezone.now()))
    reports: list[Any] = []

    def generate() -> Any:
        report = actions.generate_report(
            actor=user, title="年度作风建设调研报告", start=start, end=end
        )
        reports.append(report)
        return report

    report_s, report = timed(generate, args.repeat)
    docx_s, data = timed(
        lambda: document.build(report, report.current.content, facts_of(report)), args.repeat
    )
    district = [
        f
        for f in report.facts.filter(kind="count")
        if len(f.params["units"]) == len(report.unit_ids) and not is_query(f.code)
    ]

    def raw() -> dict[str, int]:
        return {fact.key: fact_records(fact).count() for fact in district}

    raw_s, counted = timed(raw, max(1, args.repeat // 2))
    wrong = [f.key for f in district if counted[f.key] != f.value]
    facts = report.facts.count()
    charts = len(report.current.content["charts"])
    print()
    print(f"report benchmark: {args.label}, period {start} … {end}")
    print(
        f"  facts {facts} ({len(district)} district-level counts of registered measures), "
        f"charts {charts}, docx {len(data):,} bytes"
    )
    print(
        f"  (report) generate_report, end to end     {report_s:8.2f} s  (median of {args.repeat})"
    )
    print(f"  (docx)   Word document with charts       {docx_s:8.2f} s")
    print(
        f"  (raw)    baseline, same counts from rows  {raw_s:8.2f} s  "
        f"for {len(district)} of the facts"
    )
    print(f"  ratio (report)/(raw): {report_s / raw_s:.3f}")
    total = report_s + docx_s
    target = 10.0 if args.demo else 60.0
    print(f"  {'PASS' if total < target else 'FAIL'}  report + docx {total:.2f} s < {target:.0f} s")
    print(
        f"  {'PASS' if not wrong else 'FAIL'}  every district-level count fact = its raw count"
        + (f" (differ: {wrong[:5]})" if wrong else "")
    )
    return 0 if total < target and not wrong else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--demo", action="store_true", help="the demo district instead of the large history"
    )
    parser.add_argument("--demo-cases", type=int, default=50_000)
    parser.add_argument(
        "--history", metavar="NAME", help="copy of a scorecard_bench --save-history database"
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    args.ratings, args.complaints = int(args.cases * 0.3), int(args.cases * 0.1)
    args.label = (
        f"demo district ({args.demo_cases:,} cases)"
        if args.demo
        else f"{args.cases:,} cases, {args.ratings:,} ratings, {args.complaints:,} complaints"
    )

    database = f"zuofeng_bench_reports_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="reports_bench_"))
    from bench.harness import bench_env

    os.environ.update(bench_env(database, workdir, pg_host=PG_HOST, pg_user=PG_USER))
    with admin() as connection:
        if args.history:
            connection.execute(
                f'CREATE DATABASE "{database}" TEMPLATE "{args.history}" STRATEGY FILE_COPY'
            )
        else:
            connection.execute(f'CREATE DATABASE "{database}"')
    log(f"database {database}")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.demo:
            build_demo_district(args)
        elif not args.history:
            build_history(args)
        return measure(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept database {database}")
        else:
            with admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            log(f"dropped database {database}")


if __name__ == "__main__":
    sys.exit(main())
