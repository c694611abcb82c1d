from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """调研报告: the office's investigation report drafted from a frozen snapshot of facts,
    every figure traceable."""

    name = "reports"
    verbose_name = "调研报告"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(after_migrate, sender=self)


def after_migrate(*, using: str = "default", **kwargs: object) -> None:
    """The default library of causes and measures, also after a flush (which empties what the
    data migration wrote: tests that truncate tables, `manage.py flush`)."""
    from django.apps import apps

    from reports.library import install

    install(apps, using=using)
