from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sms.models import SmsMessage
from zuofeng.masking import mask_phone


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    """Delivery status for support: read-only, the number masked."""

    list_display = ("created_at", "masked_phone", "purpose", "status", "error", "sent_at")
    list_filter = ("status", "purpose")
    search_fields = ("related_id",)
    fields = (
        "masked_phone",
        "purpose",
        "text",
        "status",
        "error",
        "backend",
        "provider_id",
        "related_type",
        "related_id",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description="手机号")
    def masked_phone(self, obj: SmsMessage) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
