from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """调研问卷: questionnaires built or imported from XLSForm, answered by open link or one-time
    token, anonymous by construction."""

    name = "surveys"
    verbose_name = "调研问卷"

    def ready(self) -> None:
        pass
