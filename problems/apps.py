from __future__ import annotations

from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    """Problems found by visits, surveys and forums: each a duty with an owner unit, a deadline
    and a callback to the person who raised it."""

    name = "problems"
    verbose_name = "调研发现问题"

    def ready(self) -> None:
        from problems.actions import anonymise_raisers, raisers_due, reseal_raisers
        from problems.measures import register_measures
        from problems.models import Problem
        from zuofeng.duty.registry import DutyKind, register_duty
        from zuofeng.personal_data import PersonalDataStore, register_personal_data

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
        register_personal_data(
            PersonalDataStore(
                key="problems.raiser",
                label="问题反映人联系方式",
                due=lambda before: raisers_due(before).count(),
                purge=anonymise_raisers,
                reseal=reseal_raisers,
            )
        )
