from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """督查督办: the government's own decisions broken into tasks and followed to the units."""

    name = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from supervision.cards import sweep_cards
        from supervision.measures import register_measures
        from supervision.models import Task
        from supervision.reopening import sweep_reopen
        from zuofeng.duty.registry import DutyKind, register_duty, register_sweep_step

        register_duty(
            DutyKind(
                model=Task,
                unit_field="unit",
                label_field="title",
                url_name="supervision:task",
                list_url_name="supervision:my_tasks",
            )
        )
        register_measures()
        register_sweep_step("supervision.cards", sweep_cards)
        register_sweep_step("supervision.reopen", sweep_reopen)
