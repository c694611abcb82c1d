"""Forms of the problem pages. Each text field checks with the rules the actions apply
(`zuofeng.validation.plain_text`); the actions check again, and their errors land next to
the field they name (`FIELD_NAMES`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from complaints.identity import Identity
from complaints.models import ComplaintCategory
from org.models import Unit
from problems import actions
from problems.models import Problem
from zuofeng.forms import text_input, textarea
from zuofeng.validation import PHONE_PATTERN, TextField, plain_text

# The Chinese labels the actions name their errors by, mapped to the form fields.
FIELD_NAMES = {
    "问题": "title",
    "具体情况": "description",
    "责任单位": "unit",
    "办理时限": "deadline_workdays",
    "姓名": "raiser_name",
    "联系电话": "raiser_phone",
    "其他联系方式": "raiser_contact",
    "办理情况": "report",
    "回访结果": "result",
    "回访说明": "note",
    "核实结果": "result",
    "核实情况": "note",
    "改交原因": "reason",
}

MAX_DEADLINE_WORKDAYS = 120


def _checked(value: str, label: str, max_chars: int, *, required: bool = True) -> str:
    try:
        return plain_text(value, label, max_chars, required=required)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def unit_field(label: str = "责任单位") -> UnitField:
    return UnitField(
        label=label,
        queryset=Unit.objects.active().order_by("name"),
        empty_label="请选择单位",
        error_messages={
            "required": f"请选择{label}",
            "invalid_choice": "所选单位不存在或已撤销，请重新选择",
        },
    )


class NewProblemForm(forms.Form):
    """A problem raised at a visit, a forum or a survey, with its owner unit and (optionally)
    who raised it, for the callback. `open(actor, source)` calls `open_problem`."""

    title = TextField(
        label="问题",
        max_length=actions.TITLE_MAX,
        widget=text_input(
            maxlength=actions.TITLE_MAX, placeholder="一句话概括，如：老旧小区路灯长期不亮"
        ),
        error_messages={"required": "请填写问题概要"},
    )
    description = TextField(
        label="具体情况",
        widget=textarea(4, placeholder="群众怎么说的：在哪里、什么情况、持续多久、希望怎么解决"),
        error_messages={"required": "请填写问题的具体情况"},
    )
    unit = unit_field()
    deadline_workdays = forms.IntegerField(
        label="办理时限（工作日）",
        required=False,
        min_value=1,
        max_value=MAX_DEADLINE_WORKDAYS,
        widget=forms.NumberInput(attrs={"class": "input", "min": 1, "max": MAX_DEADLINE_WORKDAYS}),
        help_text="不填按全区统一时限；节假日不计",
        error_messages={
            "invalid": "办理时限请填写整数",
            "min_value": "办理时限至少 1 个工作日",
            "max_value": f"办理时限不能超过 {MAX_DEADLINE_WORKDAYS} 个工作日",
        },
    )
    raiser_name = TextField(
        label="反映人姓名",
        required=False,
        widget=text_input(maxlength=40, autocomplete="off"),
        help_text="选填。反映人的联系方式加密保存，只用于督查室回访，责任单位看不到",
    )
    raiser_phone = TextField(
        label="反映人电话",
        required=False,
        widget=text_input(maxlength=20, autocomplete="off", inputmode="tel"),
        help_text="选填。不留联系方式的，问题办理后由督查室核实",
    )

    def clean_title(self) -> str:
        return _checked(self.cleaned_data.get("title", ""), "问题", actions.TITLE_MAX)

    def clean_description(self) -> str:
        return _checked(self.cleaned_data.get("description", ""), "具体情况", actions.TEXT_MAX)

    def clean_raiser_name(self) -> str:
        return _checked(self.cleaned_data.get("raiser_name", ""), "姓名", 40, required=False)

    def clean_raiser_phone(self) -> str:
        phone = "".join(self.cleaned_data.get("raiser_phone", "").split())
        if phone and not PHONE_PATTERN.fullmatch(phone):
            raise ValidationError("联系电话格式不正确，请填写 11 位手机号或带区号的座机号")
        return phone

    def open(self, actor: Any, source: models.Model) -> tuple[Problem, str]:
        data = self.cleaned_data
        identity = Identity(name=data["raiser_name"], phone=data["raiser_phone"])
        return actions.open_problem(
            actor=actor,
            source=source,
            unit=data["unit"],
            title=data["title"],
            description=data["description"],
            raised_by=None if identity.is_empty else identity,
            deadline_workdays=data["deadline_workdays"],
        )


class ReportForm(forms.Form):
    report = TextField(
        label="办理情况",
        widget=textarea(5, placeholder="写明做了什么、结果如何、群众的问题是否已经解决"),
        help_text="提交后由督查室回访反映人，回访满意才算解决",
        error_messages={"required": "请填写办理情况"},
    )

    def clean_report(self) -> str:
        return _checked(self.cleaned_data.get("report", ""), "办理情况", actions.TEXT_MAX)


class CallbackForm(forms.Form):
    result = forms.ChoiceField(
        label="反映人对办理结果的评价",
        choices=[(value, Problem.Result(value).label) for value in Problem.CALLBACK_RESULTS],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择回访结果：满意、基本满意或不满意"},
    )
    note = TextField(
        label="回访说明",
        required=False,
        widget=textarea(3),
        help_text="不满意的必须写明还有什么没解决，问题将退回责任单位重新办理",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        required = data.get("result") == Problem.Result.DISSATISFIED
        try:
            data["note"] = plain_text(
                data.get("note", ""), "回访说明", actions.NOTE_MAX, required=required
            )
        except ValidationError:
            self.add_error(
                "note",
                "反映人不满意的，请写明还有什么没有解决"
                if required and not data.get("note")
                else "回访说明不能包含网页代码，且不能超过 500 字",
            )
        return data


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label="核实结果",
        choices=[(value, Problem.Result(value).label) for value in Problem.VERIFY_RESULTS],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核实结果：已解决或未解决"},
    )
    note = TextField(
        label="核实情况",
        widget=textarea(3, placeholder="如：反映人未留联系方式，现场查看路灯已修复"),
        help_text="写明为什么没有回访反映人（匿名、联系不上），以及怎样核实的",
        error_messages={"required": "请写明核实情况和未回访的原因"},
    )

    def clean_note(self) -> str:
        return _checked(self.cleaned_data.get("note", ""), "核实情况", actions.NOTE_MAX)


class ReclassifyForm(forms.Form):
    category = forms.ModelChoiceField(
        label="问题类别",
        queryset=ComplaintCategory.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": "请选择列表中的类别"},
    )


class TransferForm(forms.Form):
    unit = unit_field("改交单位")
    reason = TextField(
        label="改交原因",
        widget=textarea(2),
        error_messages={"required": "请写明改交原因"},
    )

    def clean_reason(self) -> str:
        return _checked(self.cleaned_data.get("reason", ""), "改交原因", actions.NOTE_MAX)


class FollowForm(forms.Form):
    code = TextField(
        label="查询码",
        max_length=64,
        help_text="反映问题时工作人员交给您的查询码，不区分大小写，短横线和空格可不输入",
        widget=text_input(
            autocomplete="off",
            autocapitalize="characters",
            spellcheck="false",
            placeholder="如 K7QM-4XTR-9HNC",
        ),
        error_messages={"required": "请输入查询码"},
    )
