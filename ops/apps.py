from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore, health checks, retention."""

    name = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from ops import health

        health.register()  # the sweep queues the worker/sweep heartbeat that /healthz reads
