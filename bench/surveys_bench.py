"""Surveys benchmark: a 20-question survey takes 10,000 answers over loopback under the
production configuration, then its results page is timed against the bare view.

    .venv/bin/python bench/surveys_bench.py [--answers 10000] [--connections 8] [--tokens 5000]

1. Creates a fresh PostgreSQL database (zuofeng_bench_surveys_<pid>), migrates it, builds a
   small demo district (`--cases`, for the bare view's case rows and the office's accounts)
   and collects the static files.
2. Creates (through surveys.actions) a survey of 20 questions of every kind, with skip logic,
   a constraint and the area question, opens it and prints `--tokens` one-time codes.
3. Starts gunicorn exactly as production does (`gunicorn -c deploy/gunicorn.conf.py`, 2
   workers × 4 threads, Redis cache; load_bench.py's environment) on a free loopback port.
4. Load: `--connections` keep-alive clients POST `--answers` distinct answer sheets to the
   public answering URL (the first `--tokens` with a one-time code each, the rest by the open
   link), each client its own slice, as fast as the server takes them. Every sheet carries a
   serial number (an integer question), so afterwards the database is checked for no lost
   and no duplicated answer: as many responses as 302s, every serial exactly once, as many
   used codes as token answers, the tallies equal to a recount from the responses. Then 50
   codes already used are posted again: each must be refused (409), adding nothing.
5. The office's results page (logged in) measured in rounds alternating with the bare view
   (cases_bench.measure_paired), latency p50/p99 and the throughput ratio; plus the page
   rendered in-process with its query count.
6. Prints everything and the targets: no 5xx and no dropped connection; no lost or duplicated
   answer; the results page p50 under 300 ms from the 10,000 answers.

Run of 2026-12-03 06:01 UTC (commit 4aea84d, default arguments, the shared 2-core machine at
load average ~10):

    10,000 answers, 20 questions (5,000 with a one-time code), 8 clients: 123.6 s,
      80.9 answers/s, p50 88.2 ms, p99 301.8 ms, statuses {302: 10000}
    reused codes posted again: {409: 52}; nothing added
    database: 10,000 responses, 10,000 distinct serials, 5,000 used codes, tally total
      10,000 (1,404 tally rows); tallies and number statistics equal a recount: True
    results page: p50 60.4 ms, p99 230.4 ms (2 clients), 32.8 req/s = 0.068 × bare view
      (483.2 req/s, p50 2.7 ms); one client alone p50 36.2 ms; in-process 9 queries,
      median 31.5 ms
    no 5xx: PASS; no lost or duplicated answer: PASS; results p50 < 300 ms: PASS

The run before the number statistics were kept (numbers aggregated from the responses' JSON
at each view, dates tallied by day: 5,408 tally rows) gave a results page p50 of 223 ms,
in-process 122 ms, at load average ~15.

What is precomputed: the results page reads the survey's tallies (surveys.models.Tally,
counted in each answer's own transaction by one upsert), a few hundred rows, never the
10,000 responses; the free-text lists read 8 rows per text question. Nothing is cached.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from cases_bench import (  # bench/ is on sys.path: this file runs as a script
    HOST,
    PG_HOST,
    PG_USER,
    Target,
    _result,
    _run,
    create_database,
    csrf_for,
    drop_database,
    free_port,
    http_request,
    log,
    log_in,
    manage,
    measure_paired,
    percentile,
    stop_server,
    wait_until_up,
)
from load_bench import production_env, start_production_server

RESULTS_TARGET_MS = 300.0
OFFICE_USER_QUERY = (
    "from django.contrib.auth.models import User; from org.roles import Role; "
    "print('USER', User.objects.filter(groups__name=Role.SUPERVISOR).order_by('pk')"
    ".values_list('username', flat=True).first())"
)

SETUP = r"""
from surveys import actions
from surveys.spec import ChoiceSpec, FormSpec, QuestionSpec
from org.models import Unit
from org.roles import Role
from django.contrib.auth.models import User

