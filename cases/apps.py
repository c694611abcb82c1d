from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from cases.measures import register_measures
        from cases.models import Case
        from cases.sweep import sweep_acceptance
        from zuofeng.duty.registry import DutyKind, register_duty, register_sweep_step

        register_duty(
            DutyKind(
                model=Case, unit_field="unit", label_field="number", url_name="cases:staff_detail"
            )
        )
        register_measures()
        register_sweep_step("cases.acceptance", sweep_acceptance)
