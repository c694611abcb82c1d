"""Forms of the staff 好差评 pages. They only shape input: who may act, in which state, and
what is mandatory stay in `evaluations.actions`, whose errors the views map back onto these
forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from evaluations.models import Appeal, Level, Rectification
from org.models import Unit
from zuofeng.duty.models import WarningLevel
from zuofeng.forms import add_action_errors as shared_add_action_errors


def _textarea(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "textarea", "rows": rows, **attrs})


# The actions name fields by their Chinese labels; these are the form fields they belong to.
ACTION_ERROR_FIELDS = {
    "核实情况": "finding",
    "outcome": "outcome",
    "整改措施": "measures",
    "解释说明": "measures",
    "answer": "answer",
    "level": "re_rating",
    "退回理由": "reason",
    "申诉理由": "reason",
    "证据说明": "evidence",
    "裁定意见": "note",
}


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    shared_add_action_errors(form, exc, ACTION_ERROR_FIELDS)


# --- the work order's steps ----------------------------------------------------------------


class VerifyForm(forms.Form):
    finding = forms.CharField(
        label="核实情况",
        max_length=5000,
        widget=_textarea(4, placeholder="调取办件记录、询问经办人后查明：差评反映的问题是否属实"),
        error_messages={"required": "请填写核实情况"},
    )


class RectifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label="整改方式",
        choices=Rectification.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择整改方式"},
    )
    measures = forms.CharField(
        label="整改措施 / 解释说明",
        max_length=5000,
        widget=_textarea(4),
        help_text="立行立改、限期整改：写明已采取或将采取的措施和完成时间；"
        "解释说明：写明向评价人解释的内容和依据。",
        error_messages={"required": "请填写整改措施或解释说明"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("outcome") == Rectification.Outcome.EXPLAINED
            and not (data.get("measures") or "").strip()
        ):
            self.add_error("measures", "选择“解释说明”时必须写明解释的内容")
        return data


NO_RE_RATING = ""


class CallbackForm(forms.Form):
    answer = forms.ChoiceField(
        label="回访结果",
        choices=Rectification.CallbackAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择回访结果"},
    )
    note = forms.CharField(
        label="回访记录",
        required=False,
        max_length=5000,
        widget=_textarea(3, placeholder="回访时间、方式和评价人的原话"),
    )
    re_rating = forms.TypedChoiceField(
        label="评价人重新评价（可选）",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(NO_RE_RATING, "不重新评价"), *Level.choices],
        help_text="原评价保留在案，不因重新评价而修改。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("re_rating") is not None
            and data.get("answer") == Rectification.CallbackAnswer.UNREACHABLE
        ):
            self.add_error("re_rating", "联系不上评价人时不能登记重新评价")
        return data


class ApproveForm(forms.Form):
    """审核办结 takes no input."""


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=5000,
        widget=_textarea(3, placeholder="整改哪里不到位，需要补充什么"),
        error_messages={"required": "请写明退回理由"},
    )


# --- appeals ----------------------------------------------------------------------------


class AppealForm(forms.Form):
    reason = forms.CharField(
        label="申诉理由",
        max_length=5000,
        widget=_textarea(3, placeholder="为什么认为该评价是恶意或错误的"),
        error_messages={"required": "请写明申诉理由"},
    )
    evidence = forms.CharField(
        label="证据说明",
        max_length=5000,
        widget=_textarea(3, placeholder="办件记录、录音录像、窗口监控等证据及其存放位置"),
        error_messages={"required": "申诉必须附证据说明"},
    )


class DecideAppealForm(forms.Form):
    UPHOLD, REJECT = "uphold", "reject"

    decision = forms.ChoiceField(
        choices=[(UPHOLD, "申诉成立"), (REJECT, "申诉不成立")], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label="裁定意见",
        max_length=5000,
        widget=_textarea(2),
        error_messages={"required": "请写明裁定意见"},
    )

    @property
    def uphold(self) -> bool:
        return self.cleaned_data.get("decision") == self.UPHOLD


# --- list filters ---------------------------------------------------------------------------

STATUS_OPEN, STATUS_ALL = "open", "all"


def _unit_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label="全部单位",
    )


def _setup_unit_field(form: forms.Form, all_units: bool) -> None:
    """The office chooses a unit by code; unit staff see only their own and get no field."""
    if all_units:
        form.fields["unit"].queryset = Unit.objects.exclude(  # type: ignore[attr-defined]
            kind__in=[Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE]
        ).order_by("sort_order", "code")
    else:
        del form.fields["unit"]


class RectificationFilterForm(forms.Form):
    """GET filters of the work-order list. Malformed values are reported, then ignored."""

    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[(STATUS_OPEN, "未办结"), (STATUS_ALL, "全部"), *Rectification.Status.choices],
    )
    level = forms.ChoiceField(
        label="预警", required=False, choices=[("", "全部预警"), *WarningLevel.choices]
    )
    unit = _unit_field()

    def __init__(self, *args: Any, all_units: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _setup_unit_field(self, all_units)


LEVEL_BAD = "bad"


class RatingFilterForm(forms.Form):
    level = forms.ChoiceField(
        label="评价等级",
        required=False,
        choices=[
            ("", "全部等级"),
            (LEVEL_BAD, "差评（不满意、非常不满意）"),
            *((str(value), label) for value, label in Level.choices),
        ],
    )
    month = forms.RegexField(
        label="月份",
        required=False,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        widget=forms.TextInput(attrs={"class": "input", "type": "month", "placeholder": "2025-06"}),
        error_messages={"invalid": "月份格式应为 2025-06"},
    )
    unit = _unit_field()

    def __init__(self, *args: Any, all_units: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _setup_unit_field(self, all_units)


APPEAL_PENDING, APPEAL_DECIDED, APPEAL_ALL = Appeal.Status.PENDING.value, "decided", "all"
