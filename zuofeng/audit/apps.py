from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zuofeng.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from zuofeng.audit import checks  # noqa: F401
        from zuofeng.audit.checkpoints import checkpoint_step
        from zuofeng.audit.guard import register_sqlite_guard
        from zuofeng.duty.registry import register_sweep_step

        connection_created.connect(register_sqlite_guard)
        register_sweep_step("audit.checkpoint", checkpoint_step)
