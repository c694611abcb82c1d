"""The office's forms: a new report (period, scope, title) and an edit of its sections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from org.models import Unit
from reports.models import Report
from zuofeng.forms import date_input, text_input, textarea

KINDS = [
    (Unit.Kind.DEPARTMENT, "部门"),
    (Unit.Kind.TOWNSHIP, "乡镇"),
    (Unit.Kind.STREET, "街道"),
    (Unit.Kind.SERVICE_HALL, "政务服务中心"),
]


class ReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=120, widget=text_input())
    start = forms.DateField(label="起始日期", widget=date_input())
    end = forms.DateField(label="截止日期", widget=date_input())
    scope = forms.ChoiceField(
        label="范围", choices=Report.Scope.choices, widget=forms.RadioSelect, initial="district"
    )
    kind = forms.ChoiceField(
        label="单位类型（范围为一类单位时）", choices=[("", "—"), *KINDS], required=False
    )
    unit = forms.ModelChoiceField(
        label="单位（范围为单个单位时）",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(archived=False).order_by(
            "sort_order", "pk"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scope = data.get("scope")
        if scope == Report.Scope.KIND and not data.get("kind"):
            self.add_error("kind", "请选择单位类型")
        if scope == Report.Scope.UNIT and not data.get("unit"):
            self.add_error("unit", "请选择单位")
        return data

    def scope_value(self) -> str:
        data = self.cleaned_data
        if data["scope"] == Report.Scope.KIND:
            return data["kind"]
        if data["scope"] == Report.Scope.UNIT:
            return str(data["unit"].pk)
        return ""


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve whole months before today's month."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


class EditForm(forms.Form):
    note = forms.CharField(label="修改说明", max_length=200, required=False, widget=text_input())

    def __init__(self, *args: Any, sections: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, section in enumerate(sections):
            self.fields[f"section_{index}"] = forms.CharField(
                label=section["heading"],
                required=False,
                initial=section["text"],
                widget=textarea(rows=14),
            )
        self.order_fields([f"section_{i}" for i in range(len(sections))] + ["note"])

    def texts(self) -> list[str]:
        return [v for k, v in self.cleaned_data.items() if k.startswith("section_")]
