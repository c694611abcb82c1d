"""Scorecard benchmark: a month's scores from the daily rollups against the same numbers from
the raw rows (PostgreSQL GROUP BY, and DuckDB in memory), over three years of a district.

    .venv/bin/pip install -r bench/requirements.txt      # duckdb, for (c)
    .venv/bin/python bench/scorecard_bench.py [--cases 10000000] [--keep] [--repeat 7]

1. Fresh PostgreSQL database (zuofeng_bench_scorecard_<pid>), migrated; 60 ranked units
   (36 departments, 18 townships, 6 streets) plus the supervision office and discipline
   inspection, three matters per unit and an office user, all through the actions.
2. Generates 10,000,000 cases, 3,000,000 ratings (with the work orders of the bad ones),
   1,000,000 complaints and the escalations of the late cases over the three years before
   today (`bench.scorecard_data`, numpy), and loads them with binary COPY
   (`bench.bulk_copy`); VACUUM ANALYZE follows, as autovacuum would.
3. Rebuilds the rollups with the engine (`scorecard.rollups.rebuild`).
4. Times, for last month, `--repeat` times each (median printed):
   (button, the headline) the office's compute button as a user presses it: the real POST of
       `/staff/scorecard/compute/` through the Django test client (form, `compute_month`:
       rollup refresh at the current time, scoring, draft and audit event written, redirect),
       against (c) below;
   (a) `scorecard.compute.score_month(month, refresh=False)`: the scores of every unit from
       the rollups, the pure read part of the office's button (`actions.compute_month`,
       timed too, also refreshes the rollups and writes the draft);
   (b) the same measures by one GROUP BY per source over the raw tables in PostgreSQL;
   (c) the same SQL text in DuckDB over the same rows, exported once from PostgreSQL and
       held in memory (only the queries are timed);
   and asserts that all three give the same numerators and denominators for every unit.
5. Computes and publishes twelve months, then renders the office's pages and the public
   rankings of last month in-process (Django test client, DEBUG off, collected static
   files), `--repeat` times each.
6. Simulates a day of activity (new cases, state changes, ratings, work orders, complaints,
   complaint steps, the night's escalations), written in bulk and marked dirty the way the
   signals mark them, then times `scorecard.rollups.refresh` at 00:05 the next morning (the
   sweep step) and asserts that the rollups equal a rebuild of the days concerned.
7. Drops the database (unless --keep).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
PAGE_TARGET_MS = 200.0
REFRESH_TARGET_S = 1.0
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f} s] {message}", flush=True)


def admin() -> psycopg.Connection[Any]:
    return psycopg.connect(host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True)


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """(median seconds, every run's seconds, the last result)."""
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs, result


# --- the district -----------------------------------------------------------------------


def build_district(rng: np.random.Generator, count: int) -> dict[str, Any]:
    from django.db import transaction

    from catalog.actions import create_matter
    from org.actions import add_person, create_unit
    from org.models import Unit
    from org.roles import Role

    kinds = [Unit.Kind.DEPARTMENT] * (count * 3 // 5) + [Unit.Kind.TOWNSHIP] * (count * 3 // 10)
    kinds += [Unit.Kind.STREET] * (count - len(kinds))
    label = {Unit.Kind.DEPARTMENT: "部门", Unit.Kind.TOWNSHIP: "乡镇", Unit.Kind.STREET: "街道"}
    units, matters, limits = [], np.zeros((count, 3), np.int64), np.zeros((count, 3), np.int64)
    with transaction.atomic():
        for n, kind in enumerate(kinds):
            unit = create_unit(
                actor=None,
                code=f"B{n:02d}",
                name=f"基准{label[kind]}{n:02d}",
                kind=kind,
                sort_order=n,
            )
            units.append(unit.pk)
            for m, limit in enumerate([0, int(rng.choice([5, 10, 15])), int(rng.choice([15, 20]))]):
                matter = create_matter(
                    actor=None,
                    code=f"B{n:02d}-{m + 1:04d}",
                    name=f"基准事项{n:02d}-{m + 1}",
                    unit=unit,
                    legal_basis="《中华人民共和国行政许可法》",
                    steps="受理\n办结",
                    statutory_limit_days=20,
                    promised_limit_days=limit,
                )
                matters[n, m], limits[n, m] = matter.pk, limit
        office = create_unit(
            actor=None, code="DCS", name="区政府督查室", kind=Unit.Kind.SUPERVISION
        )
        discipline = create_unit(
            actor=None, code="JJW", name="区纪委监委", kind=Unit.Kind.DISCIPLINE
        )
        user = add_person(
            actor=None, username="office", full_name="督查员", roles=[Role.SUPERVISOR], unit=office
        )

    return {
        "units": np.array(units, np.int64),
        "matters": matters,
        "limits": limits,
        "office": office.pk,
        "discipline": discipline.pk,
        "user": user,
        "publisher": second_office_user(),
    }


def calendar_and_plan(seed: int, t0: int, units: int) -> tuple[np.random.Generator, Any, Any]:
    """The generator's random stream, working-day calendar and unit tendencies: the same for
    a seed and an end of history, so a reused history gets back the plan it was made with."""
    from bench import scorecard_data as data

    rng = np.random.default_rng(seed)
    today = data.local_day(np.array([t0]))[0].item()
    cal = data.Workdays(
        today - dt.timedelta(days=data.HISTORY_DAYS + 10), today + dt.timedelta(days=200)
    )
    return rng, cal, data.plan_units(rng, units)


def second_office_user() -> Any:
    """The office user who publishes what `office` computed (nobody publishes their own
    numbers); created once, also in a history loaded by an older version of this script."""
    from django.contrib.auth import get_user_model

    from org.actions import add_person
    from org.models import Unit
    from org.roles import Role

    found = get_user_model().objects.filter(username="office2").first()
    if found is not None:
        return found
    return add_person(
        actor=None,
        username="office2",
        full_name="复核员",
        roles=[Role.SUPERVISOR],
        unit=Unit.objects.get(code="DCS"),
    )


def load_district() -> dict[str, Any]:
    """`build_district`'s result, read back from a reused history."""
    from django.contrib.auth import get_user_model

    from catalog.models import Matter
    from org.models import Unit

    ranked = list(Unit.objects.filter(code__startswith="B").order_by("sort_order", "pk"))
    matters, limits = np.zeros((len(ranked), 3), np.int64), np.zeros((len(ranked), 3), np.int64)
    for n, unit in enumerate(ranked):
        for m, matter in enumerate(Matter.objects.filter(unit=unit).order_by("code")):
            matters[n, m], limits[n, m] = matter.pk, matter.promised_limit_days
    return {
        "units": np.array([u.pk for u in ranked], np.int64),
        "matters": matters,
        "limits": limits,
        "office": Unit.objects.get(code="DCS").pk,
        "discipline": Unit.objects.get(code="JJW").pk,
        "user": get_user_model().objects.get(username="office"),
        "publisher": second_office_user(),
    }


def generate_and_load(args: argparse.Namespace, district: dict[str, Any], t0: int) -> Any:
    from bench import scorecard_data as data
    from bench.bulk_copy import load
    from cases.models import Case
    from complaints.models import Complaint
    from evaluations.models import Evaluation, Rectification
    from zuofeng.duty.models import Escalation

    rng, cal, plan = calendar_and_plan(args.seed, t0, len(district["units"]))
    units = district["units"]
    started = time.perf_counter()
    cases = data.cases(
        rng, cal, plan, t0, args.cases, units, district["matters"], district["limits"]
    )
    escalations = data.escalations(cases, units)
    ratings, rectifications = data.ratings(rng, cal, plan, cases, t0, args.ratings, units)
    complaints = data.complaints(
        rng, cal, plan, t0, args.complaints, units, district["office"], district["discipline"]
    )
    log(f"generated the rows with numpy in {time.perf_counter() - started:.1f} s")
    for model, table in [
        (Case, cases),
        (Evaluation, ratings),
        (Rectification, rectifications),
        (Complaint, complaints),
        (Escalation, escalations),
    ]:
        began = time.perf_counter()
        load(model, table.columns, table.rows)
        log(
            f"COPY {model._meta.db_table}: {table.rows:,} rows, indexes rebuilt, in "
            f"{time.perf_counter() - began:.1f} s"
        )
    began = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (Case, Evaluation, Rectification, Complaint, Escalation):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    log(f"VACUUM ANALYZE in {time.perf_counter() - began:.1f} s")
    return cal, plan, cases


# --- (b) and (c): the measures by plain SQL over the raw rows -----------------------------

# Per source: table, joins, base condition, unit column, attribution time, and the measures
# (from zuofeng.measures and the conditions it reuses: cases.measures.flag_q,
# evaluations.stats, complaints.handling.stats.parts). `{now}` is the scoring instant. The same text
# runs in PostgreSQL and DuckDB.
DECIDED = "t.clock_stopped_at IS NOT NULL"
ON_TIME = f"{DECIDED} AND t.clock_stopped_at <= t.due_at"
OVERDUE = "t.status = 'accepted' AND t.due_at < {now}"
RAW_SOURCES: list[tuple[str, str, str, str, str, dict[str, str]]] = [
    (
        "cases_case",
        "",
        "true",
        "t.unit_id",
        "t.submitted_at",
        {
            "case_received": "true",
            "case_decided": DECIDED,
            "case_on_time": ON_TIME,
            "case_decided_first_time": f"{DECIDED} AND t.supplement_count = 0",
            "case_immediate_decided": f"{DECIDED} AND t.limit_workdays = 0",
            "case_immediate_on_time": f"{ON_TIME} AND t.limit_workdays = 0",
            "case_buck_passing": "t.buck_passing",
            "case_forwarded": "t.forwarded_to_back_office",
            "case_repeat_supplement": "t.one_time_rule_broken",
            "case_overdue": OVERDUE,
        },
    ),
    (
        # Lateness in the month the deadline passed (cases.measures: the deadline source).
        "cases_case",
        "",
        "t.accepted_at IS NOT NULL",
        "t.unit_id",
        "t.due_at",
        {
            "case_due": f"{DECIDED} OR ({OVERDUE})",
            "case_due_on_time": ON_TIME,
            "case_due_late": f"({DECIDED} AND t.clock_stopped_at > t.due_at) OR ({OVERDUE})",
            "case_due_overdue": OVERDUE,
        },
    ),
    (
        "evaluations_evaluation",
        "",
        "NOT t.excluded",
        "t.unit_id",
        "t.created_at",
        {
            "rating_count": "true",
            "rating_satisfied": "t.level IN (4, 5)",
            "rating_bad": "t.level IN (1, 2)",
        },
    ),
    (
        "evaluations_rectification",
        "JOIN evaluations_evaluation e ON e.id = t.evaluation_id",
        "NOT e.excluded",
        "t.unit_id",
        "t.opened_at",
        {
            "rectification_settled": "t.closed_at IS NOT NULL OR t.due_at < {now}",
            "rectification_on_time": "t.closed_at IS NOT NULL AND t.closed_at <= t.due_at",
        },
    ),
    (
        "complaints_complaint",
        "",
        "t.handling_unit_id IS NOT NULL",
        "t.handling_unit_id",
        "t.triaged_at",
        {
            "complaint_routed": "true",
            "complaint_responded_on_time": "t.responded_at IS NOT NULL "
            "AND t.responded_at <= t.respond_due_at",
            "complaint_response_due": "t.responded_at IS NOT NULL OR t.respond_due_at < {now}",
            "complaint_answered_on_time": "t.first_answered_at IS NOT NULL "
            "AND t.first_answered_at <= t.resolve_due_at",
            "complaint_resolution_due": "t.first_answered_at IS NOT NULL "
            "OR t.resolve_due_at < {now}",
            "complaint_satisfied": "t.callback IN ('satisfied', 'basic')",
            "complaint_callback_answered": "t.callback IN ('satisfied', 'basic', 'dissatisfied')",
        },
    ),
    (
        # Buck-passing is charged per transfer to the unit that passed the case on.
        "cases_transfer",
        "",
        "true",
        "t.from_unit_id",
        "t.at",
        {
            "transfer_buck_passing": "t.is_return OR EXISTS (SELECT 1 FROM cases_transfer p "
            "WHERE p.case_id = t.case_id AND p.id < t.id)",
        },
    ),
    (
        "duty_escalation",
        "",
        "true",
        "t.unit_id",
        "t.created_at",
        {
            "escalation_head": "t.level = 1",
            "escalation_office": "t.level = 2",
        },
    ),
]
# The columns each engine needs, for DuckDB's copy.
RAW_COLUMNS = {
    "cases_case": "unit_id, submitted_at, accepted_at, clock_stopped_at, due_at, supplement_count, "
    "limit_workdays, buck_passing, forwarded_to_back_office, one_time_rule_broken, status",
    "evaluations_evaluation": "id, unit_id, created_at, level, excluded",
    "evaluations_rectification": "evaluation_id, unit_id, opened_at, closed_at, due_at",
    "complaints_complaint": "handling_unit_id, triaged_at, responded_at, respond_due_at, "
    "first_answered_at, resolve_due_at, callback",
    "cases_transfer": "id, case_id, from_unit_id, at, is_return",
    "duty_escalation": "unit_id, created_at, level",
}


def raw_queries(
    codes: set[str],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    literal: Callable[[dt.datetime], str],
) -> list[tuple[list[str], str]]:
    """One GROUP BY (unit) per source over the month's rows: [(measure codes, SQL)]."""
    known = {code for *_, measures in RAW_SOURCES for code in measures}
    assert codes <= known, f"no SQL written for {sorted(codes - known)}"
    queries = []
    for table, join, base, unit, moment, measures in RAW_SOURCES:
        wanted = [code for code in measures if code in codes]
        if not wanted:
            continue
        counts = ", ".join(
            f"count(*) FILTER (WHERE {measures[code].format(now=literal(now))})" for code in wanted
        )
        queries.append(
            (
                wanted,
                f"SELECT {unit}, {counts} FROM {table} t {join} WHERE {base} "
                f"AND {moment} >= {literal(start)} AND {moment} < {literal(end)} GROUP BY 1",
            )
        )
    return queries


def run_raw(
    execute: Callable[[str], list[tuple[Any, ...]]], queries: list[tuple[list[str], str]]
) -> dict[int, dict[str, int]]:
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    for codes, sql in queries:
        for unit_id, *values in execute(sql):
            for code, value in zip(codes, values, strict=True):
                if value:
                    sums[unit_id][code] = int(value)
    return dict(sums)


def pg_literal(moment: dt.datetime) -> str:
    return f"TIMESTAMPTZ '{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}+00'"


def duck_literal(moment: dt.datetime) -> str:
    return f"TIMESTAMP '{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}'"


def load_duckdb(workdir: Path) -> Any:
    """The needed columns of every source, exported once from PostgreSQL as CSV (timestamps
    as naive UTC) and loaded into an in-memory DuckDB, in id order."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect(":memory:")
    for table, columns in RAW_COLUMNS.items():
        path = workdir / f"{table}.csv"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s",
                [table],
            )
            types = dict(cursor.fetchall())
            names = [c.strip() for c in columns.split(",")]
            select = ", ".join(
                f"{n} AT TIME ZONE 'UTC'" if types[n].startswith("timestamp") else n for n in names
            )
            duck_types = {
                n: {
                    "timestamp with time zone": "TIMESTAMP",
                    "boolean": "BOOLEAN",
                    "character varying": "VARCHAR",
                }.get(types[n], "BIGINT")
                for n in names
            }
            sql = f"COPY (SELECT {select} FROM {table} ORDER BY id) TO STDOUT (FORMAT csv)"
            with path.open("wb") as out, cursor.cursor.copy(sql) as copy:
                for block in copy:
                    out.write(block)
        duck.execute(
            # auto_detect off: the columns are given, and an empty table (no transfers in a
            # small run) is an empty file that DuckDB's dialect sniffing refuses.
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = false, columns = ?, "
            "auto_detect = false, delim = ',', quote = '\"')",
            [str(path), duck_types],
        )
        path.unlink()
    return duck


# --- pages ------------------------------------------------------------------------------


def render_pages(
    district: dict[str, Any], month: dt.date, t0: dt.datetime, repeat: int
) -> list[tuple[str, float, int]]:
    from django.test import Client

    from scorecard.actions import compute_month, publish_scorecard
    from scorecard.models import Scorecard

    months = [month]
    while len(months) < 12:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    started = time.perf_counter()
    for m in reversed(months):
        scorecard = compute_month(actor=district["user"], month=m, now=t0)
        # Nobody publishes the numbers they computed: a second office user publishes.
        publish_scorecard(actor=district["publisher"], scorecard=scorecard, now=t0)
    log(f"computed and published 12 months in {time.perf_counter() - started:.1f} s")
    scorecard = Scorecard.objects.get(month=month, status=Scorecard.Status.PUBLISHED)
    unit_id = int(district["units"][0])
    office, public = Client(), Client()
    office.force_login(district["user"])
    pages = [
        ("office: the month (review)", office, f"/staff/scorecard/{scorecard.pk}/"),
        ("office: overview", office, f"/staff/scorecard/overview/?month={month:%Y-%m}"),
        ("office: a unit's page", office, f"/staff/scorecard/unit/{unit_id}/?month={month:%Y-%m}"),
        ("office: printable month", office, f"/staff/scorecard/{scorecard.pk}/print/"),
        ("public: rankings", public, f"/rankings/?month={month:%Y-%m}"),
    ]
    results = []
    for label, client, url in pages:
        status = client.get(url).status_code  # warm-up (templates, first queries)
        median, _, _ = timed(lambda client=client, url=url: client.get(url), repeat)
        results.append((f"{label}  {url}", median * 1000, status))
    return results


def button_post(
    district: dict[str, Any], month: dt.date, storages: dict[str, Any] | None, repeat: int
) -> tuple[float, list[float], str]:
    """The office's compute button as a user presses it: the real POST of
    `scorecard:compute` through the whole stack (middleware, session, CSRF-exempt test
    client, form, `actions.compute_month` with the rollup refresh at the current time, the
    draft written with its audit event, the redirect answered). Returns (median seconds,
    runs, the last answer's status and where it redirected: the draft's review page when
    the draft was written, the month list with an error message when it was not)."""
    from django.test import Client

    office = Client()
    office.force_login(district["user"])
    data = {"month": f"{month:%Y-%m}"}
    with override_static(storages):
        office.post("/staff/scorecard/compute/", data)  # warm-up: URL resolver, form
        median, runs, response = timed(
            lambda: office.post("/staff/scorecard/compute/", data), repeat
        )
    return median, runs, f"{response.status_code} → {response.get('Location', '')}"


def override_static(storages: dict[str, Any] | None) -> Any:
    from django.test import override_settings

    return override_settings(STORAGES=storages) if storages else nullcontext()


def score_and_render(
    args: argparse.Namespace,
    district: dict[str, Any],
    month: dt.date,
    t0: dt.datetime,
    storages: dict[str, Any] | None,
    workdir: Path,
    checks: list[tuple[str, bool]],
) -> dict[str, Any]:
    """Steps 4 and 5: (a), (b), (c) with their checks (appended to `checks`), then the
    pages. Returns the timings for the printout."""
    from django.db import connection

    from scorecard import rollups
    from scorecard.actions import compute_month
    from scorecard.compute import score_month
    from zuofeng.periods import month_range, next_month

    # (a) from the rollups
    standard, results = score_month(month, now=t0, refresh=False)
    indicators = list(standard.indicators.all())
    codes = {i.numerator_measure for i in indicators} | {
        i.denominator_measure for i in indicators if i.denominator_measure
    }
    unit_ids = [r.unit.pk for r in results]
    a, a_runs, (_, results) = timed(lambda: score_month(month, now=t0, refresh=False), args.repeat)
    a_sql, _, sums = timed(
        lambda: rollups.totals(month, next_month(month), codes, unit_ids), args.repeat
    )
    button, _, _ = timed(
        lambda: compute_month(actor=district["user"], month=month, now=t0), args.repeat
    )
    post, post_runs, post_status = button_post(district, month, storages, args.repeat)

    # (b) plain GROUP BY over the raw tables in PostgreSQL
    start, end = month_range(month)

    def pg(sql: str) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    pg_queries = raw_queries(codes, start, end, t0, pg_literal)
    b, b_runs, raw_pg = timed(lambda: run_raw(pg, pg_queries), args.repeat)

    # (c) the same SQL in DuckDB, over the same rows in memory
    started = time.perf_counter()
    duck = load_duckdb(workdir)
    log(
        f"DuckDB: sources exported from PostgreSQL and loaded in memory in "
        f"{time.perf_counter() - started:.1f} s"
    )
    duck_queries = raw_queries(codes, start, end, t0, duck_literal)
    c, c_runs, raw_duck = timed(
        lambda: run_raw(lambda sql: duck.execute(sql).fetchall(), duck_queries), args.repeat
    )

    ranked = set(unit_ids)
    pg_ranked = {u: v for u, v in raw_pg.items() if u in ranked}
    engine = {u: {m: v for m, v in values.items() if v} for u, values in sums.items()}
    checks.append(
        ("rollup totals = PostgreSQL GROUP BY (every unit, every measure)", engine == pg_ranked)
    )
    checks.append(("DuckDB = PostgreSQL GROUP BY (every unit, every measure)", raw_duck == raw_pg))
    mismatches = [
        (r.unit.code, item.indicator.code)
        for r in results
        for item in r.indicators
        if item.numerator != pg_ranked.get(r.unit.pk, {}).get(item.indicator.numerator_measure, 0)
        or (
            item.denominator is not None
            and item.denominator
            != pg_ranked.get(r.unit.pk, {}).get(item.indicator.denominator_measure, 0)
        )
    ]
    checks.append(
        (
            f"score_month numerators and denominators = GROUP BY ({len(results)} units, "
            f"{sum(len(r.indicators) for r in results)} scores; mismatches: "
            f"{mismatches[:5]})",
            not mismatches,
        )
    )

    with override_static(storages):
        pages = render_pages(district, month, t0, args.repeat)
    return {
        "post": post,
        "post_runs": post_runs,
        "post_status": post_status,
        "a": a,
        "a_runs": a_runs,
        "a_sql": a_sql,
        "button": button,
        "b": b,
        "b_runs": b_runs,
        "c": c,
        "c_runs": c_runs,
        "pages": pages,
    }


# --- the run ----------------------------------------------------------------------------


def print_scoring(args: argparse.Namespace, month: dt.date, r: dict[str, Any]) -> None:
    def runs(values: list[float]) -> str:
        return ", ".join(f"{x * 1000:.1f}" for x in values)

    print(f"scoring {month:%Y-%m} (median of {args.repeat})")
    print("  HEADLINE: the office's compute button, end to end, against DuckDB")
    print(
        f"  (button) POST /staff/scorecard/compute/        {r['post'] * 1000:8.1f} ms  "
        f"HTTP {r['post_status']}  runs {runs(r['post_runs'])}"
    )
    print(
        "           (test client through every middleware: form, compute_month = refresh of"
        " the rollups now + score + draft written + audit event, redirect)"
    )
    print(
        f"  (c) DuckDB in memory over the same rows        {r['c'] * 1000:8.1f} ms  "
        f"runs {runs(r['c_runs'])}"
    )
    drafted = (
        r["post_status"].startswith("302 → /staff/scorecard/") and r["post_status"][-2].isdigit()
    )
    verdict = "PASS" if r["post"] <= r["c"] and drafted else "FAIL"
    print(f"  ratio (button)/(c) {r['post'] / r['c']:.2f}   target (button) ≤ (c): {verdict}")
    print("  parts and other baselines (not the headline)")
    print(
        f"  (a) score_month(refresh=False), read part only {r['a'] * 1000:8.1f} ms  "
        f"runs {runs(r['a_runs'])}"
    )
    print(f"      its rollup query alone (rollups.totals)    {r['a_sql'] * 1000:8.1f} ms")
    print(f"      compute_month called directly (no HTTP)    {r['button'] * 1000:8.1f} ms")
    print(
        f"  (b) PostgreSQL GROUP BY over raw rows          {r['b'] * 1000:8.1f} ms  "
        f"runs {runs(r['b_runs'])}"
    )
    print(
        f"  ratios: (a)/(c) {r['a'] / r['c']:.2f}   (a)/(b) {r['a'] / r['b']:.3f}   "
        f"rollup query/(c) {r['a_sql'] / r['c']:.2f}   (b)/(c) {r['b'] / r['c']:.1f}   "
        f"(button)/(b) {r['post'] / r['b']:.3f}"
    )
    print(
        f"pages for {month:%Y-%m} (median of {args.repeat}, in-process, target < "
        f"{PAGE_TARGET_MS:.0f} ms)"
    )
    for label, ms, status in r["pages"]:
        verdict = "PASS" if ms < PAGE_TARGET_MS and status == 200 else "FAIL"
        print(f"  {ms:8.1f} ms  HTTP {status}  {verdict}  {label}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--ratings", type=int, default=3_000_000)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (median shown)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--save-history",
        metavar="NAME",
        help="after generation and the rebuild, copy the database to NAME for --history",
    )
    parser.add_argument(
        "--history",
        metavar="NAME",
        help="start from a copy of a database saved by --save-history instead of generating",
    )
    parser.add_argument(
        "--day-only",
        action="store_true",
        help="skip the scoring and the pages: only the day of activity and the refresh",
    )
    args = parser.parse_args()

    database = f"zuofeng_bench_scorecard_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="scorecard_bench_"))
    from bench.harness import bench_env

    os.environ.update(bench_env(database, workdir, pg_host=PG_HOST, pg_user=PG_USER))
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    with admin() as connection:
        if args.history:
            connection.execute(
                f'CREATE DATABASE "{database}" TEMPLATE "{args.history}" STRATEGY FILE_COPY'
            )
        else:
            connection.execute(f'CREATE DATABASE "{database}"')
    log(f"database {database}" + (f", a copy of {args.history}" if args.history else ""))
    try:
        return run(args, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            log(f"kept database {database}")
        else:
            with admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            log(f"dropped database {database}")


def run(args: argparse.Namespace, workdir: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from scorecard import rollups
    from scorecard.models import DirtyDay
    from zuofeng.workdays.calendar import LOCAL_TZ

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    storages = None
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as error:
        log(f"collectstatic failed ({type(error).__name__}); pages render with plain storage")
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    log(f"migrated; static files collected in {time.perf_counter() - started:.1f} s")

    from bench.scorecard_data import to_us
    from scorecard.models import DailyRollup, RollupState

    if args.history:
        # The history ends where its rebuild ran (RollupState), whatever today is now.
        t0 = RollupState.current().refreshed_at.astimezone(LOCAL_TZ)
        today = t0.date()
    else:
        today = dt.datetime.now(LOCAL_TZ).date()
        t0 = dt.datetime.combine(today, dt.time.min, tzinfo=LOCAL_TZ)  # history ends here
    t1 = t0 + dt.timedelta(days=1, minutes=5)  # the morning after the simulated day
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    generation = rebuild = None
    if args.history:
        district = load_district()
        _, cal, plan = calendar_and_plan(args.seed, to_us(t0), len(district["units"]))
        written = DailyRollup.objects.count()
        with connection.cursor() as cursor:  # migrations may have added indexes since
            cursor.execute("ANALYZE")
        log(f"history of {today} reused from {args.history}: {written:,} rollup rows")
    else:
        rng = np.random.default_rng(args.seed)
        district = build_district(rng, args.units)
        started = time.perf_counter()
        cal, plan, _ = generate_and_load(args, district, to_us(t0))
        generation = time.perf_counter() - started
        log(f"generation and load: {generation:.1f} s")

        started = time.perf_counter()
        written = rollups.rebuild(now=t0)
        rebuild = time.perf_counter() - started
        log(f"rollups rebuilt: {written:,} rows in {rebuild:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE scorecard_dailyrollup")
        if args.save_history:
            from django.db import connections

            connections.close_all()
            started = time.perf_counter()
            with admin() as server:
                database = settings.DATABASES["default"]["NAME"]
                server.execute(
                    f'CREATE DATABASE "{args.save_history}" TEMPLATE "{database}" '
                    "STRATEGY FILE_COPY"
                )
            log(
                f"history saved as {args.save_history} in {time.perf_counter() - started:.1f} s"
                " (for --history)"
            )

    checks = []
    if not args.day_only:
        scoring = score_and_render(args, district, month, t0, storages, workdir, checks)
    # A day of activity, then the sweep step at 00:05 the next morning.
    from bench.scorecard_day import deadline_days, rollup_rows, simulate_day

    earliest, changes, marking = simulate_day(district, cal, plan, to_us(t0), to_us(t1), args.seed)
    log(
        f"day of activity written; marking its {changes:,} changes took {marking:.2f} s "
        "(in production the signals' cost, spread over the day)"
    )
    passed = deadline_days(t0, t1)
    if passed is not None:
        earliest = min(earliest, passed)
    dirty = DirtyDay.objects.count()
    started = time.perf_counter()
    refreshed = rollups.refresh(t1)
    refresh = time.perf_counter() - started
    before = rollup_rows(earliest, today)
    started = time.perf_counter()
    rollups.rebuild(earliest, today, now=t1)
    check_rebuild = time.perf_counter() - started
    after = rollup_rows(earliest, today)
    checks.append(
        (
            f"rollups after the refresh = rebuild of {earliest} … {today} "
            f"({len(after):,} rows; rebuild took {check_rebuild:.1f} s)",
            before == after,
        )
    )

    print()
    print(
        f"scorecard benchmark: {args.cases:,} cases, {args.ratings:,} ratings, "
        f"{args.complaints:,} complaints, {args.units} units, three years to {today}"
    )
    if generation is None:
        print(f"  generation: reused from {args.history} ({written:,} rollup rows)")
    else:
        print(f"  generation + COPY + indexes + VACUUM ANALYZE   {generation:8.1f} s")
        print(
            f"  rollups rebuild (engine)                       {rebuild:8.1f} s  {written:,} rows"
        )
    if not args.day_only:
        print_scoring(args, month, scoring)
    verdict = "PASS" if refresh < REFRESH_TARGET_S else "FAIL"
    print(
        f"a day of activity: {dirty:,} dirty unit-days marked; refresh at {t1:%Y-%m-%d %H:%M} "
        f"took {refresh:.2f} s ({refreshed}) {verdict} (target < {REFRESH_TARGET_S:g} s)"
    )
    print("checks")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
