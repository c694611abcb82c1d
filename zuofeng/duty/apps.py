from __future__ import annotations

from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "zuofeng.duty"
    label = "duty"
    verbose_name = "督办时钟"

    def ready(self) -> None:
        from zuofeng.duty.measures import register_measures

        register_measures()
