"""Ratings benchmark: 1,000 concurrent submissions to POST /api/ratings/ (the SMS link's
API), with deliberate duplicates, under gunicorn on PostgreSQL; then integrity checks.

    .venv/bin/python bench/ratings_bench.py [--cases 5000] [--ratings 800] [--duplicates 200]
                                            [--connections 50]

1. Creates a fresh PostgreSQL database (zuofeng_bench_ratings_<pid>), migrates it and builds
   the demo district with `--cases` cases (which already rates about 70 % of them).
2. Picks `--ratings` decided cases nobody has rated, and signs one SMS-link token per case
   (evaluations.links.rating_token, with the server's SECRET_KEY: same environment).
3. Starts gunicorn exactly as cases_bench.py does (2 gthread workers × 4 threads, the bench
   URLconf with its bare view, rate limits raised) and measures the bare view the same way
   (`--bare-connections` keep-alive clients, `--warmup` then `--duration` seconds), before the
   burst and again after it; the baseline is the mean of the two.
4. The burst: `--connections` keep-alive connections, held two by two by client processes
   that start together and send their rounds back to back: a round puts one request on each
   of the client's two connections before reading either answer. Every chosen case is
   submitted once, and `--duplicates` of them a second time (the same token, another level:
   a double tap, or the link opened on two phones), in the same round as the first: the two
   are in flight together. The rounds are shuffled, so duplicates are spread over the burst.
5. Checks, and prints PASS/FAIL for each: exactly one 201 per case and 409 for every
   duplicate, no 5xx and no connection error; in the database at most one rating per case
   and as many ratings as distinct cases, the stored level is the one answered 201, as many
   rectification work orders as bad ratings; evaluations.stats.monthly_results for this month,
   and the published API (GET /api/ratings/results/<year>/<month>/), equal a recomputation
   with plain SQL GROUP BY over evaluations_evaluation (and evaluations_rectification for the
   on-time columns); the audit chain still verifies.
6. Prints submissions/s (all 1,000 over the burst's wall time), p50/p99 latency, the bare
   view's requests/s and the ratio; stops gunicorn and drops the database, also after an
   error or Ctrl-C (`--keep-db` keeps it). Exit status 1 if any check fails.

Reuses cases_bench.py's helpers (load generator, gunicorn, database) and harness.py's
environment. Everything runs on this machine and contacts only loopback addresses; the run
stops itself within --time-limit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import select
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project (for the in-process Django: tokens and checks) and bench/ (its sibling scripts).
sys.path[:0] = [str(ROOT), str(BENCH)]

from cases_bench import (  # noqa: E402
    HOST,
    PG_HOST,
    PG_USER,
    THREADS,
    WORKERS,
    Target,
    create_database,
    drop_database,
    free_port,
    http_request,
    log,
    manage,
    measure,
    percentile,
    start_server,
    stop_server,
    wait_until_up,
)
from harness import bench_env  # noqa: E402

RATINGS_PATH = "/api/ratings/"
WORKER_CLASS = "gthread"  # as cases_bench.py's default (its docstring explains why)


# --- the burst (runs in client processes) -------------------------------------------------


@dataclass(frozen=True)
class Submission:
    case: int
    duplicate: bool  # the second submission for its case
    body: bytes


@dataclass(frozen=True)
class Answer:
    case: int
    duplicate: bool
    status: int  # 0: connection error or timeout
    sent: float  # wall clock (time.time()), comparable across the client processes
    latency: float
    level: int | None  # the level a 201 answered with


Round = tuple[Submission, ...]  # sent together, one per connection of a client


def _connect(port: int) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.connect()  # the TCP handshake is not part of a measured request
    return connection


def _burst_client(port: int, rounds: list[Round], start_at: float, results: Any) -> None:
    """One client with two keep-alive connections: wait for the common start, then send its
    rounds back to back. A round puts one request on each connection before reading either
    answer, so both are in flight together: a duplicate and its twin always are. Answers are
    read in the order they arrive; put on the queue."""
    headers = {"Content-Type": "application/json"}
    connections = [_connect(port), _connect(port)]
    answers = []
    time.sleep(max(0.0, start_at - time.time()))
    for round_ in rounds:
        in_flight: dict[int, tuple[Submission, float, float]] = {}
        for slot, submission in enumerate(round_):
            sent, before = time.time(), time.perf_counter()
            try:
                connections[slot].request(
                    "POST", RATINGS_PATH, body=submission.body, headers=headers
                )
                in_flight[slot] = (submission, sent, before)
            except (OSError, http.client.HTTPException):
                answers.append(Answer(submission.case, submission.duplicate, 0, sent, 0.0, None))
                connections[slot].close()
                connections[slot] = http.client.HTTPConnection(HOST, port, timeout=60)
        while in_flight:
            sockets = {connections[slot].sock: slot for slot in in_flight}
            ready, _, _ = select.select(list(sockets), [], [], 60)
            slot = sockets[ready[0]] if ready else next(iter(in_flight))
            submission, sent, before = in_flight.pop(slot)
            level = None
            try:
                response = connections[slot].getresponse()
                payload = response.read()
                status = response.status
                if status == 201:
                    level = json.loads(payload).get("level")
                if response.will_close:
                    connections[slot].close()
                    connections[slot] = http.client.HTTPConnection(HOST, port, timeout=60)
            except (OSError, http.client.HTTPException, ValueError):
                status = 0
                connections[slot].close()
                connections[slot] = http.client.HTTPConnection(HOST, port, timeout=60)
            answers.append(
                Answer(
                    submission.case,
                    submission.duplicate,
                    status,
                    sent,
                    time.perf_counter() - before,
                    level,
                )
            )
    for connection in connections:
        connection.close()
    results.put((answers, time.time()))


def schedule(
    submissions: dict[int, Submission],
    duplicates: dict[int, Submission],
    clients: int,
    rng: random.Random,
) -> list[list[Round]]:
    """Rounds, dealt to `clients` clients of two connections each: every duplicate shares a
    round with its twin (which goes first is random), the other submissions go two by two;
    the rounds are shuffled, so the duplicates are spread over the whole burst."""
    rounds: list[Round] = []
    for case, duplicate in duplicates.items():
        pair = [submissions[case], duplicate]
        rng.shuffle(pair)
        rounds.append(tuple(pair))
    singles = [submissions[case] for case in submissions if case not in duplicates]
    rng.shuffle(singles)
    rounds += [tuple(singles[i : i + 2]) for i in range(0, len(singles), 2)]
    rng.shuffle(rounds)
    return [rounds[client::clients] for client in range(clients)]


class LockWaits(threading.Thread):
    """Samples, every 50 ms, how many of the database's backends wait for a lock (a row
    lock: the case, or an audit chain head); started after the clients have forked."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.samples: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
        )
        with psycopg.connect(
            host=PG_HOST, user=PG_USER, dbname=self.database, autocommit=True
        ) as conn:
            while not self.done.wait(0.05):
                self.samples.append(conn.execute(sql, [self.database]).fetchone()[0])

    def summary(self) -> str:
        if not self.samples:
            return "backends waiting for a lock during the burst: not sampled"
        mean = sum(self.samples) / len(self.samples)
        busy = sum(1 for n in self.samples if n) / len(self.samples)
        return (
            f"backends waiting for a lock during the burst: mean {mean:.2f}, "
            f"max {max(self.samples)}, some waiting in {busy:.0%} of {len(self.samples)} samples"
        )


