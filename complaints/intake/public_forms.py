"""Forms of the public complaint pages: filing, following up with the receipt, the callback
and the request to reopen.

The rules a complaint must satisfy live in `complaints.intake.actions` (clean_fields,
clean_identity) and `zuofeng.uploads.check_upload`; the filing form runs the same checks
so that each error is shown next to its input and nothing is stored. The phone and ID
checks are the stricter ones of the online application (a mainland mobile or landline; an ID
with its check character), so a complainant who wants to be called back is reachable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints.identity import Identity
from complaints.intake import actions
from complaints.models import Complaint
from org.models import Unit
from zuofeng.forms import FastSelect, MultipleFileField, MultipleFileInput, date_input
from zuofeng.forms import add_action_errors as shared_add_action_errors
from zuofeng.uploads import FILE_ACCEPT, check_upload, upload_help
from zuofeng.validation import PHONE_PATTERN, TextField, resident_id_is_valid

MAX_ATTACHMENTS = 5

# The actions name the field of each error in Chinese; the form puts it next to its input.
ACTION_FIELDS = {
    "举报内容": "text",
    "地点": "place",
    "被举报干部": "subject_name",
    "被举报单位": "unit",
    "姓名": "name",
    "联系电话": "phone",
    "身份证号": "id_number",
    "其他联系方式": "contact",
    "回访结果": "result",
    "回访说明": "note",
    "不满意的原因": "reason",
}


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    shared_add_action_errors(form, exc, ACTION_FIELDS)


def _input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "input", **attrs})


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ComplaintForm(forms.Form):
    unit = UnitChoiceField(
        label="被举报单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="不清楚 / 不确定",
        help_text="不清楚是哪个单位也可以举报，工作人员会根据内容确定",
        widget=FastSelect(attrs={"id": "id_unit"}),
    )
    subject_name = TextField(
        label="被举报干部",
        required=False,
        help_text="选填：姓名、职务或工号，知道多少写多少",
        widget=_input(autocomplete="off", maxlength=60),
    )
    text = TextField(
        label="反映的问题",
        help_text="请写清楚发生了什么：办什么事、遇到了什么情况、工作人员怎么说怎么做",
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 6}),
        error_messages={"required": "必须填写反映的问题"},
    )
    place = TextField(
        label="发生地点",
        required=False,
        help_text="选填：如某窗口、某村委会、某路段",
        widget=_input(autocomplete="off", maxlength=200),
    )
    occurred_on = forms.DateField(
        label="发生日期",
        required=False,
        help_text="选填",
        widget=date_input(),
        error_messages={"invalid": "日期格式不正确，请按 年-月-日 填写"},
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text=f"选填，最多 {MAX_ATTACHMENTS} 个；每个为 " + upload_help(),
        widget=MultipleFileInput(attrs={"accept": FILE_ACCEPT}),
    )
    name = TextField(label="姓名", required=False, widget=_input(autocomplete="name", maxlength=40))
    phone = TextField(
        label="联系电话",
        required=False,
        help_text="填写后，承办单位答复时我们可以电话回访您",
        widget=_input(autocomplete="tel", inputmode="tel", maxlength=20),
    )
    id_number = TextField(
        label="身份证号", required=False, widget=_input(autocomplete="off", maxlength=18)
    )
    contact = TextField(
        label="其他联系方式",
        required=False,
        help_text="如邮箱、通信地址",
        widget=_input(autocomplete="off", maxlength=200),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.active().order_by("sort_order", "name")
        max_chars = int(settings.ZUOFENG["COMPLAINT_MAX_CHARS"])
        self.fields["text"].widget.attrs["maxlength"] = max_chars
        self.fields["text"].help_text += f"（不超过 {max_chars} 字）"

    def clean_phone(self) -> str:
        phone = "".join(self.cleaned_data["phone"].split())
        if phone and not PHONE_PATTERN.fullmatch(phone):
            raise ValidationError("请填写 11 位手机号码，或带区号的固定电话（如 010-12345678）")
        return phone

    def clean_id_number(self) -> str:
        number = "".join(self.cleaned_data["id_number"].split()).upper()
        if number and not resident_id_is_valid(number):
            raise ValidationError("身份证号码不正确：应为 18 位，请核对出生日期和最后一位")
        return number

    def clean_occurred_on(self) -> dt.date | None:
        day = self.cleaned_data["occurred_on"]
        if day is not None and day > timezone.localdate():
            raise ValidationError("发生日期不能晚于今天")
        if day is not None and day.year < 2000:
            raise ValidationError("发生日期不正确，请核对年份")
        return day

    def clean_attachments(self) -> list[Any]:
        uploads = self.cleaned_data["attachments"]
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(f"最多上传 {MAX_ATTACHMENTS} 个附件")
        errors = []
        for upload in uploads:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The actions' own checks (length, markup, archived unit), reported field by field.
        try:
            actions.clean_fields(
                text=data.get("text", ""),
                place=data.get("place", ""),
                subject_name=data.get("subject_name", ""),
                unit=data.get("unit"),
            )
        except ValidationError as exc:
            add_action_errors(self, exc)
        try:
            actions.clean_identity(self.identity())
        except ValidationError as exc:
            add_action_errors(self, exc)
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        return Identity(
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            id_number=data.get("id_number", ""),
            contact=data.get("contact", ""),
        )

    def filing(self) -> dict[str, Any]:
        """The keyword arguments of `actions.file_complaint` (but actor and channel)."""
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "subject_name": data["subject_name"],
            "text": data["text"],
            "place": data["place"],
            "occurred_on": data["occurred_on"],
            "identity": self.identity(),
            "attachments": data["attachments"],
        }


class FollowForm(forms.Form):
    number = TextField(
        label="举报编号",
        max_length=24,
        widget=_input(autocomplete="off", placeholder="如 JB20260302000123"),
    )
    code = TextField(
        label="查询码",
        max_length=64,
        help_text="提交举报时显示的查询码，不区分大小写，短横线和空格可不输入",
        widget=_input(
            autocomplete="off",
            autocapitalize="characters",
            spellcheck="false",
            placeholder="如 K7QM-4XTR-9HNC",
        ),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()


class CallbackForm(forms.Form):
    result = forms.ChoiceField(
        label="您对办理结果是否满意",
        choices=[
            (value, label)
            for value, label in Complaint.Callback.choices
            if value != Complaint.Callback.UNREACHABLE
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意"},
    )
    note = TextField(
        label="补充意见",
        required=False,
        help_text="选填",
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3, "maxlength": 1000}),
    )


class ReopenForm(forms.Form):
    reason = TextField(
        label="不满意的原因",
        help_text="请说明哪些问题没有解决，承办单位将重新办理（只能申请一次）",
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 4, "maxlength": 1000}),
        error_messages={"required": "必须填写不满意的原因"},
    )
