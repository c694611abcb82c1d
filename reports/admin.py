"""The library of causes and measures (the defaults come from the five problems' usual
causes), kept in the admin by the 系统管理员 at the office's request; every save is audited and
an entry is retired (不再使用), never deleted: old reports' versions quote it. Reports themselves
are changed only through the pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import LibraryEntry
from zuofeng.audit.admin_mixins import AuditedModelAdmin


@admin.register(LibraryEntry)
class LibraryEntryAdmin(AuditedModelAdmin):
    list_display = ("problem", "kind", "heading", "sort_order", "active")
    list_filter = ("problem", "kind", "active")
    list_editable = ("sort_order", "active")
    search_fields = ("heading", "text")

    def has_delete_permission(self, request: HttpRequest, obj: LibraryEntry | None = None) -> bool:
        return False
