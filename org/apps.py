from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "单位与人员"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from org.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