def run_burst(
    port: int, queues: list[list[Round]], time_limit: float, database: str
) -> tuple[list[Answer], float, LockWaits]:
    """All clients at once; returns the answers, the wall time from the common start to
    the last answer, and the lock waits sampled meanwhile."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 1.0 + 0.02 * len(queues)  # after every process has started
    processes = [
        context.Process(target=_burst_client, args=(port, queue, start_at, results))
        for queue in queues
    ]
    for process in processes:
        process.start()
    waits = LockWaits(database)
    waits.start()
    answers: list[Answer] = []
    finished = []
    try:
        for _ in processes:
            part, done = results.get(timeout=max(10.0, time_limit))
            answers.extend(part)
            finished.append(done)
    finally:
        waits.done.set()
        waits.join(timeout=5)
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    return answers, max(finished) - start_at, waits


# --- the in-process Django: tokens, picks and the checks ---------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def pick_cases(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(pk, channel) of `count` decided cases nobody has rated yet."""
    from cases.models import Case
    from evaluations.actions import RATABLE_STATUSES

    unrated = list(
        Case.objects.filter(status__in=RATABLE_STATUSES, evaluation__isnull=True)
        .order_by("pk")
        .values_list("pk", "channel")
    )
    if len(unrated) < count:
        raise RuntimeError(f"only {len(unrated)} unrated decided cases; build more --cases")
    return rng.sample(unrated, count)


