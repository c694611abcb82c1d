"""`/healthz`: 200 when the database, cache, task worker, sweep and audit checkpoints are all
doing their job; 503 naming the part that is not, and nothing personal either way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops import health
from zuofeng.audit.checkpoints import write_checkpoint
from zuofeng.duty.sweep import sweep

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def production_like(settings: Any, tmp_path: Path) -> Path:
    """Tasks in the database (run by db_worker, as in production), checkpoints on disk, and the
    heartbeat step registered as OpsConfig.ready does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    health.register()
    return tmp_path / "checkpoints"


def run_worker() -> None:
    """The real `manage.py db_worker --batch`, minus its connection recycling: in a test's
    transaction close_old_connections would close the test's own connection (PostgreSQL)."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command(
            "db_worker", batch=True, startup_delay=False, queue_name="*", reload=False, verbosity=0
        )


def get(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def failing(body: dict[str, Any]) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


def test_healthy_after_a_sweep_and_a_worker_pass(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
        status, body = get(client)
    assert status == 200, body
    assert body["status"] == "ok" and not failing(body)
    assert set(body["checks"]) == {"database", "cache", "worker", "sweep", "audit_checkpoint"}
    assert body["checks"]["sweep"]["age_seconds"] == 0
    # No login needed, and nothing but check names, states and ages.
    assert "csrftoken" not in client.cookies and "sessionid" not in client.cookies


def test_database_down_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
        with mock.patch.object(
            health.connection, "cursor", side_effect=OperationalError("connection refused")
        ):
            status, body = get(client)
    assert status == 503
    assert body["status"] == "fail"
    assert failing(body) == {"database", "worker", "sweep"}
    assert body["checks"]["database"]["detail"] == "query failed: OperationalError"


def test_cache_that_loses_writes_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
        with mock.patch.object(health.cache, "get", return_value=None):
            status, body = get(client)
    assert status == 503 and failing(body) == {"cache"}


def test_cache_unreachable_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
        with mock.patch.object(health.cache, "set", side_effect=ConnectionError("redis down")):
            status, body = get(client)
    assert status == 503 and failing(body) == {"cache"}
    assert body["checks"]["cache"]["detail"] == "cache error: ConnectionError"


def test_worker_that_never_ran_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        status, body = get(client)
    assert status == 503 and failing(body) == {"worker"}


def test_worker_that_stopped_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
    # Ten minutes later the sweep still runs, but nobody runs its heartbeats.
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        sweep(timezone.now())
        status, body = get(client)
    assert status == 503 and failing(body) == {"worker"}
    assert body["checks"]["worker"]["age_seconds"] == 600


def test_worker_busy_with_a_long_task_is_healthy(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
        DBTaskResult.objects.create(
            task_path="complaints.intake.tasks.import_hotline",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=START,
            status="RUNNING",
            started_at=START + dt.timedelta(minutes=2),
        )
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        sweep(timezone.now())
        status, body = get(client)
    assert status == 200, body
    # ... but not one that has "run" for hours.
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        sweep(timezone.now())
        status, body = get(client)
    assert status == 503 and failing(body) == {"worker"}


def test_sweep_that_stopped_is_503(client: Client, production_like: Path, settings: Any) -> None:
    with time_machine.travel(START, tick=False):
        sweep(timezone.now())
        run_worker()
    settings.HEALTH_WORKER_MAX_SECONDS = 3600  # isolate the sweep's own lag
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        status, body = get(client)
    assert status == 503 and failing(body) == {"sweep"}
    assert body["checks"]["sweep"]["age_seconds"] == 360
    # The threshold is a setting.
    settings.HEALTH_SWEEP_MAX_SECONDS = 600
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        assert get(client)[0] == 200


def test_sweep_that_never_ran_is_503(client: Client, production_like: Path) -> None:
    status, body = get(client)
    assert status == 503
    assert {"sweep", "worker", "audit_checkpoint"} <= failing(body)


def test_stale_audit_checkpoint_is_503(client: Client, production_like: Path) -> None:
    write_checkpoint(now=START - dt.timedelta(hours=3), directory=production_like)
    with time_machine.travel(START, tick=False):
        health.heartbeat_step(timezone.now())  # the heartbeat only, not the checkpoint step
        run_worker()
        status, body = get(client)
    assert status == 503 and failing(body) == {"audit_checkpoint"}
    assert body["checks"]["audit_checkpoint"]["age_seconds"] == 3 * 3600


def test_missing_audit_checkpoint_is_503(client: Client, production_like: Path) -> None:
    with time_machine.travel(START, tick=False):
        health.heartbeat_step(timezone.now())
        run_worker()
        status, body = get(client)
    assert status == 503 and failing(body) == {"audit_checkpoint"}


def test_heartbeats_do_not_pile_up(client: Client, production_like: Path) -> None:
    for minute in range(5):
        with time_machine.travel(START + dt.timedelta(minutes=minute), tick=False):
            sweep(timezone.now())
            if minute % 2:
                run_worker()
    heartbeats = DBTaskResult.objects.filter(task_path=health.HEARTBEAT_TASK_PATH)
    # The newest finished one (the worker's heartbeat) and the newest queued (the sweep's).
    assert sorted(heartbeats.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]
