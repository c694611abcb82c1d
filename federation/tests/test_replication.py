"""Three districts and a city on a throwaway PostgreSQL cluster (wal_level = logical): the
districts publish, the city subscribes; rankings, pauses, re-syncs and directives.

Runs only on PostgreSQL (the suite's DATABASE_URL) with initdb installed; skipped with the
reason shown otherwise. The cluster is shared by the module's tests; each test leaves the
city consistent with its districts."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from federation import contract, ranking
from federation.testing import Cluster, find_bin
from scorecard.compute import standard_for
from zuofeng.periods import month_start

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="federation replication tests need PostgreSQL (DATABASE_URL=postgres://...)",
    ),
    pytest.mark.skipif(find_bin() is None, reason="no initdb in /usr/lib/postgresql/*/bin"),
]

DISTRICTS = [("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区")]
CITY = "zf_city"
CITY_SETTINGS = {
    "ZUOFENG_LEVEL": "city",
    "ZUOFENG_DISTRICT_CODE": "330100",
    "ZUOFENG_DISTRICT_NAME": "示范市",
}
UNITS = 9


def db(code: str) -> str:
    return f"zf_d{code}"


def settings_of(code: str) -> dict[str, str]:
    name = dict(DISTRICTS)[code]
    return {"ZUOFENG_DISTRICT_CODE": code, "ZUOFENG_DISTRICT_NAME": name}


def fingerprint(cluster: Cluster, database: str, code: str) -> dict[str, tuple]:
    """Per published table: the district's rows (count and a digest of every column)."""
    out = {}
    for table in contract.UP_TABLES:
        out[table] = cluster.sql(
            database,
            f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) "
            f"FROM {table} t WHERE district = %s",
            [code],
        )[0]
    return out


