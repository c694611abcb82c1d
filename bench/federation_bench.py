"""Federation benchmark: N districts of U units with D days of rollups each, subscribed by one
city over PostgreSQL logical replication, then a day's activity in every district.

    .venv/bin/python bench/federation_bench.py [--districts 30] [--units 60] [--days 1095]
                                              [--parallel 2]

Everything runs on a throwaway cluster (`federation.testing.Cluster`: the machine's initdb,
wal_level = logical, fsync off) on this machine: districts and city share its cores and
disk, which a real deployment (one server per district) does not.

1. One template database is migrated and seeded through Django (units; D days of synthetic
   rollups, `federation.synthetic`); every district is a clone with its rate numerators
   scaled by its own quality, so that districts differ. Its first full refresh (the contract
   tables) is done in SQL with uuid-ossp's uuid_generate_v5, which gives the same keys as
   `federation.models.global_key` (checked: the day's Python refresh then writes only the
   day's rows).
2. The city subscribes to every district (`federation.replication.add_district`); the
   initial copy is timed until every district's rows are at the city: rows per second.
   Baseline: the same rows copied inside one database (INSERT … SELECT), rows per second.
3. A day's activity in every district (`federation.testing.day`: the day's rollups, the
   sweep's intake and refresh), `--parallel` districts at a time. Each district's lag is
   the time from its refresh's commit to the city holding that transaction (its contract
   row's `refreshed_at`, written in the same transaction, replicated in commit order).
   Target: under 60 s. Baseline: the district's own refresh time. Then a full check that
   the city's rows equal every district's (nothing lost, nothing doubled).
4. The city's month ranking (`federation.ranking.city_month`, all districts and units) of
   last month (every day) and of this month (so far), median of 3, target under 1 s;
   baseline: one district's own `score_month` on its own rollups (refresh=False), same
   month. The city's tables are ANALYZEd after the initial copy (what autovacuum does after a
   bulk load, later).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from federation.keys import NAMESPACE
from federation.testing import Cluster, find_bin

CITY = "zf_city"
CITY_SETTINGS = {"ZUOFENG_LEVEL": "city", "ZUOFENG_DISTRICT_CODE": "990100"}


def code_of(n: int) -> str:
    return f"99{n + 1:04d}"


def fill_contract(cluster: Cluster, db: str, code: str, quality: float) -> int:
    """The district's first full refresh, in SQL (same keys as global_key)."""
    ns = str(NAMESPACE)
    statements = [
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"',
        # Rate numerators scaled by the district's quality (never above their denominator).
        f"""UPDATE scorecard_dailyrollup SET value = floor(value * {quality})
            WHERE measure IN (SELECT numerator_measure FROM scorecard_indicator
                              WHERE denominator_measure <> '')""",
        "DELETE FROM scorecard_dailyrollup WHERE value = 0",
        f"""INSERT INTO fed_unit (id, district, code, name, kind, sort_order, archived)
            SELECT uuid_generate_v5('{ns}', 'unit/{code}/' || code), '{code}', code, name, kind,
                   sort_order, archived FROM org_unit""",
        f"""INSERT INTO fed_rollup (id, district, unit_code, day, measure, value)
            SELECT uuid_generate_v5('{ns}', 'rollup/{code}/' || u.code || '/' || r.day::text
                                    || '/' || r.measure),
                   '{code}', u.code, r.day, r.measure, r.value
            FROM scorecard_dailyrollup r JOIN org_unit u ON u.id = r.unit_id""",
        f"""INSERT INTO fed_contract (id, district, name, version, refreshed_at)
            VALUES (uuid_generate_v5('{ns}', 'contract/{code}'), '{code}', '区县{code}', 1,
                    now())""",
    ]
    for sql in statements:
        cluster.sql(db, sql)
    return cluster.sql(db, "SELECT count(*) FROM fed_rollup")[0][0]


def contract_time(cluster: Cluster, db: str, code: str) -> object:
    rows = cluster.sql(db, "SELECT refreshed_at FROM fed_contract WHERE district = %s", [code])
    return rows[0][0] if rows else None


