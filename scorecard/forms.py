"""Forms of the scorecard pages. They only shape input; every rule (future months, publishing
twice, weights that do not add up) stays in the scorecard actions, whose ValidationErrors the
views show as they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from zuofeng.periods import parse_month


class MonthField(forms.CharField):
    """`YYYY-MM` (the browser's month input) → the month's first day."""

    widget = forms.DateInput(attrs={"class": "input", "type": "month"})
    default_error_messages = {"invalid": "请按“年-月”填写月份，例如 2026-03。"}

    def clean(self, value: Any) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class ComputeForm(forms.Form):
    month = MonthField(label="考核月份", max_length=7)


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="更正原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3}),
        help_text="更正会生成新的版本，原发布版本保留备查；原因将记入审计日志。",
    )


class InterviewForm(forms.Form):
    minutes = forms.CharField(
        label="约谈记录",
        max_length=20000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 6}),
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label="整改承诺",
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"class": "input"}),
    )
    limit_workdays = forms.IntegerField(
        label="时限（工作日）",
        min_value=1,
        max_value=250,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("text") and not data.get("limit_workdays"):
            self.add_error("limit_workdays", "请填写完成时限（工作日）。")
        if data.get("limit_workdays") and not data.get("text"):
            self.add_error("text", "请填写承诺内容。")
        return data


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=3, max_num=20)


def commitments_from(formset: Any) -> list[tuple[str, int]]:
    """The filled rows of a valid commitment formset as (text, working days)."""
    return [
        (form.cleaned_data["text"], form.cleaned_data["limit_workdays"])
        for form in formset
        if form.cleaned_data.get("text")
    ]


class CompleteCommitmentForm(forms.Form):
    note = forms.CharField(
        label="完成情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写完成情况"},
    )
