from __future__ import annotations

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "好差评"

    def ready(self) -> None:
        from cases.signals import case_decided
        from evaluations.measures import register_measures
        from evaluations.models import Rectification
        from evaluations.sweep import apply_default_ratings
        from evaluations.texts import text_rating_link
        from zuofeng.duty.registry import DutyKind, register_duty, register_sweep_step

        register_duty(
            DutyKind(
                model=Rectification,
                unit_field="unit",
                label_field="number",
                url_name="evaluations:rectification",
                list_url_name="evaluations:rectifications",
            )
        )
        register_sweep_step("evaluations.default_ratings", apply_default_ratings)
        register_measures()
        case_decided.connect(text_rating_link, dispatch_uid="evaluations.text_rating_link")
