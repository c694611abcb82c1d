from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """下基层: cadres' visit logs, annual visit plans, and shallow visits flagged for review."""

    name = "visits"
    verbose_name = "下基层调研"

    def ready(self) -> None:
        from visits.actions import anonymise_contacts, contacts_due, reseal_contacts
        from visits.checks import sweep_model_sites
        from visits.measures import register_measures
        from zuofeng.duty.registry import register_sweep_step
        from zuofeng.personal_data import PersonalDataStore, register_personal_data

        register_measures()
        register_sweep_step("visits.model_sites", sweep_model_sites)
        register_personal_data(
            PersonalDataStore(
                key="visits.counterpart",
                label="走访对象联系方式",
                due=lambda before: contacts_due(before).count(),
                purge=anonymise_contacts,
                reseal=reseal_contacts,
            )
        )
