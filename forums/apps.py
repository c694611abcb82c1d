from __future__ import annotations

from django.apps import AppConfig


class ForumsConfig(AppConfig):
    """座谈会: forums with residents and enterprises, their minutes and the problems raised."""

    name = "forums"
    verbose_name = "座谈会"

    def ready(self) -> None:
        pass
