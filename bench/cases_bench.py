"""Web benchmark: the public case lookup and the staff queue, against a bare Django view.

    .venv/bin/python bench/cases_bench.py [--duration 10] [--connections 4] [--cases 50000]

1. Creates a fresh PostgreSQL database (zuofeng_bench_web_<pid>), migrates it, builds the demo
   district with its cases and collects the static files (production settings: DEBUG off).
2. Starts gunicorn on a free loopback port: 2 workers of class gthread (4 threads each), with
   DJANGO_SETTINGS_MODULE=bench.settings (the project's settings plus a bare view), the lookup
   rate limit raised (ZUOFENG_LOOKUP_RATE) and the rate limiter's counters in Redis
   (CACHE_URL=redis://127.0.0.1:6379/7, Django's RedisCache), as the README's multi-worker
   deployment has it; `--cache-url ''` runs with the in-process cache instead.
   Why gthread: gunicorn's sync worker closes the connection after every response (it does
   not do keep-alive), so a keep-alive client would measure a TCP handshake per request, and
   a sync worker serves one connection at a time, leaving the others queued in the listen
   backlog. gthread keeps connections alive and gives each one a thread; with the GIL the
   threads add no CPU, so the throughput is that of two processes, as with sync.
3. Logs in the demo accounts `staff` (one unit's queue) and `office` (every unit's).
4. For each target in turn, `--connections` client processes, each with one keep-alive
   http.client connection, send requests in a closed loop: `--warmup` seconds unmeasured,
   then `--duration` seconds measured (and at most `--max-requests` per client). Each
   request reads its whole response; its latency is the time from sending to the last byte.
   The two lookups (whose target is a ratio) are measured paired instead: `--rounds` rounds
   alternating a slice of the bare view and a slice of the lookup, so both run under the
   same background load (see measure_paired).
5. Prints requests/s, p50, p99 and errors per target, the ratio of each to the bare view
   (measured first and again last, to show drift; for the lookups, the bare view of their
   own rounds), and the issue's targets.
6. Stops gunicorn and drops the database, also after an error or Ctrl-C.

Everything runs on this machine: server, database and load generator share its cores, so the
absolute numbers are lower bounds; the ratios to the bare view are the comparable result.
Only loopback addresses are contacted. The whole run stops itself within --time-limit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from harness import bench_env  # bench/ is on sys.path: this file runs as a script

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
HOST = "127.0.0.1"  # loopback only
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
DEMO_PASSWORD = "zuofeng-demo"
WORKERS = 2
THREADS = 4

# The targets.
LOOKUP_RATIO_TARGET = 0.8  # public lookup throughput / bare view throughput
QUEUE_P99_TARGET_MS = 100.0  # staff queue, first page


# --- the load generator (runs in client processes) ---------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    requests: tuple[tuple[str, bytes | None], ...]  # (path, body), used in turn
    headers: dict[str, str] = field(default_factory=dict)
    expected: tuple[int, ...] = (200,)


def _client(job: tuple[Target, int, int, float, float, int]) -> dict[str, Any]:
    """One client: a closed loop of requests on one keep-alive connection."""
    target, port, offset, warmup, duration, max_requests = job
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    measure_from = started + warmup
    deadline = measure_from + duration
    index = offset
    while True:
        before = time.perf_counter()
        if before >= deadline or len(latencies) >= max_requests:
            break
        path, body = target.requests[index % len(target.requests)]
        index += 1
        try:
            connection.request(target.method, path, body=body, headers=target.headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
        except (OSError, http.client.HTTPException):
            status = 0  # connection error or timeout
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
        after = time.perf_counter()
        if before >= measure_from:
            latencies.append(after - before)
            statuses[status] += 1
    connection.close()
    return {"latencies": latencies, "statuses": dict(statuses)}


@dataclass
class Result:
    target: Target
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _run(
    pool: Any,
    target: Target,
    port: int,
    connections: int,
    warmup: float,
    duration: float,
    max_requests: int,
) -> tuple[list[float], Counter[int]]:
    jobs = [
        (target, port, i * len(target.requests) // connections, warmup, duration, max_requests)
        for i in range(connections)
    ]
    outcomes = pool.map(_client, jobs)
    latencies = [value for outcome in outcomes for value in outcome["latencies"]]
    statuses: Counter[int] = Counter()
    for outcome in outcomes:
        statuses.update(outcome["statuses"])
    return latencies, statuses


def _result(
    target: Target, latencies: list[float], statuses: Counter[int], seconds: float
) -> Result:
    errors = sum(count for status, count in statuses.items() if status not in target.expected)
    return Result(
        target=target,
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        statuses=dict(statuses),
    )


def measure(
    pool: Any, target: Target, port: int, connections: int, args: argparse.Namespace
) -> Result:
    latencies, statuses = _run(
        pool, target, port, connections, args.warmup, args.duration, args.max_requests
    )
    return _result(target, latencies, statuses, args.duration)


def measure_paired(
    pool: Any, target: Target, bare: Target, port: int, args: argparse.Namespace
) -> tuple[Result, Result]:
    """`target` and the bare view in `args.rounds` alternating slices that add up to
    `args.duration` each (bare first in even rounds, target first in odd ones), after the
    target's warm-up. Both then run under the same background load, which on a shared
    machine drifts by tens of percent within a minute: a target measured in a busy stretch
    against bare views measured in quiet ones (or the reverse) says more about the machine
    than about the code."""
    _run(pool, target, port, args.connections, 0.0, args.warmup, args.max_requests)
    piece = args.duration / args.rounds
    collected: dict[str, tuple[list[float], Counter[int]]] = {
        target.name: ([], Counter()),
        bare.name: ([], Counter()),
    }
    for round_ in range(args.rounds):
        for one in (bare, target) if round_ % 2 == 0 else (target, bare):
            latencies, statuses = _run(
                pool, one, port, args.connections, 0.0, piece, args.max_requests
            )
            collected[one.name][0].extend(latencies)
            collected[one.name][1].update(statuses)
    return (
        _result(target, *collected[target.name], args.duration),
        _result(bare, *collected[bare.name], args.duration),
    )


# --- setting up: database, demo, server, sessions ------------------------------------------


STARTED = time.monotonic()
REDIS_URL = "redis://127.0.0.1:6379/7"


def describe_cache(cache_url: str) -> str:
    """What the server's rate limiter counts in; for Redis, checked reachable first."""
    if not cache_url:
        return "in-process (LocMemCache, one per worker: not shared)"
    import redis  # the application's requirement for CACHE_URL=redis://…

    redis.Redis.from_url(cache_url).ping()
    return f"Redis at {cache_url} (django.core.cache.backends.redis.RedisCache)"


