"""The office's entry of complaints that reached it on paper or in person."""

from __future__ import annotations

from django import forms

from complaints.form_fields import UnitChoiceField
from complaints.identity import Identity
from complaints.models import Complaint
from zuofeng.forms import MultipleFileField, date_input, text_input, textarea
from zuofeng.validation import TextField

STAFF_ENTRY_CHANNELS = [
    (choice.value, choice.label)
    for choice in (
        Complaint.Channel.LETTER,
        Complaint.Channel.VISIT,
        Complaint.Channel.FORUM,
        Complaint.Channel.SURVEY,
    )
]


class StaffFileForm(forms.Form):
    """来信、来访、座谈、问卷: the office enters what reached it on paper or in person."""

    channel = forms.ChoiceField(label="渠道", choices=STAFF_ENTRY_CHANNELS)
    text = TextField(label="举报内容", widget=textarea(6))
    unit = UnitChoiceField(label="被举报单位（不清楚可不选，分办时确定）", required=False)
    subject_name = TextField(
        label="被举报干部（可选）", required=False, max_length=60, widget=text_input()
    )
    place = TextField(label="地点（可选）", required=False, max_length=200, widget=text_input())
    occurred_on = forms.DateField(
        label="发生日期（可选）",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "日期格式不正确，请按 年-月-日 填写"},
    )
    name = TextField(
        label="举报人姓名（可选，匿名可不填）", required=False, max_length=40, widget=text_input()
    )
    phone = TextField(label="联系电话（可选）", required=False, max_length=20, widget=text_input())
    id_number = TextField(
        label="身份证号（可选）", required=False, max_length=18, widget=text_input()
    )
    contact = TextField(
        label="其他联系方式（可选）", required=False, max_length=200, widget=text_input()
    )
    files = MultipleFileField(label="附件（可选，可多选）", required=False)

    IDENTITY_FIELDS = ("name", "phone", "id_number", "contact")

    def identity(self) -> Identity:
        return Identity(**{key: self.cleaned_data.get(key) or "" for key in self.IDENTITY_FIELDS})
