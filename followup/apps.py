from __future__ import annotations

from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """催办、督办、批示: what the office does with any overdue duty so an escalation leads somewhere."""

    name = "followup"
    verbose_name = "催办督办"