def rate_limit_keys(cache_url: str) -> int:
    """Evidence that the server's workers count in Redis: its rate-limit counters there (they
    expire with their one-minute window, so this is read right after a lookup target)."""
    if not cache_url:
        return 0
    import redis

    return sum(1 for _ in redis.Redis.from_url(cache_url).scan_iter(match="*rl:*", count=1000))


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def admin_connection() -> psycopg.Connection[Any]:
    return psycopg.connect(host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True)


def create_database(name: str) -> None:
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str, timeout: float) -> str:
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    log(f"manage.py {args[0]}: {time.perf_counter() - started:.1f} s")
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, list[tuple[str, str]], str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def cookies_from(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value)
            jar.update({key: morsel.value for key, morsel in cookie.items()})
    return jar


def csrf_for(port: int, path: str) -> tuple[str, str]:
    """(cookie, form token) from a page with a form."""
    status, headers, html = http_request(port, "GET", path)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    cookie = cookies_from(headers).get("csrftoken")
    if status != 200 or not match or not cookie:
        raise RuntimeError(f"GET {path}: {status}, no CSRF token to post the form with")
    return cookie, match.group(1)


def log_in(port: int, username: str) -> str:
    """The Cookie header of a logged-in session."""
    cookie, token = csrf_for(port, "/accounts/login/")
    body = urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    ).encode()
    status, headers, _ = http_request(
        port,
        "POST",
        "/accounts/login/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
    )
    session = cookies_from(headers).get("sessionid")
    if status != 302 or not session:
        raise RuntimeError(f"login as {username} failed ({status})")
    return f"csrftoken={cookie}; sessionid={session}"


