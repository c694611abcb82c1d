from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zuofeng.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_label",
        "chain",
        "seq",
    ]
    list_filter = ["action", "object_type", "chain"]
    search_fields = ["object_id", "object_label", "actor_label", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
