"""The category list (limits per category) and the Open311 clients are edited in the admin.
Complaints have their own pages, and complainants' identities are deliberately absent from
the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.intake.open311 import keys
from complaints.models import ComplaintCategory, Open311Client
from zuofeng.audit.admin_mixins import AuditedModelAdmin
from zuofeng.audit.chain import record


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "resolve_workdays", "sort_order"]
    list_editable = ["resolve_workdays"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):  # the taxonomy is design §1, not an admin choice
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class Open311ClientForm(forms.ModelForm):
    reissue_key = forms.BooleanField(
        label="重新签发密钥",
        required=False,
        help_text="勾选并保存后旧密钥立即失效，新密钥只显示一次。",
    )

    class Meta:
        model = Open311Client
        fields = ["name", "active"]


@admin.register(Open311Client)
class Open311ClientAdmin(AuditedModelAdmin):
    """Issuing a key shows it once, on the page right after saving (never in a message
    cookie or the session); only its SHA-256 hash and an 8-character prefix are stored.
    Clients are deactivated, never deleted: the audit trail names them."""

    form = Open311ClientForm
    list_display = ["name", "key_prefix", "active", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["deactivate"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["name", "active"]
        return ["name", "key_prefix", "active", "created_at", "reissue_key"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj._issued_key = keys.set_key(obj)
        super().save_model(request, obj, form, change)
        if change and form.cleaned_data.get("reissue_key"):
            obj._issued_key = keys.reissue_key(actor=request.user, client=obj)

    def _show_key(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        key = getattr(obj, "_issued_key", None)
        if key is None:
            return None
        response = render(
            request,
            "admin/complaints/open311client/key_issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "client": obj,
                "key": key,
                "title": "Open311 接入密钥",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return self._show_key(request, obj) or super().response_add(request, obj)

    def response_change(self, request: HttpRequest, obj: Any) -> Any:
        return self._show_key(request, obj) or super().response_change(request, obj)

    @admin.action(description="停用所选接入方（密钥立即失效）")
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        for client in queryset.filter(active=True):
            with transaction.atomic():
                client.active = False
                client.save(update_fields=["active"])
                record(
                    actor=request.user,
                    action="admin.change",
                    obj=client,
                    before={"active": True},
                    after={"active": False},
                )
