from __future__ import annotations

from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    """Problems found by visits, surveys and forums: each a duty with an owner unit, a deadline
    and a callback to the person who raised it."""

    name = "problems"
    verbose_name = "调研发现问题"

    def ready(self) -> None:
        from problems.measures import register_measures
        from problems.models import Problem
        from zuofeng.duty.registry import DutyKind, register_duty

        register_duty(
            DutyKind(
                model=Problem,
                unit_field="unit",
                label_field="number",
                url_name="problems:detail",
                list_url_name="problems:list",
            )
        )
        register_measures()
