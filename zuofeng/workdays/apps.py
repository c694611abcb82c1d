from __future__ import annotations

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zuofeng.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from zuofeng.workdays import checks, signals  # noqa: F401
