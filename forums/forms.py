"""The office's forum form: the kinds of participant are number fields (blank = none came),
plus one free kind, so a phone can fill it without adding rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from forums.actions import ATTENDEE_KINDS, MAX_ATTENDEES
from org.models import Unit
from problems.forms import unit_field
from zuofeng.forms import date_input, text_input, textarea
from zuofeng.validation import TextField, plain_text

FIELD_NAMES = {
    "座谈会主题": "title",
    "召开日期": "held_on",
    "地点": "place",
    "主持人": "host",
    "会议纪要": "minutes",
    "组织单位": "unit",
    "参会人员类别": "other_kind",
}


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_ATTENDEES,
        widget=forms.NumberInput(
            attrs={"class": "input", "min": 0, "max": MAX_ATTENDEES, "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": "人数请填写整数",
            "min_value": "人数不能为负数",
            "max_value": f"人数不能超过 {MAX_ATTENDEES}",
        },
    )


class ForumForm(forms.Form):
    title = TextField(
        label="座谈会主题",
        max_length=100,
        widget=text_input(maxlength=100, placeholder="如：青石镇营商环境企业座谈会"),
        error_messages={"required": "请填写座谈会主题"},
    )
    held_on = forms.DateField(
        label="召开日期",
        widget=date_input(),
        error_messages={
            "required": "请填写召开日期",
            "invalid": "日期格式应为 年-月-日，如 2026-12-03",
        },
    )
    place = TextField(
        label="地点",
        max_length=100,
        widget=text_input(maxlength=100),
        error_messages={"required": "请填写地点"},
    )
    unit = unit_field("组织单位")
    host = TextField(label="主持人", required=False, widget=text_input(maxlength=60))
    minutes = TextField(
        label="会议纪要",
        widget=textarea(8, placeholder="会议议程、与会人员发言要点、形成的意见"),
        help_text="不要写参会群众的姓名、电话等个人信息；群众反映的具体问题请在保存后逐条登记交办",
        error_messages={"required": "请填写会议纪要"},
    )
    other_kind = TextField(
        label="其他参会人员类别",
        required=False,
        widget=text_input(maxlength=30, placeholder="如：退休老干部"),
    )
    other_count = _count_field("其他参会人员人数")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One number field per offered kind, before the free kind.
        self.kind_names = [f"count_{i}" for i in range(len(ATTENDEE_KINDS))]
        fields = dict(self.fields)
        other = {name: fields.pop(name) for name in ("other_kind", "other_count")}
        for name, kind in zip(self.kind_names, ATTENDEE_KINDS, strict=True):
            fields[name] = _count_field(f"{kind}人数")
        fields.update(other)
        self.fields = fields

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in [*self.kind_names, "other_kind", "other_count"]]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "held_on", "place", "unit", "host", "minutes")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("other_kind", "")
        if data.get("other_count") and not kind:
            self.add_error("other_kind", "请写明其他参会人员的类别")
        if kind:
            try:
                data["other_kind"] = plain_text(kind, "参会人员类别", 30)
            except ValidationError as exc:
                self.add_error("other_kind", exc.messages)
        if not any(data.get(name) for name in [*self.kind_names, "other_count"]):
            raise ValidationError("请至少填写一类参会人员的人数")
        return data

    def attendance(self) -> dict[str, int | None]:
        data = self.cleaned_data
        counts: dict[str, int | None] = {
            kind: data.get(name) for name, kind in zip(self.kind_names, ATTENDEE_KINDS, strict=True)
        }
        if data.get("other_kind"):
            counts[data["other_kind"]] = data.get("other_count")
        return counts

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "held_on": data["held_on"],
            "place": data["place"],
            "unit": data["unit"],
            "host": data["host"],
            "minutes": data["minutes"],
            "attendance": self.attendance(),
        }

    @classmethod
    def for_user_unit(cls, unit: Unit | None) -> ForumForm:
        return cls(initial={"unit": unit.pk} if unit else None)
