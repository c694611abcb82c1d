from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore, health checks, retention."""

    name = "ops"
    verbose_name = "运维"
