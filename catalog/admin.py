from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from catalog.models import Material, Matter
from zuofeng.audit.admin_mixins import AuditedModelAdmin


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1


@admin.register(Matter)
class MatterAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "unit",
        "promised_limit_days",
        "statutory_limit_days",
        "online",
        "window_authority",
        "archived",
    ]
    list_filter = ["kind", "online", "window_authority", "archived", "unit"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["unit"]
    inlines = [MaterialInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # matters are archived, never deleted: old cases refer to them
