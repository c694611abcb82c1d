"""A throwaway PostgreSQL cluster with `wal_level = logical`, and the steps the replication
tests and the benchmark run inside instances of the platform pointed at its databases.

`Cluster` runs the machine's own initdb/pg_ctl (from /usr/lib/postgresql/*/bin) on a free
loopback port, as the `postgres` system user when we are root (initdb refuses root), with a
data directory under a temporary directory it owns; trust authentication on 127.0.0.1 only.
Databases are cloned from one migrated template (one `migrate`, not one per database).

The steps (`seed_district`, `day`, `city_ranking`...) run in a subprocess per instance
(`Cluster.django(...)`): each district and the city are separate deployments with their
own settings (ZUOFENG_DISTRICT_CODE, ZUOFENG_LEVEL, DATABASE_URL), as in production.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def find_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="zf_fed_cluster_"))
        self.data = self.base / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.base)

    def start(self) -> Cluster:
        self._run(
            self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = {
            "listen_addresses": "'127.0.0.1'",
            "port": self.port,
            "unix_socket_directories": f"'{self.base}'",
            "wal_level": "logical",
            "max_replication_slots": 400,
            "max_wal_senders": 400,
            "max_connections": 600,
            "max_worker_processes": 400,
            "max_logical_replication_workers": 300,
            "max_sync_workers_per_subscription": 2,
            # Quick confirmations: tests and the bench wait for them.
            "wal_receiver_status_interval": "1s",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "128MB",
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in options.items())
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.base / "log", "-w", "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def dsn(self, db: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={db}"

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def connect(self, db: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(self.dsn(db), autocommit=True)

    def sql(self, db: str, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.connect(db) as conn, conn.cursor() as cursor:
            cursor.execute(query, params or [])
            return cursor.fetchall() if cursor.description else []

    def create_databases(self, names: list[str]) -> None:
        """Migrate one template, clone it for every database."""
        self.sql("postgres", "CREATE DATABASE zf_template")
        env = self.env("zf_template")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            check=True, cwd=ROOT, env=env, capture_output=True,
        )  # fmt: skip
        for name in names:
            self.sql("postgres", f"CREATE DATABASE {name} TEMPLATE zf_template")

    def env(self, db: str, **settings: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZUOFENG_", "DJANGO_"))}
        env.update(
            DATABASE_URL=self.url(db),
            ZUOFENG_DEMO="1",
            DJANGO_SETTINGS_MODULE="zuofeng.settings",
            **settings,
        )
        return env

    def django(self, db: str, step: str, *args: Any, **settings: str) -> Any:
        """Run `federation.testing.<step>(*args)` in an instance on database `db`; returns its
        JSON result."""
        code = (
            "import django, json, sys; django.setup(); from federation import testing; "
            f"print(json.dumps(testing.{step}(*json.loads(sys.argv[1])), default=str))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args, default=str)],
            cwd=ROOT, env=self.env(db, **settings), capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"{step} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps run inside an instance -------------------------------------------------------


def _indicators(month: dt.date) -> list[Any]:
    from federation.synthetic import measures_of
    from scorecard.compute import standard_for

    standard = standard_for(month)
    assert standard is not None
    return measures_of(standard)


def seed_units_and_rollups(units: int, start: str, days: int, seed: int) -> dict[str, int]:
    """Units (two thirds departments, the rest townships, plus the supervision office) and
    `days` days of rollups from `start`; no refresh (the benchmark's template)."""
    from federation.synthetic import rollup_rows
    from org.models import Unit
    from scorecard.models import DailyRollup
    from zuofeng.bulk import insert_rows

    first = dt.date.fromisoformat(start)
    rng = random.Random(seed)
    made = []
    for n in range(units):
        kind = Unit.Kind.DEPARTMENT if n < units * 2 // 3 else Unit.Kind.TOWNSHIP
        made.append(
            Unit.objects.create(code=f"U{n:03d}", name=f"单位{n:03d}", kind=kind, sort_order=n)
        )
    Unit.objects.create(code="DCS", name="督查室", kind=Unit.Kind.SUPERVISION, sort_order=999)
    ids = {u.code: u.pk for u in made}
    day_list = [first + dt.timedelta(days=n) for n in range(days)]
    count = 0
    batch: list[Any] = []
    for code, day, measure, value in rollup_rows(_indicators(first), sorted(ids), day_list, rng):
        batch.append(DailyRollup(unit_id=ids[code], day=day, measure=measure, value=value))
        if len(batch) >= 50000:
            insert_rows(DailyRollup, batch)
            count += len(batch)
            batch = []
    insert_rows(DailyRollup, batch)
    return {"rollups": count + len(batch)}


def own_ranking(month: str) -> float:
    """Seconds for this district's own score_month on its own rollups (bench baseline)."""
    from scorecard.compute import score_month

    started = time.monotonic()
    score_month(dt.date.fromisoformat(month), refresh=False)
    return time.monotonic() - started


def seed_district(units: int, start: str, days: int, seed: int) -> dict[str, int]:
    """`seed_units_and_rollups`, then the first full refresh (which starts the district
    publishing)."""
    from django.utils import timezone

    from federation import refresh

    seeded = seed_units_and_rollups(units, start, days, seed)
    started = time.monotonic()
    written = refresh.refresh(timezone.now(), full=True)
    return {
        **seeded,
        "published": sum(written.values()),
        "refresh_ms": int((time.monotonic() - started) * 1000),
    }


def day(date: str, seed: int, share: float, part: int) -> dict[str, int]:
    """Part `part` of a day's activity: rollups for a `share` of the units on `date` (a
    later part adds to the same unit-days, as a day's changes do), directives from above
    taken in, then the ordinary refresh (the sweep's)."""
    from django.db.models import F
    from django.utils import timezone

    from federation import intake, refresh
    from federation.synthetic import unit_day_values
    from org.models import Unit
    from scorecard.models import DailyRollup

    when = dt.date.fromisoformat(date)
    rng = random.Random(seed * 100 + part)
    units = list(Unit.objects.filter(code__startswith="U").order_by("code"))
    chosen = (
        units[: max(1, int(len(units) * share))] if part == 0 else units[-int(len(units) * share) :]
    )
    indicators = _indicators(when)
    for unit in chosen:
        for measure, value in unit_day_values(indicators, rng, 0.9).items():
            updated = DailyRollup.objects.filter(unit=unit, day=when, measure=measure).update(
                value=F("value") + value
            )
            if not updated:
                DailyRollup.objects.create(unit=unit, day=when, measure=measure, value=value)
    now = timezone.now()
    intake.sweep_intake(now)
    written = refresh.refresh(now)
    return {"published": sum(written.values())}


def add_districts(districts: list[list[str]], upper_dsn: str) -> list[str]:
    from federation import replication

    return [
        replication.add_district(code, name=name, dsn=dsn, upper_dsn=upper_dsn).code
        for code, name, dsn in districts
    ]


def issue(title: str, deadline: str) -> str:
    from federation import actions

    return str(
        actions.issue_directive_down(
            actor=None, title=title, source="市政府常务会议", summary="各区落实。",
            deadline=dt.date.fromisoformat(deadline),
        ).pk
    )  # fmt: skip


def city_ranking(month: str) -> dict[str, Any]:
    from federation import ranking

    started = time.monotonic()
    city = ranking.city_month(dt.date.fromisoformat(month))
    elapsed = time.monotonic() - started
    assert city is not None
    return {
        "seconds": elapsed,
        "districts": {r.unit.code: [str(r.total), r.rank] for r in city.districts},
        "units": {f"{r.unit.district}/{r.unit.code}": [str(r.total), r.rank] for r in city.units},
    }


def resync(code: str) -> int:
    from federation import replication

    return replication.resync(code)


def status() -> list[dict[str, Any]]:
    from federation import replication

    return [
        {"code": s.code, "version": s.version, "problems": s.problems, "pending": s.pending_bytes}
        for s in replication.status()
    ]
