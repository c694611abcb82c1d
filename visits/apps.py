from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """下基层: cadres' grassroots visits and forums (座谈会), annual visit plans, and shallow visits flagged for review."""

    name = "visits"
    verbose_name = "下基层调研"

    def ready(self) -> None:
        pass
