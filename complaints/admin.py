"""Only the category list (limits per category) is edited in the admin. Complaints have their
own pages, and complainants' identities are deliberately absent from the admin."""

from __future__ import annotations

from django.contrib import admin

from complaints.models import ComplaintCategory
from zuofeng.audit.admin_mixins import AuditedModelAdmin


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "resolve_workdays", "sort_order"]
    list_editable = ["resolve_workdays"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):  # the taxonomy is design §1, not an admin choice
        return False

    def has_delete_permission(self, request, obj=None):
        return False
