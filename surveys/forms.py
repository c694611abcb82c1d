"""The office's forms: a survey's details, one question (every kind of spec.py), a quota, a
token batch, an XLSForm upload."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from surveys.models import Survey
from surveys.spec import (
    APPEARANCE_LABELS,
    KIND_LABELS,
    ChoiceSpec,
    FormSpec,
    Kind,
    QuestionSpec,
    SpecError,
)
from zuofeng.forms import text_input, textarea
from zuofeng.validation import TextField

LIKERT_DEFAULT = ["很不满意", "不满意", "一般", "满意", "很满意"]


class SurveyForm(forms.Form):
    title = TextField(label="问卷标题", max_length=100, widget=text_input())
    description = TextField(
        label="说明（显示在问卷开头）", required=False, widget=textarea(3), max_length=2000
    )
    audience = forms.ChoiceField(
        label="调查对象",
        choices=Survey.Audience.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )
    allow_link = forms.BooleanField(label="公开链接和二维码作答（任何人可填）", required=False)
    allow_tokens = forms.BooleanField(
        label="一次性答题码作答（打印答题纸发放，每码只能提交一次）", required=False
    )


def _choice_lines(text: str, what: str) -> list[ChoiceSpec]:
    """ "代码=文字" per line; a line without "=" gets its number as code (1, 2, 3 ...)."""
    items: list[ChoiceSpec] = []
    for number, line in enumerate((ln.strip() for ln in text.splitlines() if ln.strip()), 1):
        if "=" in line:
            code, label = (part.strip() for part in line.split("=", 1))
        else:
            code, label = str(number), line
        if what == "矩阵行" and code.isdigit():
            code = f"row{code}"
        items.append(ChoiceSpec(code, label))
    return items


def choice_text(items: list[ChoiceSpec]) -> str:
    return "\n".join(f"{c.name}={c.label}" for c in items)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=list(KIND_LABELS.items()))
    name = forms.CharField(
        label="题目代码",
        max_length=64,
        widget=text_input(),
        help_text="英文字母开头，只用字母、数字和下划线，如 q1、satisfaction；导出数据时作为列名。",
    )
    label = TextField(label="题目", max_length=500, widget=textarea(2))
    hint = TextField(label="填写提示", required=False, max_length=500, widget=text_input())
    choices = TextField(
        label="选项（每行一个，可写成“代码=文字”）",
        required=False,
        widget=textarea(5),
        help_text="单选、多选、量表、矩阵（列）、排序题需要。量表题留空则用五级满意度。",
    )
    other = forms.BooleanField(label="增加“其他（请注明）”选项", required=False)
    rows = TextField(
        label="矩阵行（每行一个，可写成“代码=文字”）",
        required=False,
        widget=textarea(4),
        help_text="仅矩阵题：每一行是一个评价项目。",
    )
    required = forms.BooleanField(label="必答", required=False)
    required_message = TextField(
        label="未答时的提示", required=False, max_length=200, widget=text_input()
    )
    show_if_question = forms.ChoiceField(label="仅当此题", required=False, choices=[])
    show_if_value = TextField(
        label="的答案为（选项代码）", required=False, max_length=64, widget=text_input()
    )
    relevant = TextField(
        label="显示条件（XLSForm 表达式，高级）",
        required=False,
        max_length=500,
        widget=text_input(),
        help_text="如 ${visited} = 'yes'；填写后优先于上面的简易条件。",
    )
    constraint = TextField(
        label="答案约束（XLSForm 表达式）",
        required=False,
        max_length=500,
        widget=text_input(),
        help_text="“.”代表本题答案，如 . >= 0 and . <= 120。",
    )
    constraint_message = TextField(
        label="不符合约束时的提示", required=False, max_length=200, widget=text_input()
    )
    appearance = forms.ChoiceField(
        label="显示样式",
        required=False,
        choices=[("", "默认"), *APPEARANCE_LABELS.items()],
    )

    def __init__(self, *args: Any, spec: FormSpec, editing: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.editing = editing
        self.fields["show_if_question"].choices = [("", "（总是显示）")] + [
            (q.name, f"{q.name}：{q.label[:20]}")
            for q in spec.questions
            if q.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT) and q.name != editing
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")

    @classmethod
    def initial_for(cls, q: QuestionSpec) -> dict[str, Any]:
        data = {
            "kind": q.kind,
            "name": q.name,
            "label": q.label,
            "hint": q.hint,
            "choices": choice_text(q.choices),
            "other": q.other,
            "rows": choice_text(q.rows),
            "required": q.required,
            "required_message": q.required_message,
            "relevant": q.relevant,
            "constraint": q.constraint,
            "constraint_message": q.constraint_message,
            "appearance": q.appearance,
        }
        simple = re.fullmatch(r"\$\{([^}]+)\}\s*=\s*'([^']*)'", q.relevant.strip())
        if simple:
            data.update(show_if_question=simple[1], show_if_value=simple[2], relevant="")
        return data

    def question(self) -> QuestionSpec:
        """The QuestionSpec the form describes (after is_valid)."""
        data = self.cleaned_data
        kind = data["kind"]
        choices = _choice_lines(data.get("choices", ""), "选项")
        if kind == Kind.LIKERT and not choices:
            choices = [ChoiceSpec(str(i), label) for i, label in enumerate(LIKERT_DEFAULT, 1)]
        relevant = data.get("relevant", "").strip()
        target = data.get("show_if_question")
        if not relevant and target:
            value = data.get("show_if_value", "").strip().replace("'", "")
            kind_of_target = self.spec.question(target).kind
            relevant = (
                f"selected(${{{target}}}, '{value}')"
                if kind_of_target == Kind.MULTIPLE
                else f"${{{target}}} = '{value}'"
            )
        constraint = data.get("constraint", "").strip()
        required = bool(data.get("required"))
        return QuestionSpec(
            name=data["name"].strip(),
            kind=kind,
            label=data["label"],
            hint=data.get("hint", ""),
            required=required,
            required_message=data.get("required_message", "") if required else "",
            constraint=constraint,
            constraint_message=data.get("constraint_message", "") if constraint else "",
            relevant=relevant,
            choices=choices
            if kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT, Kind.MATRIX, Kind.RANKING)
            else [],
            other=bool(data.get("other")) and kind in (Kind.SINGLE, Kind.MULTIPLE),
            rows=_choice_lines(data.get("rows", ""), "矩阵行") if kind == Kind.MATRIX else [],
            appearance=data.get("appearance", "") or "",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        target = data.get("show_if_question")
        if target and not data.get("relevant") and not data.get("show_if_value", "").strip():
            self.add_error("show_if_value", "请填写该题的选项代码")
        return data


class QuotaForm(forms.Form):
    target = forms.ChoiceField(label="题目和选项", choices=[])
    cap = forms.IntegerField(
        label="最多收取答卷数",
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )
    message = TextField(
        label="额满提示",
        required=False,
        max_length=200,
        widget=text_input(placeholder="如：本村（社区）的答卷已收满，感谢参与"),
    )

    def __init__(self, *args: Any, spec: FormSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (f"{q.name}\t{c.name}", f"{q.label[:24]} — {c.label}")
            for q in spec.questions
            if q.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT)
            for c in q.all_choices()
        ]


class TokenBatchForm(forms.Form):
    size = forms.IntegerField(
        label="份数",
        min_value=1,
        max_value=2000,
        initial=20,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )
    label = TextField(
        label="用途",
        required=False,
        max_length=60,
        widget=text_input(placeholder="如：青石镇企业座谈会"),
    )
    per_page = forms.TypedChoiceField(
        label="每页张数", coerce=int, choices=[(4, "4"), (6, "6"), (8, "8")], initial=6
    )


class ProblemForm(forms.Form):
    """A free-text answer handed to a unit as a problem on the clock (problems app)."""

    unit = forms.ModelChoiceField(label="责任单位", queryset=None, empty_label="请选择")
    title = TextField(label="问题", max_length=100, widget=text_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from org.models import Unit

        self.fields["unit"].queryset = Unit.objects.active().exclude(
            kind__in=[Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE]
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="XLSForm 表格（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "file-input"}),
    )


__all__ = [
    "ImportForm",
    "ProblemForm",
    "QuestionForm",
    "QuotaForm",
    "SpecError",
    "SurveyForm",
    "TokenBatchForm",
]
