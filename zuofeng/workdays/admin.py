from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from zuofeng.workdays.actions import delete_day_overrides, save_day_override
from zuofeng.workdays.models import DayOverride


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    """Every write goes through the calendar's actions: audited, and the open deadlines the
    change moves are recomputed in the same transaction."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def save_model(
        self, request: HttpRequest, obj: DayOverride, form: ModelForm, change: bool
    ) -> None:
        moved = save_day_override(actor=request.user, override=obj)
        self._report(request, moved)

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        moved = delete_day_overrides(actor=request.user, overrides=[obj])
        self._report(request, moved)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DayOverride]) -> None:
        moved = delete_day_overrides(actor=request.user, overrides=list(queryset))
        self._report(request, moved)

    def _report(self, request: HttpRequest, moved: int) -> None:
        if moved:
            self.message_user(
                request,
                f"已按新的节假日安排重新计算 {moved} 件在办事项的截止日期，并通知了承办单位。",
                messages.INFO,
            )
