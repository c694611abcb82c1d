"""Health checks behind `/healthz`: is every part of the production setup doing its job?

Five checks, each answering ok / not ok with an age or a short reason, never personal data:

- database: a trivial query;
- cache: a set/get round trip (with Redis, the shared cache the throttles rely on);
- worker: when the task worker (`manage.py db_worker`) last finished a task, or is running one;
- sweep: when `manage.py sweep` last ran;
- audit checkpoint: the age of the newest line in AUDIT_CHECKPOINT_DIR.

Neither the sweep nor db_worker records its own activity, so the sweep runs one more step,
`ops.heartbeat` (`register()` below, called from OpsConfig.ready): each pass it queues the tiny
task `heartbeat` and prunes the older heartbeat rows. The newest queued heartbeat says when the
sweep last ran; the newest finished one that the worker is alive. Both live in the database
(django-tasks-db's result table), so they are right whichever host runs the sweep or the worker,
and at most a couple of rows are ever kept.

Thresholds are settings, read with defaults:

- HEALTH_SWEEP_MAX_SECONDS (300): the sweep runs every 60 s in production;
- HEALTH_WORKER_MAX_SECONDS (300): the heartbeat is queued every sweep pass;
- HEALTH_WORKER_MAX_RUN_SECONDS (3600): a task running longer than this counts as a hung worker;
- HEALTH_AUDIT_CHECKPOINT_MAX_MINUTES (2 × AUDIT_CHECKPOINT_MINUTES + 10).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

HEARTBEAT_TASK_PATH = "ops.health.heartbeat"
DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    age_seconds: int | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "detail": self.detail}
        if self.age_seconds is not None:
            body["age_seconds"] = self.age_seconds
        return body


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _age(now: dt.datetime, then: dt.datetime) -> int:
    return max(0, int((now - then).total_seconds()))


def _tasks_in_database() -> bool:
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    return backend == DATABASE_TASK_BACKEND


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(False, f"query failed: {type(exc).__name__}")
    return Check(True, connection.vendor)


def check_cache() -> Check:
    key = f"zuofeng:healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # any backend error (Redis down, refused) is "unhealthy"
        return Check(False, f"cache error: {type(exc).__name__}")
    if read != value:
        return Check(False, "value written was not read back")
    return Check(True, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])


def check_sweep(now: dt.datetime) -> Check:
    if not _tasks_in_database():
        return Check(True, "not recorded: the task backend is not the database")
    from django_tasks_db.models import DBTaskResult

    last = DBTaskResult.objects.filter(task_path=HEARTBEAT_TASK_PATH).aggregate(
        at=Max("enqueued_at")
    )["at"]
    if last is None:
        return Check(False, "the sweep has never run (manage.py sweep --loop 60)")
    age = _age(now, last)
    limit = _setting("HEALTH_SWEEP_MAX_SECONDS", 300)
    if age > limit:
        return Check(False, f"last sweep {age} s ago (limit {limit} s)", age)
    return Check(True, "last sweep", age)


def check_worker(now: dt.datetime) -> Check:
    if not _tasks_in_database():
        return Check(True, "no worker: tasks run in the web process")
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.all()
    finished = results.finished().aggregate(at=Max("finished_at"))["at"]
    running = results.running().aggregate(at=Max("started_at"))["at"]
    if finished is None and running is None:
        return Check(False, "the task worker has never run a task (manage.py db_worker)")
    # A task still running (a long hotline import) shows the worker alive, unless it has run
    # for longer than any task should.
    if running is not None and _age(now, running) <= _setting(
        "HEALTH_WORKER_MAX_RUN_SECONDS", 3600
    ):
        return Check(True, "running a task", _age(now, running))
    limit = _setting("HEALTH_WORKER_MAX_SECONDS", 300)
    if finished is None:
        return Check(False, "a task has been running too long", _age(now, running))
    age = _age(now, finished)
    if age > limit:
        return Check(False, f"last task finished {age} s ago (limit {limit} s)", age)
    return Check(True, "last task finished", age)


def check_audit_checkpoint(now: dt.datetime) -> Check:
    from zuofeng.audit.checkpoints import checkpoint_dir, latest_checkpoint_at

    directory = checkpoint_dir()
    if directory is None:
        # `check --deploy` already warns that checkpoints are off (audit.W002).
        return Check(True, "checkpoints are off (AUDIT_CHECKPOINT_DIR is empty)")
    try:
        latest = latest_checkpoint_at(directory)
    except OSError as exc:
        return Check(False, f"checkpoint directory unreadable: {type(exc).__name__}")
    if latest is None:
        return Check(False, "no checkpoint yet (the sweep writes one)")
    every = _setting("AUDIT_CHECKPOINT_MINUTES", 60)
    limit = _setting("HEALTH_AUDIT_CHECKPOINT_MAX_MINUTES", 2 * every + 10) * 60
    age = _age(now, latest)
    if age > limit:
        return Check(False, f"newest checkpoint {age} s old (limit {limit} s)", age)
    return Check(True, "newest checkpoint", age)


def run_checks(now: dt.datetime | None = None) -> tuple[bool, dict[str, dict[str, Any]]]:
    """Every check, in a fixed order; healthy when all are ok. The database goes first: when it
    is down, the checks that read it report that instead of raising."""
    now = now or timezone.now()
    checks: dict[str, Check] = {"database": check_database(), "cache": check_cache()}
    database_up = checks["database"].ok
    down = Check(False, "database unavailable")
    for name, check in (("worker", check_worker), ("sweep", check_sweep)):
        if not database_up:
            checks[name] = down
            continue
        try:
            checks[name] = check(now)
        except DatabaseError as exc:
            checks[name] = Check(False, f"query failed: {type(exc).__name__}")
    checks["audit_checkpoint"] = check_audit_checkpoint(now)
    healthy = all(check.ok for check in checks.values())
    return healthy, {name: check.as_dict() for name, check in checks.items()}


# --- The heartbeat: a sweep step that queues a no-op task for the worker.


@task()
def heartbeat() -> str:
    """Run by the task worker; its finished_at is the worker's heartbeat."""
    return "ok"


def heartbeat_step(now: dt.datetime) -> dict[str, int]:
    """The sweep's step: queue one heartbeat, keep only the newest queued and finished ones."""
    if not _tasks_in_database():
        return {}
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    mine = DBTaskResult.objects.filter(task_path=HEARTBEAT_TASK_PATH)
    # Heartbeats still waiting (the worker is down or busy): one is enough. Only READY rows
    # are deleted; a worker claims a row by moving it to RUNNING under a row lock, so a row it
    # runs is never deleted under it.
    mine.filter(status=TaskResultStatus.READY).delete()
    newest_done = list(mine.finished().order_by("-finished_at").values_list("pk", flat=True)[:1])
    mine.finished().exclude(pk__in=newest_done).delete()
    heartbeat.enqueue()
    # Nothing to print: the sweep prints only passes that changed something.
    return {}


def register() -> None:
    """Add the heartbeat to the sweep; called once from OpsConfig.ready()."""
    from zuofeng.duty.registry import register_sweep_step

    register_sweep_step("ops.heartbeat", heartbeat_step)
