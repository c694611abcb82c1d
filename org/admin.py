from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from org.actions import set_unit_head
from org.models import Staff, Unit
from zuofeng.audit.admin_mixins import AuditedModelAdmin


class StaffInline(admin.TabularInline):
    model = Staff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "parent", "head", "archived"]
    list_filter = ["kind", "archived"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "head"]
    inlines = [StaffInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are archived, never deleted

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        head = obj.head
        changed = "head" in form.changed_data
        if changed:
            # Saved with the old head first, so the action sees who is replaced.
            obj.head_id = (
                Unit.objects.filter(pk=obj.pk).values_list("head_id", flat=True).first()
                if change
                else None
            )
        super().save_model(request, obj, form, change)
        if changed:
            # Through the action, as everywhere else: the new head gets the head role and
            # joins the unit, the replaced one loses the role (zuofeng.access relies on it).
            set_unit_head(actor=request.user, unit=obj, head=head, reason="系统管理中更改一把手")


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "title"]
    list_filter = ["unit__kind", "unit"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


admin.site.site_header = "作风 · 系统管理"
admin.site.site_title = "作风"
admin.site.index_title = "配置：单位、人员、事项、日历"
