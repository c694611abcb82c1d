from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """调研报告: the office's investigation report drafted from a frozen snapshot of facts,
    every figure traceable."""

    name = "reports"
    verbose_name = "调研报告"

    def ready(self) -> None:
        pass