def start_server(env: dict[str, str], port: int, worker_class: str, log_path: Path) -> Any:
    command = [
        GUNICORN,
        "zuofeng.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={WORKERS}",
        f"--worker-class={worker_class}",
        f"--threads={THREADS}",
        "--keep-alive=75",
        "--backlog=512",
        "--log-level=warning",
        f"--error-logfile={log_path}",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_server(server: Any) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def wait_until_up(port: int, path: str, server: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up (see its log)")
        try:
            if http_request(port, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# --- the run -----------------------------------------------------------------------------


def targets(port: int, sample: list[tuple[int, str, str]]) -> list[Target]:
    bare = Target(
        "bare view (1 row by pk)",
        "GET",
        tuple((f"/bench/bare/{pk}/", None) for pk, _, _ in sample),
    )
    found: list[Target] = [bare]
    status, _, _ = http_request(port, "GET", "/cases/lookup/")
    if status == 200:
        cookie, token = csrf_for(port, "/cases/lookup/")
        found.append(
            Target(
                "public lookup (page, POST)",
                "POST",
                tuple(
                    (
                        "/cases/lookup/",
                        urlencode(
                            {"csrfmiddlewaretoken": token, "number": number, "query_code": code}
                        ).encode(),
                    )
                    for _, number, code in sample
                ),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookie}",
                },
            )
        )
    else:
        log(f"/cases/lookup/ answers {status}: the lookup page is not there, not measured")
    api_probe = json.dumps({"number": sample[0][1], "query_code": sample[0][2]}).encode()
    status, _, _ = http_request(
        port, "POST", "/api/lookup/", api_probe, {"Content-Type": "application/json"}
    )
    if status == 200:
        found.append(
            Target(
                "public lookup (API, JSON)",
                "POST",
                tuple(
                    (
                        "/api/lookup/",
                        json.dumps({"number": number, "query_code": code}).encode(),
                    )
                    for _, number, code in sample
                ),
                {"Content-Type": "application/json"},
            )
        )
    else:
        log(f"/api/lookup/ answers {status}: the lookup API is not there, not measured")
    for username, label in (("staff", "staff queue, one unit"), ("office", "staff queue, office")):
        cookie = log_in(port, username)
        status, _, _ = http_request(port, "GET", "/staff/cases/", headers={"Cookie": cookie})
        if status == 200:
            found.append(
                Target(
                    f"{label} (first page)",
                    "GET",
                    (("/staff/cases/", None),),
                    {"Cookie": cookie},
                )
            )
        else:
            log(f"/staff/cases/ as {username} answers {status}: not measured")
    found.append(Target("catalogue (/matters/)", "GET", (("/matters/", None),)))
    found.append(Target("bare view, again", bare.method, bare.requests))
    return found


def check_lookup_finds_cases(port: int, sample: list[tuple[int, str, str]]) -> None:
    """The lookup must really find the sampled cases, or the benchmark measures a miss (the
    page answers a miss with 200 too)."""
    _, number, code = sample[0]
    body = json.dumps({"number": number, "query_code": code}).encode()
    status, _, text = http_request(
        port, "POST", "/api/lookup/", body, {"Content-Type": "application/json"}
    )
    if status == 200 and number not in text:
        raise RuntimeError("the lookup API answered 200 without the case")
    status, _, _ = http_request(port, "GET", "/cases/lookup/")
    if status == 200:
        cookie, token = csrf_for(port, "/cases/lookup/")
        form = {"csrfmiddlewaretoken": token, "number": number, "query_code": code}
        status, _, text = http_request(
            port,
            "POST",
            "/cases/lookup/",
            urlencode(form).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            },
        )
        if status != 200 or f"<dd>{number}</dd>" not in text:
            raise RuntimeError(f"the lookup page answered {status} without the case")


LOOKUPS = ("public lookup (page, POST)", "public lookup (API, JSON)")


