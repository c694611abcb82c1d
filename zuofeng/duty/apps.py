from __future__ import annotations

from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "zuofeng.duty"
    label = "duty"
    verbose_name = "督办时钟"
