"""Shared by the web benchmarks (cases_bench.py, ratings_bench.py): the environment that
manage.py, gunicorn and any in-process Django of a benchmark run with. The load generator,
the server and the database helpers stay in cases_bench.py, which ratings_bench.py imports."""

from __future__ import annotations

import os
from pathlib import Path


def bench_env(
    database: str, workdir: Path, *, pg_host: str, pg_user: str, cache_url: str = ""
) -> dict[str, str]:
    """This process's environment, pointed at the benchmark's database and settings: the
    bench URLconf (with the bare view), production-like (DEBUG off), the shared cache at
    `cache_url` (CACHE_URL, e.g. Redis as the README's multi-worker deployment has it;
    empty: the in-process cache), the per-address rate limits raised (one load generator
    would otherwise be stopped after 30 lookups a minute, or 600 API calls), long-lived
    database connections, files under `workdir`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CACHE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"postgres://{pg_user}@{pg_host}:5432/{database}",
        DEBUG="false",
        ZUOFENG_LOOKUP_RATE="1000000/m",
        API_ANON_RATE="1000000/minute",
        STATIC_ROOT=str(workdir / "static"),
        ZUOFENG_VAR_DIR=str(workdir / "var"),
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
        # The benchmarks run on the public demo keys; production refuses them (zuofeng/env.py).
        ZUOFENG_DEMO="1",
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env
