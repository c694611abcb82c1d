from __future__ import annotations

from django.contrib import admin

from zuofeng.workdays.models import DayOverride


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]
