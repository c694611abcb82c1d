"""Admin screens audit their writes like any action does."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from zuofeng.audit.chain import record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an audit event, with the changed fields before and after, for each admin save."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        fields = [
            name
            for name in form.changed_data
            if name in {f.name for f in obj._meta.concrete_fields}
        ]
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change and fields:
                previous = type(obj)._default_manager.get(pk=obj.pk)
                before = snapshot(previous, fields)
            super().save_model(request, obj, form, change)
            record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                before=before,
                after=snapshot(obj, fields),
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        """Inline rows (a matter's materials, a unit's staff) are audited on their parent."""
        with transaction.atomic():
            saved = formset.save()
            deleted = list(formset.deleted_objects)
            if saved or deleted:
                record(
                    actor=request.user,
                    action="admin.change_related",
                    obj=form.instance,
                    after={
                        "model": formset.model._meta.label_lower,
                        "saved": [str(item) for item in saved],
                        "deleted": [str(item) for item in deleted],
                    },
                )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            record(actor=request.user, action="admin.delete", obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