def wait_consistent(cluster: Cluster, code: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while True:
        if fingerprint(cluster, CITY, code) == fingerprint(cluster, db(code), code):
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"the city did not catch up with {code} in {timeout} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster():
    started = Cluster(find_bin()).start()  # type: ignore[arg-type]
    try:
        started.create_databases([db(code) for code, _ in DISTRICTS] + [CITY])
        first = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
        days = (timezone.localdate() - first).days
        for seed, (code, _) in enumerate(DISTRICTS):
            started.django(
                db(code), "seed_district", UNITS, first.isoformat(), days, seed, **settings_of(code)
            )
        started.django(
            CITY,
            "add_districts",
            [[code, name, started.dsn(db(code))] for code, name in DISTRICTS],
            started.dsn(CITY),
            **CITY_SETTINGS,
        )
        for code, _ in DISTRICTS:
            wait_consistent(started, code)
        yield started
    finally:
        started.stop()


def recompute(cluster: Cluster, month: dt.date) -> ranking.CityMonth:
    """The ranking from each district's own units and rollups (not the replicated tables)."""
    units, sums = [], defaultdict(dict)
    standard = standard_for(month)
    measures = ranking._measures(list(standard.indicators.all()))
    for code, _ in DISTRICTS:
        for unit_code, name, kind, order in cluster.sql(
            db(code), "SELECT code, name, kind, sort_order FROM org_unit WHERE NOT archived"
        ):
            units.append(ranking.Member(code, unit_code, name, kind, order))
        for unit_code, measure, total in cluster.sql(
            db(code),
            "SELECT u.code, r.measure, sum(r.value) FROM scorecard_dailyrollup r "
            "JOIN org_unit u ON u.id = r.unit_id WHERE r.day >= %s AND r.day < %s "
            "AND r.measure = ANY(%s) GROUP BY u.code, r.measure",
            [month, (month + dt.timedelta(days=32)).replace(day=1), sorted(measures)],
        ):
            sums[(code, unit_code)][measure] = int(total)
    return ranking.rank_month(month, standard, units, dict(sums))


def day_everywhere(cluster: Cluster, part: int, seed: int = 1) -> None:
    today = timezone.localdate().isoformat()
    for n, (code, _) in enumerate(DISTRICTS):
        cluster.django(db(code), "day", today, seed + n, 0.5, part, **settings_of(code))


@pytest.mark.django_db
def test_the_citys_rankings_equal_a_recomputation_from_the_districts_own_rollups(cluster):
    day_everywhere(cluster, 0)
    for code, _ in DISTRICTS:
        wait_consistent(cluster, code)
    month = month_start(timezone.localdate())
    city = cluster.django(CITY, "city_ranking", month.isoformat(), **CITY_SETTINGS)
    expected = recompute(cluster, month)
    assert city["districts"] == {r.unit.code: [str(r.total), r.rank] for r in expected.districts}
    assert city["units"] == {
        f"{r.unit.district}/{r.unit.code}": [str(r.total), r.rank] for r in expected.units
    }
    assert sorted(rank for _, rank in city["districts"].values()) == [1, 2, 3]


def test_a_district_paused_half_way_through_a_day_loses_nothing_and_doubles_nothing(cluster):
    paused = "330105"
    day_everywhere(cluster, 0, seed=11)
    wait_consistent(cluster, paused)
    cluster.sql(CITY, f"ALTER SUBSCRIPTION zfup_{paused} DISABLE")
    day_everywhere(cluster, 1, seed=11)
    time.sleep(1)
    assert fingerprint(cluster, CITY, paused) != fingerprint(cluster, db(paused), paused)
    for code, _ in DISTRICTS:
        if code != paused:
            wait_consistent(cluster, code)
    cluster.sql(CITY, f"ALTER SUBSCRIPTION zfup_{paused} ENABLE")
    wait_consistent(cluster, paused)
    doubled = cluster.sql(
        CITY,
        "SELECT district, unit_code, day, measure FROM fed_rollup "
        "GROUP BY 1, 2, 3, 4 HAVING count(*) > 1",
    )
    assert doubled == []


def test_resync_copies_a_district_afresh_without_duplicates(cluster):
    code = "330106"
    before = fingerprint(cluster, db(code), code)
    deleted = cluster.django(CITY, "resync", code, **CITY_SETTINGS)
    assert deleted == sum(count for count, _ in before.values())
    wait_consistent(cluster, code)
    assert fingerprint(cluster, CITY, code) == before


def test_a_directive_reaches_every_district_as_a_task_and_its_progress_comes_back(cluster):
    deadline = (timezone.localdate() + dt.timedelta(days=45)).isoformat()
    directive = cluster.django(CITY, "issue", "全市营商环境攻坚", deadline, **CITY_SETTINGS)
    for code, _ in DISTRICTS:
        for _ in range(300):
            if cluster.sql(db(code), "SELECT 1 FROM fed_directive WHERE id = %s", [directive]):
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the directive did not reach {code}")
    day_everywhere(cluster, 0, seed=21)
    for code, _ in DISTRICTS:
        wait_consistent(cluster, code)
        tasks = cluster.sql(
            db(code),
            "SELECT t.deadline FROM supervision_task t JOIN federation_directiveintake i "
            "ON i.task_id = t.id WHERE i.source = %s",
            [directive],
        )
        assert [str(d) for (d,) in tasks] == [deadline]
    progress = cluster.sql(
        CITY, "SELECT district FROM fed_task_progress WHERE directive = %s", [directive]
    )
    assert sorted(d for (d,) in progress) == sorted(code for code, _ in DISTRICTS)


def test_status_lists_every_district_current_and_caught_up(cluster):
    for code, _ in DISTRICTS:
        wait_consistent(cluster, code)
    rows = cluster.django(CITY, "status", **CITY_SETTINGS)
    assert [(r["code"], r["version"], r["problems"]) for r in rows] == [
        (code, contract.VERSION, []) for code, _ in DISTRICTS
    ]
    assert all(r["pending"] is not None for r in rows)


def test_the_city_receives_only_the_contract_columns(cluster):
    published = cluster.sql(
        db("330102"),
        "SELECT tablename, attnames FROM pg_publication_tables WHERE pubname = 'zuofeng_up'",
    )
    assert {t: set(c) for t, c in published} == {t: set(c) for t, c in contract.UP_TABLES.items()}
