from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from zuofeng.workdays.actions import delete_day_overrides, save_day_override
from zuofeng.workdays.calendar import local_date, uncovered_years
from zuofeng.workdays.models import DayOverride
from zuofeng.workdays.statutory import describe


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    """Every write goes through the calendar's actions: audited, and the open deadlines the
    change moves are recomputed in the same transaction."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The admin entering a notice sees what the calendar already assumes for the year.
        for year in uncovered_years(local_date(timezone.now())):
            self.message_user(
                request,
                f"{year} 年的放假通知尚未录入，系统已按法定节假日预测：{describe(year)}。"
                "通知发布后，请逐日录入调休上班日（勾选“是否工作日”）和通知另行安排的放假日；"
                "法定节假日本身无需录入。",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

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
