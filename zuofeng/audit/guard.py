"""The switch that the database's append-only triggers consult on SQLite.

Only the test suite turns maintenance on (to flush its throw-away databases); production
never does, so the triggers always refuse UPDATE and DELETE there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def maintenance_allowed() -> int:
    return int(bool(getattr(settings, "AUDIT_MAINTENANCE", False)))


def register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("zuofeng_audit_maintenance", 0, maintenance_allowed)
