"""The production configuration starts and serves: gunicorn with deploy/gunicorn.conf.py and
the real settings (DEBUG off, non-demo keys, a shared cache, WhiteNoise's compressed manifest
storage) on a free loopback port, against a copy of the test database (SQLite) or the test
database itself (PostgreSQL). `/healthz` answers 200 once the sweep and the worker have run;
a public page, a styled 404, and a static file compressed with a far-future cache header.

Skips, saying why, when gunicorn is not installed or cannot bind a loopback port.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ops import health
from zuofeng.duty.sweep import sweep

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
CACHE_TABLE = "zf_production_test_cache"

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Served:
    port: int
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = conn.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database as the gunicorn process will see it."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database may live in memory: copy it, as it is now, to a file.
        path = tmp_path / "production.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        user = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
        host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
        return f"postgres://{user}@{host}/{config['NAME']}"
    pytest.skip(f"no production test for the {connection.vendor} engine")


def production_env(tmp_path: Path, db_url: str, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the test run's own configuration leaks into the production process.
        if not key.startswith(("DJANGO_", "ZUOFENG_", "PYTEST", "GUNICORN_"))
        and key not in {"DEBUG", "DATABASE_URL", "CACHE_URL", "SECRET_KEY", "WEB_CONCURRENCY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="zuofeng.settings",
        DEBUG="false",
        SECRET_KEY="production-test-" + os.urandom(24).hex(),
        ZUOFENG_IDENTITY_KEYS=Fernet.generate_key().decode(),
        ZUOFENG_AUDIT_KEY=os.urandom(32).hex(),
        DATABASE_URL=db_url,
        CACHE_URL=f"db://{CACHE_TABLE}",
        ZUOFENG_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        ZUOFENG_AUDIT_CHECKPOINT_DIR=str(tmp_path / "checkpoints"),
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def served(tmp_path: Path, settings: Any) -> Iterator[Served]:
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed next to {sys.executable}")
    # What the sweep and the worker leave behind in production: a heartbeat the worker ran,
    # a checkpoint of the audit chains. Done here, in the test database, then handed over.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    health.register()
    sweep(timezone.now())
    call_command(
        "db_worker", batch=True, startup_delay=False, queue_name="*", reload=False, verbosity=0
    )
    call_command("createcachetable", CACHE_TABLE, verbosity=0)
    port = free_port()
    env = production_env(tmp_path, database_url(tmp_path), port)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr[-3000:]
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=tmp_path,  # the config finds the checkout itself
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        server = Served(port, log)
        wait_until_serving(server, process)
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: nothing in flight
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


def wait_until_serving(server: Served, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = server.log.read_text(errors="replace")
            if "Address already in use" in output or "Permission denied" in output:
                pytest.skip(f"gunicorn could not bind 127.0.0.1:{server.port}: {output[-500:]}")
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{output[-4000:]}")
        try:
            server.get("/healthz")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 30 s:\n{server.log.read_text()[-4000:]}")


def test_production_configuration_serves_healthz_pages_and_static(served: Served) -> None:
    status, headers, body = served.get("/healthz")
    report = json.loads(body)
    assert status == 200, report
    assert report["status"] == "ok"
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["cache"]["detail"] == "DatabaseCache"  # the shared cache

    status, headers, body = served.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    # Static files through the manifest: hashed names, so they may be cached for ever.
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "no hashed stylesheet link on the home page"

    status, headers, body = served.get(stylesheet.group(1), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") in {"gzip", "br"}
    assert "max-age=315360000" in headers["cache-control"]
    assert "immutable" in headers["cache-control"]

    # DEBUG is off: a missing page is the styled 404, not Django's debug listing.
    status, _, body = served.get("/no-such-page/")
    assert status == 404 and "Using the URLconf" not in body.decode()

    # Structured logs: gunicorn's access log is JSON lines, without the client's address.
    time.sleep(0.3)
    lines = [
        json.loads(line) for line in served.log.read_text().splitlines() if line.startswith("{")
    ]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(line["path"] == "/healthz" and line["status"] == 200 for line in access), lines
    assert not any("127.0.0.1" in json.dumps(line) for line in access)
