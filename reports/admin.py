"""The office maintains the library of causes and measures here (the defaults come from the
five problems' usual causes); reports themselves are changed only through the pages."""

from __future__ import annotations

from django.contrib import admin

from reports.models import LibraryEntry


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = ("problem", "kind", "heading", "sort_order", "active")
    list_filter = ("problem", "kind", "active")
    list_editable = ("sort_order", "active")
    search_fields = ("heading", "text")
