from __future__ import annotations

from django.apps import AppConfig


class FederationConfig(AppConfig):
    """District, city and province: published results and aggregates flow up and directives flow down over PostgreSQL logical replication."""

    name = "federation"
    verbose_name = "上下级联动"

    def ready(self) -> None:
        pass
