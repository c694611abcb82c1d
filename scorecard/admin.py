"""Admin: the office edits standards (考核办法) and their indicators here.

A standard that scored a published month is shown read-only with an explanation: the office
issues a new standard from a later month instead. Saving a standard whose weights do not
add up to 100, or an indicator over an unknown measure, is refused with a clear message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from org.models import Unit
from scorecard.compute import standard_is_locked, weights_error
from scorecard.models import (
    LOCKED_MESSAGE,
    Commitment,
    Indicator,
    Interview,
    Scorecard,
    Standard,
)
from zuofeng.measures import measure_choices


class IndicatorForm(forms.ModelForm):
    numerator_measure = forms.ChoiceField(label="分子度量", choices=())
    denominator_measure = forms.ChoiceField(label="分母度量", choices=(), required=False)
    unit_kinds = forms.MultipleChoiceField(
        label="适用单位类型",
        choices=Unit.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示适用于所有参加排名的单位",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "numerator_measure",
            "numerator_text",
            "denominator_measure",
            "denominator_text",
            "direction",
            "weight",
            "target",
            "min_sample",
            "unit_kinds",
            "sort_order",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = measure_choices()
        self.fields["numerator_measure"].choices = choices
        self.fields["denominator_measure"].choices = [("", "（无：指标值为件数）"), *choices]


class IndicatorFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("weight") is not None
        ]
        error = weights_error(weights)
        if error:
            raise ValidationError(error)


class IndicatorInline(admin.StackedInline):
    model = Indicator
    form = IndicatorForm
    formset = IndicatorFormSet
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not standard_is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not standard_is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not standard_is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "locked")
    inlines = [IndicatorInline]

    @admin.display(description="已用于发布", boolean=True)
    def locked(self, obj: Standard) -> bool:
        return standard_is_locked(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if standard_is_locked(obj):
            return ("name", "effective_from", "note")
        return ()

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        standard = self.get_object(request, object_id)
        if standard_is_locked(standard):
            messages.warning(request, LOCKED_MESSAGE)
        return super().change_view(request, object_id, *args, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not standard_is_locked(obj) and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through scorecard.actions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ("month", "version", "status", "standard", "computed_at", "published_at")
    list_filter = ("status",)


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ("unit", "flagged_month", "status", "held_at")
    list_filter = ("status",)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("unit", "text", "status", "due_at", "done_at")
    list_filter = ("status",)
