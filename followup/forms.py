"""The office's follow-up forms and the unit's answer form. Each text field checks with the
same rules the actions apply (`zuofeng.validation.plain_text`), so the confirmation step only
ever shows input the action will take."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from followup.actions import MAX_LIMIT_WORKDAYS
from followup.models import FollowUp
from zuofeng.forms import text_input, textarea
from zuofeng.validation import TextField, plain_text


def _checked_text(value: str, label: str, max_chars: int, *, required: bool = True) -> str:
    try:
        return plain_text(value, label, max_chars, required=required)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None


class FollowUpForm(forms.Form):
    """催办 / 督办 / 批示 on one duty; the fields depend on the kind."""

    LABELS = {
        FollowUp.Kind.URGE: ("催办意见", 1000),
        FollowUp.Kind.NOTICE: ("督办要求", 2000),
        FollowUp.Kind.INSTRUCTION: ("批示内容", 2000),
    }

    text = TextField(required=False, widget=textarea(4))
    leader = TextField(
        label="批示领导",
        required=False,
        widget=text_input(placeholder="如：区长 张某某"),
        help_text="作出批示的领导的职务和姓名",
    )
    limit_workdays = forms.IntegerField(
        label="办复时限（工作日）",
        required=False,
        widget=forms.NumberInput(attrs={"class": "input", "min": 1, "max": MAX_LIMIT_WORKDAYS}),
        help_text=f"自发出之日起计算，1 至 {MAX_LIMIT_WORKDAYS} 个工作日，节假日不计",
        error_messages={"invalid": "办复时限请填写整数"},
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.text_label, self.text_max = self.LABELS[FollowUp.Kind(kind)]
        self.fields["text"].label = self.text_label
        if kind != FollowUp.Kind.INSTRUCTION:
            del self.fields["leader"]
        if kind != FollowUp.Kind.NOTICE:
            del self.fields["limit_workdays"]
        else:
            self.fields["limit_workdays"].initial = 5

    def clean_text(self) -> str:
        return _checked_text(self.cleaned_data.get("text", ""), self.text_label, self.text_max)

    def clean_leader(self) -> str:
        return _checked_text(self.cleaned_data.get("leader", ""), "批示领导", 100)

    def clean_limit_workdays(self) -> int:
        value = self.cleaned_data.get("limit_workdays")
        if value is None:
            raise ValidationError("必须填写办复时限")
        if not 1 <= value <= MAX_LIMIT_WORKDAYS:
            raise ValidationError(f"办复时限应为 1 至 {MAX_LIMIT_WORKDAYS} 个工作日")
        return value


class AnswerForm(forms.Form):
    reply = TextField(
        label="办复情况",
        required=False,
        widget=textarea(4, placeholder="写明已办理的具体情况：做了什么、结果如何、何时办结"),
    )

    def clean_reply(self) -> str:
        return _checked_text(self.cleaned_data.get("reply", ""), "办复情况", 2000)


class CloseForm(forms.Form):
    note = TextField(label="审核意见（可不填）", required=False, widget=textarea(2))

    def clean_note(self) -> str:
        return _checked_text(self.cleaned_data.get("note", ""), "审核意见", 1000, required=False)


class ReturnForm(forms.Form):
    reason = TextField(label="退回理由", required=False, widget=textarea(2))

    def clean_reason(self) -> str:
        return _checked_text(self.cleaned_data.get("reason", ""), "退回理由", 1000)
