from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zuofeng.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from zuofeng.audit.guard import register_sqlite_guard

        connection_created.connect(register_sqlite_guard)