office = User.objects.filter(groups__name=Role.SUPERVISOR).order_by("pk").first()
areas = [ChoiceSpec(u.code, u.short_name or u.name)
         for u in Unit.objects.filter(kind__in=["township", "street"]).order_by("code")]
labels = ["很不满意", "不满意", "一般", "满意", "很满意"]
scale = [ChoiceSpec(str(n), label) for n, label in enumerate(labels, 1)]
yes_no = [ChoiceSpec("yes", "是"), ChoiceSpec("no", "否")]
went = "${visited} = 'yes'"
questions = [
    QuestionSpec("area", "single", "所在乡镇（街道）", required=True, choices=areas,
                 appearance="minimal"),
    QuestionSpec("visited", "single", "是否到大厅办过事", required=True, choices=yes_no),
    QuestionSpec("satisfaction", "likert", "总体满意度", required=True, relevant=went,
                 choices=scale),
    QuestionSpec("aspects", "matrix", "各方面评价", relevant=went, choices=scale,
                 rows=[ChoiceSpec(f"aspect_{i}", f"方面{i}") for i in range(1, 5)]),
    QuestionSpec("priorities", "ranking", "改进排序",
                 choices=[ChoiceSpec(c, c) for c in ("trips", "wait", "attitude", "online")]),
    QuestionSpec("channels", "multiple", "办理渠道", other=True,
                 choices=[ChoiceSpec(c, c) for c in ("hall", "web", "app", "kiosk")]),
    QuestionSpec("trips", "integer", "跑了几次", relevant=went, constraint=". >= 1 and . <= 20",
                 constraint_message="1 到 20 次"),
    QuestionSpec("hours", "decimal", "等候小时数", constraint=". >= 0"),
    QuestionSpec("last_visit", "date", "最近一次办事日期"),
    QuestionSpec("advice", "text", "意见建议"),
] + [
    QuestionSpec(f"q{n}", "likert" if n % 2 else "single", f"第{n}题", choices=scale)
    for n in range(11, 19)
] + [
    QuestionSpec("serial", "integer", "编号", required=True),
    QuestionSpec("age", "single", "年龄段",
                 choices=[ChoiceSpec(c, c) for c in ("young", "middle", "senior")]),
]
spec = FormSpec(title="基准问卷", form_id="bench", version="1", questions=questions)
survey = actions.create_survey(actor=office, title="基准问卷（20题）", allow_tokens=True, spec=spec)
survey = actions.open_survey(survey, actor=office)
left = TOKENS
while left > 0:
    size = min(2000, left)
    actions.issue_tokens(survey, actor=office, size=size, label="bench")
    left -= size
print("SURVEY", survey.pk, survey.link_key, ",".join(a.name for a in areas))
print("CODES", ",".join(survey.tokens.order_by("code").values_list("code", flat=True)))
"""

VERIFY = r"""
from surveys.models import Survey
from surveys.actions import spec_of
from surveys.results import (
    recompute_number_stats, recompute_tallies, stored_number_stats, stored_tallies,
)
survey = Survey.objects.get(pk=SURVEY)
spec = spec_of(survey)
same = stored_tallies(survey) == recompute_tallies(survey, spec)
stored, recounted = stored_number_stats(survey), recompute_number_stats(survey, spec)
def close(a, b):
    # Sums of decimals added in another order may differ in the last bits.
    return a[0] == b[0] and a[2:] == b[2:] and abs(a[1] - b[1]) <= 1e-6 * max(1.0, abs(b[1]))
same = same and stored.keys() == recounted.keys() and all(
    close(stored[k], recounted[k]) for k in stored
)
print("TALLIES_EQUAL", same)
"""

PROFILE = r"""
import time
from django.db import connection
from django.test import Client
from django.contrib.auth.models import User
client = Client()
client.force_login(User.objects.get(username=USERNAME))
client.get(PATH)
queries = []
def count(execute, sql, params, many, context):
    queries.append(sql)
    return execute(sql, params, many, context)
