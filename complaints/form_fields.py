"""Form fields shared by the intake and handling staff pages."""

from __future__ import annotations

from typing import Any

from django import forms

from complaints.models import ComplaintCategory
from org.models import Unit


def categories() -> Any:
    return ComplaintCategory.objects.order_by("sort_order", "code")


def units() -> Any:
    return Unit.objects.active().order_by("sort_order", "code")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked by its code (stable in links and tests)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", units())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "请选择单位")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name