def submissions_for(
    cases: list[tuple[int, str]], duplicates: int, rng: random.Random
) -> tuple[dict[int, Submission], dict[int, Submission]]:
    """One realistic submission per case (levels as the demo's, about 8 % bad, tags of the
    case's channel, some comments), and a second one, at another level, for `duplicates`
    of them."""
    from cases.models import Case
    from evaluations.links import rating_token
    from evaluations.models import HALL_TAGS, ONLINE_TAGS

    comments = ("办事效率很高", "窗口服务态度很好", "等待时间有点长", "材料要求没有一次说清楚", "")

    def body(pk: int, channel: str, level: int) -> bytes:
        pool = ONLINE_TAGS if channel == Case.Channel.ONLINE else HALL_TAGS
        comment = rng.choice(comments)
        return json.dumps(
            {
                "token": rating_token(pk),
                "level": level,
                "tags": rng.sample(pool, rng.choice((0, 1, 2))),
                "comment": comment,
                "anonymous": rng.random() < 0.1,
                "allow_publication": bool(comment) and rng.random() < 0.4,
            },
            ensure_ascii=False,
        ).encode()

    def level() -> int:
        return rng.choices((5, 4, 3, 2, 1), weights=(55, 29, 8, 5, 3))[0]

    first = {pk: Submission(pk, False, body(pk, channel, level())) for pk, channel in cases}
    seconds = {
        pk: Submission(pk, True, body(pk, channel, level()))
        for pk, channel in rng.sample(cases, duplicates)
    }
    return first, seconds


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def sql_monthly(year: int, month: int, now: Any) -> dict[str, tuple[Any, ...]]:
    """The month's published numbers per unit code, recomputed from the raw rows with plain
    SQL (the month in Asia/Shanghai; ratings excluded by an upheld appeal not counted; the
    on-time share over work orders that are closed or already past their deadline):
    (ratings, 非常满意, 满意, 基本满意, bad, satisfaction % rounded half up, rectifications,
    on time)."""
    from django.db import connection

    sql = """
        WITH bounds AS (
            -- Local midnights; the month is added to the local time, not to UTC.
            SELECT make_timestamp(%(year)s, %(month)s, 1, 0, 0, 0)
                       AT TIME ZONE 'Asia/Shanghai' AS start,
                   (make_timestamp(%(year)s, %(month)s, 1, 0, 0, 0) + interval '1 month')
                       AT TIME ZONE 'Asia/Shanghai' AS stop
        ),
        rated AS (
            SELECT e.unit_id,
                   COUNT(*) AS n,
                   COUNT(*) FILTER (WHERE e.level = 5) AS v5,
                   COUNT(*) FILTER (WHERE e.level = 4) AS v4,
                   COUNT(*) FILTER (WHERE e.level = 3) AS v3,
                   COUNT(*) FILTER (WHERE e.level IN (1, 2)) AS bad
            FROM evaluations_evaluation e, bounds b
            WHERE NOT e.excluded AND e.created_at >= b.start AND e.created_at < b.stop
            GROUP BY e.unit_id
        ),
        orders AS (
            SELECT r.unit_id,
                   COUNT(*) FILTER (
                       WHERE r.closed_at IS NOT NULL OR r.due_at < %(now)s
                   ) AS settled,
                   COUNT(*) FILTER (
                       WHERE r.closed_at IS NOT NULL AND r.closed_at <= r.due_at
                   ) AS on_time
            FROM evaluations_rectification r
            JOIN evaluations_evaluation e ON e.id = r.evaluation_id, bounds b
            WHERE NOT e.excluded AND r.opened_at >= b.start AND r.opened_at < b.stop
            GROUP BY r.unit_id
        )
        SELECT u.code,
               COALESCE(rated.n, 0), COALESCE(rated.v5, 0), COALESCE(rated.v4, 0),
               COALESCE(rated.v3, 0), COALESCE(rated.bad, 0),
               CASE WHEN rated.n > 0
                    THEN ROUND(100.0 * (rated.v5 + rated.v4) / rated.n, 1) END,
               COALESCE(orders.settled, 0), COALESCE(orders.on_time, 0)
        FROM org_unit u
        LEFT JOIN rated ON rated.unit_id = u.id
        LEFT JOIN orders ON orders.unit_id = u.id
        WHERE rated.unit_id IS NOT NULL OR orders.unit_id IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year, "month": month, "now": now})
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def check_everything(
    port: int,
    answers: list[Answer],
    cases: list[int],
    duplicates: int,
) -> list[Check]:
    from django.db import connection
    from django.utils import timezone

    from evaluations.stats import monthly_results
    from zuofeng.audit.chain import verify_chain
    from zuofeng.audit.models import AuditEvent
    from zuofeng.workdays.calendar import local_date

    checks = []
    by_case: dict[int, Counter[int]] = defaultdict(Counter)
    answered_level: dict[int, int | None] = {}
    for answer in answers:
        by_case[answer.case][answer.status] += 1
        if answer.status == 201:
            answered_level[answer.case] = answer.level
    statuses = Counter(answer.status for answer in answers)
    one_each = sum(1 for case in cases if by_case[case][201] == 1)
    checks.append(
        Check(
            "exactly one 201 per case",
            one_each == len(cases) and statuses[201] == len(cases),
            f"{one_each} of {len(cases)} cases; 201 answered {statuses[201]} times",
        )
    )
    twice = {answer.case for answer in answers if answer.duplicate}
    pairs_ok = sum(1 for case in twice if by_case[case] == Counter({201: 1, 409: 1}))
    checks.append(
        Check(
            "409 for the other submission of every duplicated case",
            pairs_ok == duplicates == len(twice) and statuses[409] == duplicates,
            f"{pairs_ok} of {duplicates} cases answered 201 once and 409 once; "
            f"409 answered {statuses[409]} times",
        )
    )
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    checks.append(
        Check(
            "no server error",
            server_errors == 0 and statuses[0] == 0,
            f"5xx: {server_errors}, connection errors: {statuses[0]}, "
            f"all statuses: {dict(sorted(statuses.items()))}",
        )
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_id, COUNT(*), MIN(level) FROM evaluations_evaluation "
            "WHERE case_id = ANY(%s) GROUP BY case_id",
            [cases],
        )
        stored = {case: (n, level) for case, n, level in cursor.fetchall()}
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT case_id FROM evaluations_evaluation "
            "GROUP BY case_id HAVING COUNT(*) > 1) AS twice"
        )
        rated_twice = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FILTER (WHERE e.level IN (1, 2)), COUNT(r.id) "
            "FROM evaluations_evaluation e "
            "LEFT JOIN evaluations_rectification r ON r.evaluation_id = e.id "
            "WHERE e.case_id = ANY(%s)",
            [cases],
        )
        bench_bad, bench_orders = cursor.fetchone()
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM evaluations_evaluation "
            "        WHERE level IN (1, 2) AND NOT is_default), "
            "       (SELECT COUNT(*) FROM evaluations_rectification)"
        )
        all_bad, all_orders = cursor.fetchone()
    at_most_one = all(n == 1 for n, _ in stored.values()) and rated_twice == 0
    checks.append(
        Check(
            "at most one rating per case; ratings stored = distinct cases",
            at_most_one and len(stored) == len(set(cases)),
            f"{len(stored)} stored for {len(set(cases))} cases; "
            f"cases rated twice in the whole database: {rated_twice}",
        )
    )
    same = sum(1 for case, (_, level) in stored.items() if answered_level.get(case) == level)
    checks.append(
        Check(
            "the stored rating is the one answered 201",
            same == len(cases),
            f"{same} of {len(cases)}",
        )
    )
    checks.append(
        Check(
            "rectifications = bad ratings",
            bench_bad == bench_orders and all_bad == all_orders,
            f"submitted: {bench_orders} work orders for {bench_bad} bad ratings; "
            f"whole database: {all_orders} for {all_bad}",
        )
    )

    now = timezone.now()
    today = local_date(now)
    expected = sql_monthly(today.year, today.month, now)

    def from_stats() -> dict[str, tuple[Any, ...]]:
        return {
            r.unit.code: (
                r.ratings,
                r.very_satisfied,
                r.satisfied,
                r.basic,
                r.bad,
                r.satisfaction_rate,
                r.rectifications,
                r.rectified_on_time,
            )
            for r in monthly_results(today.year, today.month, now=now)
        }

    got = from_stats()
    checks.append(
        Check(
            f"monthly_results {today:%Y-%m} = SQL GROUP BY",
            got == expected and bool(expected),
            f"{len(expected)} units, {sum(row[0] for row in expected.values())} ratings"
            + ("" if got == expected else f"; differ: {_differences(got, expected)}"),
        )
    )
    path = f"/api/ratings/results/{today.year}/{today.month}/"
    status, _, text = http_request(port, "GET", path)
    published: dict[str, tuple[Any, ...]] = {}
    if status == 200:
        for unit in json.loads(text)["units"]:
            rate = unit["satisfaction_rate"]
            published[unit["unit"]] = (
                unit["ratings"],
                unit["very_satisfied"],
                unit["satisfied"],
                unit["basic"],
                unit["bad"],
                None if rate is None else Decimal(rate),
                unit["rectifications"],
                unit["rectified_on_time"],
            )
    # The API publishes a rate only with enough ratings (RATING_MIN_SAMPLE), else null.
    minimum = int(json.loads(text)["min_sample"]) if status == 200 else 0
    expected_published = {
        code: row if row[0] >= minimum else (*row[:5], None, *row[6:])
        for code, row in expected.items()
    }
    checks.append(
        Check(
            f"published API {path} = SQL GROUP BY",
            status == 200 and published == expected_published,
            f"HTTP {status}, {len(published)} units"
            + (
                ""
                if published == expected_published
                else f"; differ: {_differences(published, expected_published)}"
            ),
        )
    )
    broken = verify_chain()
    checks.append(
        Check(
            "audit chain verifies",
            broken is None,
            f"{AuditEvent.objects.count()} events" if broken is None else str(broken),
        )
    )
    return checks


def twins_summary(answers: list[Answer]) -> str:
    """How concurrent the duplicates really were: twins whose requests were in flight at the
    same time, the median gap between their sends, and how often the second one won."""
    pairs: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        pairs[answer.case].append(answer)
    twins = [pair for pair in pairs.values() if len(pair) == 2]
    if not twins:
        return "duplicates: none"
    overlapping = 0
    gaps = []
    second_won = 0
    for first, second in (sorted(pair, key=lambda a: a.duplicate) for pair in twins):
        gaps.append(abs(first.sent - second.sent))
        early, late = sorted((first, second), key=lambda a: a.sent)
        overlapping += late.sent < early.sent + early.latency
        second_won += second.status == 201
    return (
        f"duplicates: {overlapping} of {len(twins)} twin pairs in flight together; median gap "
        f"between the two sends {percentile(gaps, 0.5) * 1000:.1f} ms; the duplicate's "
        f"submission won (201) in {second_won} pairs"
    )


def _differences(got: dict[str, Any], expected: dict[str, Any]) -> str:
    keys = sorted(set(got) | set(expected))
    diffs = [
        f"{k}: {got.get(k)} ≠ {expected.get(k)}" for k in keys if got.get(k) != expected.get(k)
    ]
    return "; ".join(diffs[:5]) + (f" (+{len(diffs) - 5} more)" if len(diffs) > 5 else "")


# --- the run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000, help="demo cases to build")
    parser.add_argument("--ratings", type=int, default=800, help="distinct cases to rate")
    parser.add_argument("--duplicates", type=int, default=200, help="second submissions")
    parser.add_argument("--connections", type=int, default=50, help="burst: connections (even)")
    parser.add_argument("--bare-connections", type=int, default=4, help="as cases_bench")
    parser.add_argument("--duration", type=float, default=10.0, help="bare view: seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="bare view: warm-up seconds")
    parser.add_argument("--max-requests", type=int, default=200_000, help="bare view: per client")
    parser.add_argument("--seed", type=int, default=0, help="which cases, levels, order")
    parser.add_argument("--time-limit", type=float, default=290.0, help="seconds for the run")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    if args.duplicates > args.ratings:
        parser.error("--duplicates cannot exceed --ratings")
    if args.connections < 2 or args.connections % 2:
        parser.error("--connections must be even: each client process holds two")
    started = time.monotonic()

    def remaining() -> float:
        return args.time_limit - (time.monotonic() - started)

    database = f"zuofeng_bench_ratings_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="zuofeng-bench-ratings-"))
    env = bench_env(database, workdir, pg_host=PG_HOST, pg_user=PG_USER)
    rng = random.Random(args.seed)
    server = None
    pool = None
    failed = True
    try:
        log(f"database {database}")
        create_database(database)
        manage(env, "migrate", "--noinput", timeout=min(240, remaining()))
        built = manage(env, "build_demo", "--cases", str(args.cases), timeout=min(240, remaining()))
        log(built.strip().splitlines()[-1])

        django_setup(env)
        from django.db import connections

        chosen = pick_cases(args.ratings, rng)
        firsts, seconds = submissions_for(chosen, args.duplicates, rng)
        queues = schedule(firsts, seconds, args.connections // 2, rng)
        cases = [pk for pk, _ in chosen]
        connections.close_all()  # the client processes fork: no shared database socket

        port = free_port()
        server = start_server(env, port, WORKER_CLASS, workdir / "gunicorn.log")
        wait_until_up(port, f"/bench/bare/{cases[0]}/", server)
        log(f"gunicorn on {HOST}:{port} ({WORKER_CLASS}, {WORKERS}×{THREADS})")

        bare = Target(
            "bare view (1 row by pk)", "GET", tuple((f"/bench/bare/{pk}/", None) for pk in cases)
        )
        pool = multiprocessing.get_context("fork").Pool(args.bare_connections)
        warm = argparse.Namespace(**{**vars(args), "warmup": 0.0, "duration": args.warmup})
        measure(pool, bare, port, args.bare_connections, warm)
        # Warm the rating API's code paths in both workers without storing anything.
        for _ in range(4 * WORKERS):
            probe = json.dumps({"token": "warm-up", "level": 5}).encode()
            http_request(port, "POST", RATINGS_PATH, probe, {"Content-Type": "application/json"})
        log("measuring bare view")
        bare_first = measure(pool, bare, port, args.bare_connections, args)

        total = len(firsts) + len(seconds)
        log(f"burst: {total} submissions on {args.connections} connections")
        answers, wall, waits = run_burst(port, queues, min(120.0, remaining()), database)
        log(f"burst done in {wall:.2f} s")

        bare_again = None
        if remaining() > args.warmup + args.duration + 30:
            log("measuring bare view again")
            bare_again = measure(pool, bare, port, args.bare_connections, args)

        checks = check_everything(port, answers, cases, len(seconds))
        report(args, answers, wall, bare_first, bare_again, checks)
        print(waits.summary())
        failed = not all(check.passed for check in checks)
        log(f"whole run: {time.monotonic() - started:.0f} s")
        return 1 if failed else 0
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        stop_server(server)
        if failed and server is not None:
            log_path = workdir / "gunicorn.log"
            if log_path.exists() and log_path.stat().st_size:
                print("gunicorn log (tail):")
                print("".join(log_path.read_text(errors="replace").splitlines(True)[-40:]))
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django never set up: nothing to close
            pass
        if args.keep_db:
            log(f"kept database {database}")
        else:
            drop_database(database)
            log(f"dropped database {database}")


def report(
    args: argparse.Namespace,
    answers: list[Answer],
    wall: float,
    bare_first: Any,
    bare_again: Any,
    checks: list[Check],
) -> None:
    latencies = [answer.latency for answer in answers]
    statuses = Counter(answer.status for answer in answers)
    runs = [run for run in (bare_first, bare_again) if run is not None]
    bare_rps = sum(run.rps for run in runs) / len(runs)
    rate = len(answers) / wall if wall else float("nan")
    print()
    print(
        f"gunicorn {WORKERS} workers × {THREADS} threads ({WORKER_CLASS}); "
        f"{os.cpu_count()} CPUs shared by server, database and clients; demo of {args.cases} cases"
    )
    print(
        f"rating submissions (POST {RATINGS_PATH}): {len(answers)} "
        f"({args.ratings} cases + {args.duplicates} duplicates sent with their twins) "
        f"on {args.connections} connections"
    )
    print(
        f"  {wall:.2f} s → {rate:.1f} submissions/s; "
        f"latency p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    drift = (
        f" (first {bare_first.rps:.1f}, again {bare_again.rps:.1f})" if bare_again else " (once)"
    )
    print(
        f"bare view (1 row by pk): {bare_rps:.1f} req/s{drift}, {args.bare_connections} "
        f"connections, {args.duration:g} s; p50 {bare_first.p50_ms:.2f} ms, "
        f"p99 {bare_first.p99_ms:.2f} ms"
    )
    print(f"ratio submissions/s ÷ bare view req/s: {rate / bare_rps:.3f}")
    print(twins_summary(answers))
    print()
    for check in checks:
        print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")


if __name__ == "__main__":
    sys.exit(main())
