from __future__ import annotations

from django.apps import AppConfig


class DutyAppConfig(AppConfig):
    """A minimal concrete duty, installed only in tests, to exercise the shared clock alone."""

    name = "tests.dutyapp"
    label = "dutyapp"

    def ready(self) -> None:
        from tests.dutyapp.models import Chore
        from zuofeng.duty.registry import DutyKind, register_duty

        register_duty(DutyKind(model=Chore, unit_field="unit", label_field="title"))
