from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from catalog.models import FormFile, Material, Matter
from zuofeng.audit.admin_mixins import AuditedModelAdmin
from zuofeng.uploads import inspect_upload


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1


class FormFileAdminForm(forms.ModelForm):
    """A form file added in the admin is checked like any upload (content, size, name), a
    picture stored without its metadata, under a generated name, as
    `zuofeng.uploads.store_upload` does."""

    class Meta:
        model = FormFile
        fields = ["kind", "material_name", "title", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            checked = inspect_upload(upload)
            self._checked = (upload.name, upload.size, checked)
            if checked.cleaned is not None:
                return ContentFile(checked.cleaned, name=upload.name)
        return upload

    def save(self, commit: bool = True) -> FormFile:
        form_file = super().save(commit=False)
        checked = getattr(self, "_checked", None)
        if checked is not None:
            name, size, found = checked
            form_file.original_name = name[:200]
            form_file.token = secrets.token_hex(16)
            form_file.extension = found.extension
            form_file.content_type = found.content_type
            form_file.size = form_file.file.size if found.cleaned is not None else size
            form_file.uploaded_at = timezone.now()
        if commit:
            form_file.save()
        return form_file


class FormFileInline(admin.TabularInline):
    model = FormFile
    form = FormFileAdminForm
    extra = 0
    fields = ["kind", "material_name", "title", "file", "original_name", "size"]
    readonly_fields = ["original_name", "size"]


@admin.register(Matter)
class MatterAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "unit",
        "promised_limit_days",
        "statutory_limit_days",
        "online",
        "window_authority",
        "archived",
    ]
    list_filter = ["kind", "online", "window_authority", "archived", "unit"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["unit"]
    inlines = [MaterialInline, FormFileInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # matters are archived, never deleted: old cases refer to them
