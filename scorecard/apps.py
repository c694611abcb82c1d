from __future__ import annotations

from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = "考核"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from scorecard.defaults import after_migrate
        from scorecard.models import Commitment
        from scorecard.rollups import mark_dirty, refresh
        from zuofeng.duty.registry import DutyKind, register_duty, register_sweep_step
        from zuofeng.measures import register_dirty_sink

        # The state-change path marks the unit-days it touches; the rollups keep the marks.
        register_dirty_sink(mark_dirty)
        post_migrate.connect(after_migrate, sender=self)
        register_sweep_step("scorecard.rollups", refresh)
        register_duty(
            DutyKind(
                model=Commitment,
                unit_field="unit",
                label_field="pk",
                url_name="scorecard:commitment",
                list_url_name="scorecard:my_unit",
            )
        )