def fingerprint(cluster: Cluster, db: str, code: str) -> tuple:
    return cluster.sql(
        db,
        "SELECT count(*), sum(hashtext(id::text || value::text)::bigint) FROM fed_rollup "
        "WHERE district = %s",
        [code],
    )[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=30)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    bindir = find_bin()
    if bindir is None:
        sys.exit("no initdb under /usr/lib/postgresql/*/bin")
    codes = [code_of(n) for n in range(args.districts)]
    dbs = {code: f"zf_d{code}" for code in codes}
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    start = today - dt.timedelta(days=args.days)
    cluster = Cluster(bindir).start()
    try:
        t0 = time.monotonic()
        cluster.create_databases(["zf_seed"])
        seeded = cluster.django(
            "zf_seed", "seed_units_and_rollups", args.units, start.isoformat(), args.days, 1
        )
        cluster.sql("postgres", f"CREATE DATABASE {CITY} TEMPLATE zf_template")
        rows = 0
        for n, code in enumerate(codes):
            cluster.sql("postgres", f"CREATE DATABASE {dbs[code]} TEMPLATE zf_seed")
            rows += fill_contract(cluster, dbs[code], code, 0.80 + 0.2 * n / max(1, len(codes)))
        print(
            f"seeded {args.districts} districts × {args.units} units × {args.days} days: "
            f"{seeded['rollups']:,} rollups per district, {rows:,} published rollup rows "
            f"in all ({time.monotonic() - t0:.0f} s)"
        )

        # Baseline for the copy: the same rows copied inside one database.
        one = dbs[codes[0]]
        started = time.monotonic()
        cluster.sql(one, "CREATE TABLE copy_baseline (LIKE fed_rollup INCLUDING ALL)")
        cluster.sql(one, "INSERT INTO copy_baseline SELECT * FROM fed_rollup")
        baseline_rate = (rows / len(codes)) / (time.monotonic() - started)
        cluster.sql(one, "DROP TABLE copy_baseline")

        started = time.monotonic()
        cluster.django(
            CITY,
            "add_districts",
            [[code, f"区县{code}", cluster.dsn(dbs[code])] for code in codes],
            cluster.dsn(CITY),
            **CITY_SETTINGS,
        )
        # Watch a cheap count per district (a digest of every row is compared at the end).
        expected = {code: fingerprint(cluster, dbs[code], code)[0] for code in codes}
        pending = set(codes)
        while pending:
            counts = dict(
                cluster.sql(CITY, "SELECT district, count(*) FROM fed_rollup GROUP BY district")
            )
            pending = {code for code in pending if counts.get(code) != expected[code]}
            if time.monotonic() - started > 3600:
                sys.exit(f"initial copy not done after an hour: {sorted(pending)}")
            time.sleep(1)
        copy_seconds = time.monotonic() - started
        copy_rate = rows / copy_seconds
        print(
            f"initial copy: {rows:,} rows in {copy_seconds:.1f} s = {copy_rate:,.0f} rows/s "
            f"(baseline, one district's rows inserted into an indexed copy of the table inside "
            f"its own database: {baseline_rate:,.0f} rows/s; "
            f"ratio {copy_rate / baseline_rate:.2f})"
        )

        # What autovacuum does after a bulk load, at its own pace (with 31 databases on two
        # busy cores it had not got to the city minutes later): statistics for the planner.
        cluster.sql(CITY, "ANALYZE")

        # A day's activity in every district; each worker then watches the city for its
        # district's transaction (the contract row's refreshed_at written with it).
        def one_day(code: str) -> tuple[str, float, int, float]:
            settings = {"ZUOFENG_DISTRICT_CODE": code}
            began = time.monotonic()
            result = cluster.django(
                dbs[code], "day", today.isoformat(), int(code), 1.0, 0, **settings
            )
            finished = time.monotonic()
            marker = contract_time(cluster, dbs[code], code)
            while contract_time(cluster, CITY, code) != marker:
                time.sleep(0.02)
            return code, finished - began, result["published"], time.monotonic() - finished

        day_started = time.monotonic()
        done: dict[str, tuple[float, int]] = {}
        lags: dict[str, float] = {}
        with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
            for code, took, published_rows, lag in pool.map(one_day, codes):
                done[code] = (took, published_rows)
                lags[code] = lag
        all_consistent = time.monotonic() - day_started
        lost = [
            c for c in codes if fingerprint(cluster, CITY, c) != fingerprint(cluster, dbs[c], c)
        ]
        doubled = cluster.sql(
            CITY,
            "SELECT count(*) FROM (SELECT 1 FROM fed_rollup GROUP BY district, unit_code, day, "
            "measure HAVING count(*) > 1) d",
        )[0][0]
        refresh_times = [took for took, _ in done.values()]
        published = [n for _, n in done.values()]
        lag_values = sorted(lags.values())
        print(
            f"day's activity: {sum(published):,} rows published by {len(codes)} districts "
            f"(median {statistics.median(published):.0f} each); replication lag after each "
            f"district's refresh: median {statistics.median(lag_values):.2f} s, max "
            f"{lag_values[-1]:.2f} s (target < 60 s); whole day, first refresh to city "
            f"consistent: {all_consistent:.1f} s"
        )
        print(
            f"  baseline, one district's day (refresh in its own instance, incl. process start): "
            f"median {statistics.median(refresh_times):.2f} s; lag ÷ that: "
            f"{statistics.median(lag_values) / statistics.median(refresh_times):.2f}"
        )
        print(f"  city equals every district afterwards: {lost or 'yes'}; doubled keys: {doubled}")

        this_month = today.replace(day=1)
        last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        for month in (last_month, this_month):
            city_runs = [
                cluster.django(CITY, "city_ranking", month.isoformat(), **CITY_SETTINGS)["seconds"]
                for _ in range(3)
            ]
            own_runs = [
                cluster.django(
                    dbs[codes[0]], "own_ranking", month.isoformat(), ZUOFENG_DISTRICT_CODE=codes[0]
                )
                for _ in range(3)
            ]
            city_s, own_s = statistics.median(city_runs), statistics.median(own_runs)
            print(
                f"city month ranking {month:%Y-%m} ({len(codes)} districts, "
                f"{len(codes) * args.units} units): median {city_s * 1000:.0f} ms (target < 1 s); "
                f"baseline, one district's own score_month: {own_s * 1000:.0f} ms; "
                f"ratio {city_s / own_s:.1f}"
            )
    finally:
        if not os.environ.get("KEEP_CLUSTER"):
            cluster.stop()


if __name__ == "__main__":
    main()
