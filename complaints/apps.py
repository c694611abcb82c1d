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
        register_identity_store()


def register_identity_store() -> None:
    """Complainants' sealed identities (and their photos' sealed originals) under the operator's
    retention purge and key rotation (zuofeng/personal_data.py)."""
    from complaints.handling.actions import (
        anonymise_identities,
        due_for_anonymising,
        reseal_identities,
    )
    from zuofeng.personal_data import PersonalDataStore, register_personal_data

    def reseal(*, actor: object, batch_size: int) -> dict[str, int]:
        done = reseal_identities(actor=actor, batch_size=batch_size)
        return {"份举报人身份": done["identities"], "份照片原件": done["photo_originals"]}

    register_personal_data(
        PersonalDataStore(
            key="complaints.identity",
            label="举报人身份",
            due=lambda before: due_for_anonymising(before).count(),
            purge=lambda *, actor, before: anonymise_identities(actor=actor, closed_before=before),
            reseal=reseal,
        )
    )