with connection.execute_wrapper(count):
    response = client.get(PATH)
times = []
for _ in range(20):
    started = time.perf_counter()
    client.get(PATH)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"IN_PROCESS status {response.status_code}, {len(response.content)} bytes, "
      f"{len(queries)} queries, median {times[len(times) // 2]:.1f} ms, max {times[-1]:.1f} ms")
"""

ADVICE = [
    "窗口工作人员态度冷淡",
    "排队时间太长",
    "停车位太少",
    "材料反复让补，多跑了几趟",
    "整体不错",
]


def sheet(index: int, areas: list[str]) -> dict[str, Any]:
    """The answers of sheet `index`: varied, valid, deterministic, serial = index."""
    visited = "yes" if index % 5 else "no"
    data: dict[str, Any] = {"area": areas[index % len(areas)], "visited": visited}
    if visited == "yes":
        data["satisfaction"] = str(index % 5 + 1)
        for row in range(1, 5):
            data[f"aspect_{row}"] = str((index + row) % 5 + 1)
        data["trips"] = str(index % 4 + 1)
    order = ["trips", "wait", "attitude", "online"]
    shift = index % 4
    for position, item in enumerate(order[shift:] + order[:shift], 1):
        data[f"priorities__{item}"] = str(position)
    data["channels"] = [
        c for n, c in enumerate(("hall", "web", "app", "kiosk")) if (index >> n) & 1
    ]
    if index % 17 == 0:
        data["channels"].append("other")
        data["channels_other"] = "社区通知"
    data["hours"] = f"{index % 7 * 0.5:g}"
    data["last_visit"] = f"2026-{index % 11 + 1:02d}-{index % 27 + 1:02d}"
    if index % 3 == 0:
        data["advice"] = ADVICE[index % len(ADVICE)]
    for n in range(11, 19):
        data[f"q{n}"] = str((index * n) % 5 + 1)
    data["serial"] = str(index)
    data["age"] = ("young", "middle", "senior")[index % 3]
    return data


def answer_target(
    key: str, areas: list[str], codes: list[str], count: int, cookie: str, token: str
) -> Target:
    path = f"/surveys/{key}/"
    requests = []
    for index in range(count):
        data = sheet(index, areas)
        if index < len(codes):
            data["token"] = codes[index]
        data["csrfmiddlewaretoken"] = token
        requests.append((path, urlencode(data, doseq=True).encode()))
    return Target(
        "answer POST (302 = taken)",
        "POST",
        tuple(requests),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"},
        expected=(302,),
    )


def load(pool: Any, target: Target, port: int, connections: int) -> tuple[Any, float]:
    """Every request of `target` exactly once: client i posts the i-th slice."""
    per_client = -(-len(target.requests) // connections)
    started = time.perf_counter()
    latencies, statuses = _run(pool, target, port, connections, 0.0, 3600.0, per_client)
    seconds = time.perf_counter() - started
    return _result(target, latencies, statuses, seconds), seconds


def count_rows(database: str, survey: int) -> dict[str, int]:
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=database, autocommit=True) as db:
        responses, serials = db.execute(
            "SELECT count(*), count(DISTINCT answers->>'serial') FROM surveys_response "
            "WHERE survey_id = %s",
            [survey],
        ).fetchone()
        (used,) = db.execute(
            "SELECT count(*) FROM surveys_token WHERE survey_id = %s AND used", [survey]
        ).fetchone()
        (total,) = db.execute(
            "SELECT coalesce(sum(count), 0) FROM surveys_tally WHERE survey_id = %s "
            "AND question = '_total'",
            [survey],
        ).fetchone()
        (tallies,) = db.execute(
            "SELECT count(*) FROM surveys_tally WHERE survey_id = %s", [survey]
        ).fetchone()
        db.execute("VACUUM ANALYZE")
    return {
        "responses": responses,
        "distinct_serials": serials,
        "used_tokens": used,
        "tally_total": total,
        "tally_rows": tallies,
    }


def time_limit(*_: Any) -> None:
    raise TimeoutError("the run reached --time-limit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--tokens", type=int, default=5_000, help="answers given with a code")
    parser.add_argument("--connections", type=int, default=8, help="client processes")
    parser.add_argument("--cases", type=int, default=100, help="demo cases (bare view rows)")
    parser.add_argument("--duration", type=float, default=6.0, help="results page, seconds")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--time-limit", type=float, default=1500.0, help="seconds for the run")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.tokens = min(args.tokens, args.answers)
    started = time.monotonic()
    signal.signal(signal.SIGALRM, time_limit)
    signal.alarm(int(args.time_limit))

    database = f"zuofeng_bench_surveys_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="zuofeng-surveys-"))
    port = free_port()
    env = production_env(database, workdir, port)
    # The office's second factor is required in production; a load generator cannot type a
    # TOTP code, so here only the administrators need one (the page is measured, not login).
    env["ZUOFENG_MFA_REQUIRED_ROLES"] = "audit_admin"
    # Every simulated resident answers from the same loopback address: the per-address limits
    # on the open link and on codes (which a district keeps) would refuse the load itself.
    env["ZUOFENG_SURVEY_ANSWER_RATE"] = env["ZUOFENG_SURVEY_CODE_RATE"] = "1000000/m"
    server = pool = None
    try:
        log(f"database {database}")
        create_database(database)
        manage(env, "migrate", "--noinput", timeout=300)
        built = manage(env, "build_demo", "--cases", str(args.cases), timeout=600)
        log(built.strip().splitlines()[-1] if built.strip() else "demo built")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0", timeout=300)
        output = manage(env, "shell", "-c", SETUP.replace("TOKENS", str(args.tokens)), timeout=300)
        lines = {
            line.split(" ", 1)[0]: line.split(" ", 1)[1]
            for line in output.splitlines()
            if " " in line
        }
        survey_pk, key, area_text = lines["SURVEY"].split(" ")
        areas = area_text.split(",")
        codes = lines.get("CODES", "").split(",") if args.tokens else []
        username = (
            manage(env, "shell", "-c", OFFICE_USER_QUERY, timeout=60).split("USER", 1)[1].strip()
        )
        with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=database, autocommit=True) as db:
            (case_pk,) = db.execute("SELECT min(id) FROM cases_case").fetchone()
        log(f"survey {survey_pk}: 20 questions, {len(codes)} codes, {len(areas)} areas")

        server = start_production_server(env, workdir / "gunicorn.log")
        wait_until_up(port, f"/bench/bare/{case_pk}/", server)
        log(f"gunicorn -c deploy/gunicorn.conf.py on {HOST}:{port}")
        cookie, token = csrf_for(port, f"/surveys/{key}/")
        target = answer_target(key, areas, codes, args.answers, cookie, token)
        status, _, text = http_request(port, "GET", f"/surveys/{key}/")
        assert status == 200 and "基准问卷" in text, f"answering page {status}"

        pool = multiprocessing.get_context("fork").Pool(args.connections)
        log(f"posting {args.answers} answers with {args.connections} clients")
        taken, seconds = load(pool, target, port, args.connections)
        after_load = count_rows(database, int(survey_pk))
        reused = Target(
            "reused code POST (409 = refused)",
            "POST",
            target.requests[: min(50, len(codes))],
            target.headers,
            expected=(409,),
        )
        refused = load(pool, reused, port, min(args.connections, 4))[0] if codes else None
        after_reuse = count_rows(database, int(survey_pk))
        verify = manage(env, "shell", "-c", VERIFY.replace("SURVEY", survey_pk), timeout=300)
        tallies_equal = "TALLIES_EQUAL True" in verify

        office_cookie = log_in(port, username)
        results_path = f"/staff/surveys/{survey_pk}/results/"
        status, _, page = http_request(port, "GET", results_path, None, {"Cookie": office_cookie})
        assert status == 200 and f"data-total>{after_load['responses']}<" in page, status
        results_target = Target(
            "results page (office)", "GET", ((results_path, None),), {"Cookie": office_cookie}
        )
        bare = Target("bare view", "GET", ((f"/bench/bare/{case_pk}/", None),))
        log("measuring the results page, alternating with the bare view")
        paired = argparse.Namespace(**{**vars(args), "connections": 2})
        results, bare_result = measure_paired(pool, results_target, bare, port, paired)
        single_latencies, _ = _run(pool, results_target, port, 1, 0.0, 3.0, args.max_requests)
        profile = manage(
            {**env, "ALLOWED_HOSTS": "testserver"},
            "shell",
            "-c",
            PROFILE.replace("USERNAME", repr(username)).replace("PATH", repr(results_path)),
            timeout=300,
        )

        fives = sum(n for s, n in taken.statuses.items() if s >= 500 or s == 0)
        if refused:
            fives += sum(n for s, n in refused.statuses.items() if s >= 500 or s == 0)
        fives += sum(n for s, n in results.statuses.items() if s >= 500 or s == 0)
        accepted = taken.statuses.get(302, 0)
        print()
        print(
            f"{args.answers} answer sheets of 20 questions ({len(codes)} with a one-time code) "
            f"from {args.connections} keep-alive clients; gunicorn -c deploy/gunicorn.conf.py, "
            f"2 workers × 4 threads; {os.cpu_count()} CPUs shared by server, PostgreSQL and "
            f"clients; load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"  load: {seconds:.1f} s, {args.answers / seconds:.1f} answers/s, "
            f"p50 {taken.p50_ms:.1f} ms, p99 {taken.p99_ms:.1f} ms, "
            f"statuses {dict(sorted(taken.statuses.items()))}"
        )
        if refused:
            print(f"  reused codes posted again: statuses {dict(sorted(refused.statuses.items()))}")
        print(f"  database after the load: {after_load}")
        print(f"  database after the reused codes: {after_reuse}")
        print(f"  tallies equal a recount from the responses: {tallies_equal}")
        print(
            f"  results page: p50 {results.p50_ms:.1f} ms, p99 {results.p99_ms:.1f} ms "
            f"({results.requests} requests, 2 clients), {results.rps:.1f} req/s = "
            f"{results.rps / bare_result.rps:.3f} × bare view ({bare_result.rps:.1f} req/s, "
            f"p50 {bare_result.p50_ms:.1f} ms); one client alone p50 "
            f"{percentile(single_latencies, 0.5) * 1000:.1f} ms"
        )
        for line in profile.splitlines():
            if line.startswith("IN_PROCESS"):
                print(f"  results page in-process: {line[len('IN_PROCESS ') :]}")
        no_loss = (
            accepted == args.answers
            and after_load["responses"] == args.answers
            and after_load["distinct_serials"] == args.answers
            and after_load["used_tokens"] == len(codes)
            and after_load["tally_total"] == args.answers
            and after_reuse == after_load
            and tallies_equal
            and (refused is None or refused.statuses.get(409, 0) == refused.requests)
        )
        fast = results.p50_ms < RESULTS_TARGET_MS
        print()
        print(
            f"target: no 5xx and no dropped connection: {fives} {'PASS' if not fives else 'FAIL'}"
        )
        print(
            "target: no lost or duplicated answer, one answer per code: "
            f"{'PASS' if no_loss else 'FAIL'}"
        )
        print(
            f"target: results page from {after_load['responses']} answers p50 < "
            f"{RESULTS_TARGET_MS:.0f} ms: {results.p50_ms:.1f} ms {'PASS' if fast else 'FAIL'}"
        )
        log(f"whole run: {time.monotonic() - started:.0f} s")
        return 0 if (not fives and no_loss and fast) else 1
    finally:
        signal.alarm(0)
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
