from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """督查督办: the government's own decisions broken into tasks and followed to the units."""

    name = "supervision"
    verbose_name = "督查督办"
