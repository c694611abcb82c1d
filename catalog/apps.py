from __future__ import annotations

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "政务服务事项"

    def ready(self) -> None:
        from catalog.cache import connect_signals

        connect_signals()
