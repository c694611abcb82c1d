from __future__ import annotations

from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """催办、督办、批示: what the office does with any overdue duty, so that an escalation
    leads somewhere."""

    name = "followup"
    verbose_name = "催办督办"

    def ready(self) -> None:
        from followup.measures import register_measures
        from followup.models import FollowUp
        from zuofeng.duty.registry import DutyKind, register_duty

        # A 督办 notice is itself a duty: the shared sweep warns and escalates it.
        register_duty(
            DutyKind(
                model=FollowUp,
                unit_field="unit",
                label_field="number",
                url_name="followup:detail",
                list_url_name="followup:list",
            )
        )
        register_measures()
