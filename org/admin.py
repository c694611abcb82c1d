from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from org.actions import set_roles, set_unit_head
from org.models import Staff, Unit
from org.roles import Role
from org.scoping import has_role
from zuofeng.audit.admin import AuditEventAdmin
from zuofeng.audit.admin_mixins import AuditedModelAdmin
from zuofeng.audit.chain import record
from zuofeng.audit.models import AuditEvent


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


# --- 等保 三员分立 in the admin (org/roles.py says who holds what).


class RolesForm(forms.ModelForm):
    """The security administrator's form: roles only, through org.actions.set_roles."""

    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label="授权依据", max_length=200, required=True)

    class Meta:
        model = User
        fields: list[str] = []


class ZuofengUserAdmin(UserAdmin):
    """Accounts. The system administrator creates and edits accounts but never their roles,
    superuser flag or permissions (read-only here); the security administrator changes only
    roles, with a reason, audited, and never their own."""

    role_fields = ("groups", "user_permissions", "is_superuser", "is_staff")

    def _grants(self, request: HttpRequest) -> bool:
        return request.user.has_perm("org.grant_role")

    def _manages(self, request: HttpRequest) -> bool:
        return request.user.has_perm("auth.change_user")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request) or self._grants(request)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any):
        if obj is not None and self._grants(request) and not self._manages(request):
            kw["form"] = RolesForm
            kw["fields"] = ["roles", "reason"]
            form = super().get_form(request, obj, change=change, **kw)
            form.base_fields["roles"].initial = list(obj.groups.values_list("name", flat=True))
            return form
        return super().get_form(request, obj, change=change, **kw)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        if obj is not None and self._grants(request) and not self._manages(request):
            return [(None, {"fields": ["roles", "reason"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self._grants(request) or request.user.is_superuser:
            readonly += [f for f in self.role_fields if f not in readonly]
        return readonly

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(form, RolesForm):
            try:
                set_roles(
                    actor=request.user,
                    user=obj,
                    roles=form.cleaned_data["roles"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), level=messages.ERROR)
            return
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                after={"fields": sorted(n for n in form.changed_data if "password" not in n)},
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        """A password set by an administrator is audited: the account's holder must be able to
        see that someone else could have used it."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            with transaction.atomic():
                record(
                    actor=request.user,
                    action="admin.set_password",
                    obj=User.objects.get(pk=id),
                )
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if isinstance(form, RolesForm):
            return  # set_roles did it
        super().save_related(request, form, formsets, change)


admin.site.unregister(User)
admin.site.register(User, ZuofengUserAdmin)


class SeparatedAuditEventAdmin(AuditEventAdmin):
    """The audit log (with every identity reveal) is for the audit administrator and the
    supervision office: holding a permission as a superuser is not enough."""

    def _reads(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.AUDIT_ADMIN, Role.SUPERVISOR) and request.user.has_perm(
            "audit.view_auditevent"
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reads(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._reads(request)


admin.site.unregister(AuditEvent)
admin.site.register(AuditEvent, SeparatedAuditEventAdmin)
