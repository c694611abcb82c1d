"""Forms of the handling pages (triage, the handling unit's steps, the queue's filters). They
only shape input: every rule about states, permissions and routing stays in
`complaints.handling.actions`, whose errors the views map back onto these forms
(`zuofeng.forms.add_action_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from complaints.form_fields import UnitChoiceField, categories
from complaints.models import Complaint, ComplaintCategory
from org.models import Unit
from zuofeng.duty.models import WarningLevel
from zuofeng.forms import FastSelect, textarea
from zuofeng.validation import TextField

# --- triage --------------------------------------------------------------------------------


class TriageForm(forms.Form):
    category = forms.ModelChoiceField(
        label="举报类别", queryset=ComplaintCategory.objects.none(), empty_label=None
    )
    unit = UnitChoiceField(label="被举报单位", required=False)
    subject_is_head = forms.BooleanField(label="被举报人是该单位一把手", required=False)
    note = TextField(label="分办意见（内部）", required=False, max_length=1000, widget=textarea(2))

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        if complaint is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "category": complaint.category_id or complaint.suggested_category_id,
                "unit": complaint.unit.code if complaint.unit else None,
                "subject_is_head": complaint.subject_is_head,
            }
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()


# --- the handling unit's steps ----------------------------------------------------------------


class RespondForm(forms.Form):
    note = TextField(
        label="响应说明（内部）",
        max_length=1000,
        widget=textarea(2, placeholder="如：已安排专人核查，联系窗口负责人了解情况"),
    )


class AnswerForm(forms.Form):
    text = TextField(
        label="答复内容（举报人凭回执可见，勿写举报人个人信息）",
        max_length=2000,
        widget=textarea(5),
    )


class CallbackForm(forms.Form):
    result = forms.ChoiceField(label="回访结果", choices=Complaint.Callback.choices)
    note = TextField(label="回访说明", required=False, max_length=1000, widget=textarea(2))


class CloseForm(forms.Form):
    reason = TextField(label="办结理由", max_length=1000, widget=textarea(2))


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看理由（必填，将记入审计日志）",
        max_length=500,
        widget=textarea(2, placeholder="如：核实举报事实，需要联系举报人补充证据"),
        error_messages={"required": "必须填写查看举报人身份的理由"},
    )
    confirm = forms.BooleanField(
        label="我确认查看举报人身份是工作必需，并对身份信息严格保密",
        error_messages={"required": "请勾选确认"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("必须填写查看举报人身份的理由")
        return reason


# --- list filters ------------------------------------------------------------------------------


STATUS_OPEN, STATUS_ALL = "open", "all"


class QueueFilterForm(forms.Form):
    """The list's GET filters. Unknown or malformed values are reported, then ignored.

    `level` is also what duty notifications link with (DutyKind.list_url_name); `month`,
    `measure` and `part` are the three rates' drill-down and come from links only.
    """

    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[(STATUS_OPEN, "未办结"), (STATUS_ALL, "全部"), *Complaint.Status.choices],
        widget=FastSelect,
    )
    level = forms.ChoiceField(
        label="预警",
        required=False,
        choices=[("", "全部预警"), *WarningLevel.choices],
        widget=FastSelect,
    )
    category = forms.ModelChoiceField(
        label="类别",
        required=False,
        queryset=ComplaintCategory.objects.none(),
        empty_label="全部类别",
        widget=FastSelect,
    )
    unit = forms.ModelChoiceField(
        label="承办单位",
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label="全部单位",
        widget=FastSelect,
    )
    month = forms.RegexField(
        required=False, regex=r"^\d{4}-\d{2}$", widget=forms.HiddenInput, max_length=7
    )
    measure = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    part = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args: Any, several_units: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()
        if several_units:
            self.fields["unit"].queryset = Unit.objects.order_by("sort_order", "code")
        else:
            del self.fields["unit"]


# --- triage at hotline scale -------------------------------------------------------------------

BAND_HIGH, BAND_MIDDLE, BAND_LOW = "high", "middle", "low"
UNIT_NONE = "none"  # the channel named no unit: triage must choose one


class TriageFilterForm(forms.Form):
    """The triage queue's GET filters; malformed values are ignored."""

    channel = forms.ChoiceField(
        label="渠道", required=False, choices=[("", "全部渠道"), *Complaint.Channel.choices]
    )
    category = forms.ModelChoiceField(
        label="建议类别",
        required=False,
        queryset=ComplaintCategory.objects.none(),
        empty_label="全部类别",
    )
    band = forms.ChoiceField(
        label="置信度",
        required=False,
        choices=[
            ("", "全部置信度"),
            (BAND_HIGH, "高（达到批量确认下限）"),
            (BAND_MIDDLE, "中（50% 至下限）"),
            (BAND_LOW, "低（50% 以下）"),
        ],
    )
    unit = forms.ChoiceField(label="被举报单位", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()
        self.fields["unit"].choices = [
            ("", "全部单位"),
            (UNIT_NONE, "未指明单位"),
            *Unit.objects.active().order_by("sort_order", "code").values_list("code", "name"),
        ]


class ThresholdForm(forms.Form):
    percent = forms.IntegerField(
        label="批量确认的置信度下限（%）",
        min_value=50,
        max_value=99,
        error_messages={
            "min_value": "置信度下限不能低于 50%%",
            "max_value": "置信度下限不能高于 99%%",
            "required": "请填写置信度下限",
            "invalid": "请填写 50 到 99 之间的整数",
        },
        widget=forms.NumberInput(attrs={"class": "input", "min": 50, "max": 99}),
    )
    reason = TextField(label="修改理由", required=False, max_length=500, widget=textarea(2))


class BulkConfirmForm(forms.Form):
    """The confirmation step's hidden list: exactly the complaints the office was shown."""

    ids = forms.RegexField(regex=r"^\d+(,\d+)*$", max_length=200_000, widget=forms.HiddenInput)

    def id_list(self) -> list[int]:
        return [int(part) for part in self.cleaned_data["ids"].split(",")]
