"""Forms of the supervision pages (the actions check the rules; forms only parse input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from org.models import Unit
from supervision.models import Directive, Task
from zuofeng.forms import MultipleFileField, text_input, textarea
from zuofeng.uploads import upload_help

DATE = forms.DateInput(attrs={"class": "input", "type": "date"}, format="%Y-%m-%d")


def plain(value: Any) -> str:
    """A stored amount without trailing zeros (100.00 → 100, 2.50 → 2.5)."""
    return f"{Decimal(value or 0).normalize():f}"


def units() -> Any:
    return Unit.objects.order_by("code")


class DirectiveForm(forms.Form):
    title = forms.CharField(label="决策部署名称", max_length=200, widget=text_input())
    source = forms.CharField(label="来源（会议或文号）", max_length=200, widget=text_input())
    issued_on = forms.DateField(label="日期", widget=DATE)
    leader = forms.CharField(label="牵头领导", max_length=60, widget=text_input())
    summary = forms.CharField(label="内容摘要", widget=textarea(5))
    cadence = forms.ChoiceField(label="报送频次", choices=Directive.Cadence.choices)
    report_fields = forms.CharField(
        label="报送字段",
        required=False,
        widget=text_input(),
        help_text="除进展情况外每次报送须填写的字段，用逗号分隔，最多 5 项（减轻基层填报负担）",
    )
    public = forms.BooleanField(
        label="向社会公开（公开任务、核实进度和督办牌，不公开报送内容）", required=False
    )
    attachments = MultipleFileField(label="附件", required=False, help_text=upload_help())


class TaskForm(forms.Form):
    title = forms.CharField(label="任务名称", max_length=200, widget=text_input())
    unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    assisting = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    deadline = forms.DateField(label="完成时限", widget=DATE)
    weight = forms.IntegerField(
        label="权重",
        min_value=1,
        max_value=100,
        help_text="同一上级下各任务权重合计须为 100",
        widget=forms.NumberInput(attrs={"class": "input"}),
    )
    kind = forms.ChoiceField(label="进度类型", choices=Task.Kind.choices, initial=Task.Kind.STATUS)
    target = forms.DecimalField(
        label="目标量（量化指标）",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )
    measure_unit = forms.CharField(
        label="计量单位", required=False, max_length=20, widget=text_input()
    )
    affects_residents = forms.BooleanField(
        label="涉及群众切身利益（销号须回访群众）", required=False
    )
    problem_text = forms.CharField(
        label="问题描述",
        required=False,
        widget=textarea(3),
        help_text="销号后 90 天内出现同类投诉时任务自动重新打开",
    )

    def __init__(self, *args: Any, siblings: list[Task] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units()
        self.fields["assisting"].queryset = units()
        self.siblings = list(siblings)
        for sibling in self.siblings:
            self.fields[f"weight_{sibling.pk}"] = forms.IntegerField(
                label=f"“{sibling.title}”的权重",
                min_value=1,
                max_value=100,
                initial=sibling.weight,
                widget=forms.NumberInput(attrs={"class": "input"}),
            )

    def sibling_weights(self) -> dict[int, int] | None:
        if not self.siblings:
            return None
        return {s.pk: self.cleaned_data[f"weight_{s.pk}"] for s in self.siblings}


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点名称", max_length=200, widget=text_input())
    due_on = forms.DateField(label="计划完成", widget=DATE)
    weight = forms.IntegerField(
        label="节点权重",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )


class WeightsForm(forms.Form):
    reason = forms.CharField(label="调整原因", widget=textarea(2))

    def __init__(self, *args: Any, siblings: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.siblings = siblings
        for sibling in siblings:
            self.fields[f"weight_{sibling.pk}"] = forms.IntegerField(
                label=sibling.title,
                min_value=1,
                max_value=100,
                initial=sibling.weight,
                widget=forms.NumberInput(attrs={"class": "input"}),
            )

    def weights(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"weight_{s.pk}"] for s in self.siblings}


class ReportForm(forms.Form):
    text = forms.CharField(
        label="进展情况", widget=textarea(6), help_text="写清做了什么、在哪里、数量和时间"
    )
    links = forms.CharField(
        label="佐证记录",
        required=False,
        widget=text_input(),
        help_text="本单位已办结的办件或举报编号，用逗号分隔",
    )
    attachments = MultipleFileField(label="佐证材料", required=False, help_text=upload_help())

    def __init__(self, *args: Any, task: Task, prefill: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        if prefill.get("suggested_links"):
            self.fields["links"].help_text += "。本单位近期办结、可引用：" + "、".join(
                prefill["suggested_links"]
            )
        if task.kind == Task.Kind.QUANTITATIVE:
            self.fields["amount"] = forms.DecimalField(
                label=f"本期完成量（{task.measure_unit or '单位'}）",
                min_value=0,
                help_text=(
                    f"已核实累计 {plain(prefill['verified_amount'])} / 目标 {plain(task.target)}"
                ),
                widget=forms.NumberInput(attrs={"class": "input"}),
            )
        elif task.kind == Task.Kind.MILESTONES:
            self.fields["milestones_done"] = forms.MultipleChoiceField(
                label="本期完成的节点",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (m.pk, f"{m.title}（计划 {m.due_on:%Y-%m-%d}，权重 {m.weight}）")
                    for m in prefill["milestones_due"]
                ],
            )
        else:
            self.fields["state"] = forms.ChoiceField(
                label="当前状态", choices=Task.State.choices, initial=prefill["state"]
            )
        for name in task.directive.report_fields:
            self.fields[f"field_{name}"] = forms.CharField(
                label=name,
                required=False,
                max_length=200,
                widget=text_input(),
                initial=prefill["field_values"].get(name, ""),
            )

    def field_values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"field_{name}", "")
            for name in self.task.directive.report_fields
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=textarea(2))


class CloseRequestForm(forms.Form):
    evidence = forms.CharField(label="销号依据", widget=textarea(4))
    attachments = MultipleFileField(label="佐证材料", required=True, help_text=upload_help())


class CloseForm(forms.Form):
    callback_note = forms.CharField(label="群众回访情况", required=False, widget=textarea(3))
