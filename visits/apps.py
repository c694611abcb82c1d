from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """下基层: cadres' visit logs, annual visit plans, and shallow visits flagged for review."""

    name = "visits"
    verbose_name = "下基层调研"

    def ready(self) -> None:
        from visits.checks import sweep_model_sites
        from visits.measures import register_measures
        from zuofeng.duty.registry import register_sweep_step

        register_measures()
        register_sweep_step("visits.model_sites", sweep_model_sites)
