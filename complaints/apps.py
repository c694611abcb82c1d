from __future__ import annotations

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "监督举报"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from complaints import checks  # noqa: F401
        from complaints.defaults import after_migrate
        from complaints.measures import register_measures
        from complaints.models import Complaint
        from zuofeng.duty.registry import DutyKind, register_duty

        post_migrate.connect(after_migrate, sender=self)
        register_duty(
            DutyKind(
                model=Complaint,
                unit_field="handling_unit",
                label_field="number",
                url_name="complaints:staff_detail",
                list_url_name="complaints:staff_queue",
            )
        )
        register_measures()
        from complaints.intake.open311.views import input_error
        from zuofeng.middleware_input import register_renderer

        register_renderer("/open311/", input_error)