def report(
    results: list[Result], args: argparse.Namespace, paired: dict[str, Result] | None = None
) -> None:
    """`paired`: for a target measured with `measure_paired`, the bare view of its rounds."""
    paired = paired or {}
    bare_runs = [r for r in results if r.target.name.startswith("bare view")]
    bare_rps = sum(r.rps for r in bare_runs) / len(bare_runs) if bare_runs else float("nan")
    print()
    print(
        f"{args.connections} keep-alive connections, {args.duration:g} s per target after "
        f"{args.warmup:g} s warm-up; gunicorn {WORKERS} workers × {THREADS} threads "
        f"({args.worker_class}); {os.cpu_count()} CPUs shared by server, database and clients"
    )
    header = (
        f"{'target':34} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'× bare':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = r.rps / bare_rps if bare_rps else float("nan")
        print(
            f"{r.target.name:34} {r.requests:>9} {r.rps:>8.1f} {r.p50_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {r.errors:>7} {ratio:>7.2f}"
        )
        if r.target.name in paired:
            twin = paired[r.target.name]
            print(
                f"{'  bare view in the same rounds':34} {twin.requests:>9} {twin.rps:>8.1f} "
                f"{twin.p50_ms:>8.2f} {twin.p99_ms:>8.2f} {twin.errors:>7} "
                f"{r.rps / twin.rps if twin.rps else float('nan'):>7.2f}  ← paired ratio"
            )
        odd = {status: n for status, n in r.statuses.items() if status not in r.target.expected}
        if odd:
            print(f"{'':34} unexpected statuses: {odd}")
    print()
    if paired:
        print(
            f"paired: measured in {args.rounds} rounds alternating with the bare view "
            f"({args.duration / args.rounds:g} s each, {args.duration:g} s in all for each side); "
            "the targets use the paired ratio"
        )
    by_name = {r.target.name: r for r in results}
    for name in LOOKUPS:
        if name in by_name:
            twin = paired.get(name)
            ratio = by_name[name].rps / (twin.rps if twin else bare_rps)
            verdict = "PASS" if ratio >= LOOKUP_RATIO_TARGET else "FAIL"
            how = "paired" if twin else "against the mean bare view"
            print(
                f"target: {name} ≥ {LOOKUP_RATIO_TARGET} × bare view: {ratio:.2f} ({how}) {verdict}"
            )
        else:
            print(f"target: {name} ≥ {LOOKUP_RATIO_TARGET} × bare view: not measured")
    queue = by_name.get("staff queue, one unit (first page)")
    if queue:
        verdict = "PASS" if queue.p99_ms < QUEUE_P99_TARGET_MS else "FAIL"
        print(
            f"target: staff queue (first page) p99 < {QUEUE_P99_TARGET_MS:g} ms: "
            f"{queue.p99_ms:.1f} ms {verdict}"
        )
    else:
        print(f"target: staff queue (first page) p99 < {QUEUE_P99_TARGET_MS:g} ms: not measured")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds/target")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds/target")
    parser.add_argument("--connections", type=int, default=4, help="client processes")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per client and target")
    parser.add_argument("--cases", type=int, default=50_000, help="demo cases to build")
    parser.add_argument("--sample", type=int, default=2000, help="cases the requests cycle over")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="the lookups alternate with the bare view in this many rounds (0: measured "
        "once like the other targets, against the mean of the first and last bare view)",
    )
    parser.add_argument(
        "--cache-url",
        default=REDIS_URL,
        help="CACHE_URL of the server (the rate limiter's shared counters); '' for the "
        "in-process cache",
    )
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--time-limit", type=float, default=570.0, help="seconds for the run")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="WORD",
        help="measure only the targets whose name contains WORD (repeatable); the bare view "
        "is always measured, first and last",
    )
    args = parser.parse_args()
    started = time.monotonic()

    database = f"zuofeng_bench_web_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="zuofeng-bench-"))
    env = bench_env(database, workdir, pg_host=PG_HOST, pg_user=PG_USER, cache_url=args.cache_url)
    limiter = describe_cache(args.cache_url)
    server = None
    pool = None
    try:
        log(f"database {database}")
        create_database(database)
        manage(env, "migrate", "--noinput", timeout=300)
        built = manage(env, "build_demo", "--cases", str(args.cases), timeout=420)
        log(built.strip().splitlines()[-1])
        manage(env, "collectstatic", "--noinput", timeout=300)
        with psycopg.connect(
            host=PG_HOST, user=PG_USER, dbname=database, autocommit=True
        ) as connection:
            # What autovacuum would have done by the time anyone queries a day-old load.
            connection.execute("VACUUM ANALYZE")
            rows = connection.execute(
                "SELECT id, number, query_code FROM cases_case ORDER BY id"
            ).fetchall()
        sample = random.Random(0).sample(rows, min(args.sample, len(rows)))

        port = free_port()
        server = start_server(env, port, args.worker_class, workdir / "gunicorn.log")
        wait_until_up(port, f"/bench/bare/{sample[0][0]}/", server)
        log(f"gunicorn on {HOST}:{port} ({args.worker_class}, {WORKERS}×{THREADS})")
        check_lookup_finds_cases(port, sample)
        pool = multiprocessing.get_context("fork").Pool(args.connections)
        results = []
        measured = [
            target
            for target in targets(port, sample)
            if not args.only
            or target.name.startswith("bare view")
            or any(word in target.name for word in args.only)
        ]
        # Warm the server (workers' first requests, database caches) before any measurement.
        warm_up = argparse.Namespace(**{**vars(args), "warmup": 0.0, "duration": args.warmup})
        for target in measured:
            measure(pool, target, port, args.connections, warm_up)
        paired: dict[str, Result] = {}
        counters = 0
        for target in measured:
            pair = target.name in LOOKUPS and args.rounds > 0
            needed = args.warmup + args.duration * (2 if pair else 1) + 5
            if time.monotonic() - started + needed > args.time_limit:
                log(f"time limit: {target.name} not measured")
                continue
            if pair:
                log(f"measuring {target.name}, alternating with the bare view")
                result, paired[target.name] = measure_paired(pool, target, measured[0], port, args)
                results.append(result)
                counters = max(counters, rate_limit_keys(args.cache_url))
            else:
                log(f"measuring {target.name}")
                results.append(measure(pool, target, port, args.connections, args))
        report(results, args, paired)
        seen = f"; {counters} rate-limit counters there right after the lookups"
        print(f"rate limiter cache: {limiter}" + (seen if args.cache_url else ""))
        log(f"whole run: {time.monotonic() - started:.0f} s")
        return 0
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        stop_server(server)
        if args.keep_db:
            log(f"kept database {database}")
        else:
            drop_database(database)
            log(f"dropped database {database}")


if __name__ == "__main__":
    sys.exit(main())
