from __future__ import annotations

from django.apps import AppConfig


class FederationConfig(AppConfig):
    """District, city and province: published results and aggregates flow up and directives
    flow down over PostgreSQL logical replication."""

    name = "federation"
    verbose_name = "上下级联动"

    def ready(self) -> None:
        from federation.intake import sweep_intake
        from federation.refresh import sweep_refresh
        from zuofeng.duty.registry import register_sweep_step

        # Directives from above first, so that the tasks they become report in the same run.
        register_sweep_step("federation.intake", sweep_intake)
        register_sweep_step("federation.refresh", sweep_refresh)
