"""The district's time limits for problems are edited in the admin (one row, audited).
Problems themselves have their own pages; raisers' identities are deliberately absent here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from problems.models import ProblemRules
from zuofeng.audit.admin_mixins import AuditedModelAdmin


@admin.register(ProblemRules)
class ProblemRulesAdmin(AuditedModelAdmin):
    list_display = ["__str__", "resolve_workdays", "redo_workdays"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = ProblemRules.SINGLETON
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: added once (the defaults apply until then), never a second.
        return super().has_add_permission(request) and not ProblemRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
