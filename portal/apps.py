from __future__ import annotations

from django.apps import AppConfig
from django_tasks_db.apps import TasksAppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"


class TaskResultsConfig(TasksAppConfig):
    """django-tasks-db under a Chinese name in the admin; its model and field names are
    translated in portal/locale (the package ships no Chinese)."""

    verbose_name = "后台任务"
