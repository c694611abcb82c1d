"""The visit pages' forms. The log form is for a phone on the road: fixed rows (three kinds of
counterpart, three problems) instead of script-added ones, so it works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from org.models import Unit
from visits.actions import (
    NEED_COUNTERPART,
    NEED_PROBLEM_OR_REASON,
    REVISABLE,
    CounterpartInput,
    ProblemInput,
    local_moment,
)
from visits.models import Counterpart, Site, Visit
from zuofeng.forms import FastSelect, MultipleFileField, MultipleFileInput, date_input, text_input
from zuofeng.forms import textarea as _textarea
from zuofeng.validation import TextField

COUNTERPART_ROWS = 3
PROBLEM_ROWS = 3
TIME_ATTRS = {
    "placeholder": "如 09:30",
    "pattern": r"\d{1,2}:\d{2}",
    "title": "请按 时:分 填写，如 09:30",
    "inputmode": "numeric",
    "autocomplete": "off",
}


def textarea(rows: int = 3) -> forms.Textarea:
    return _textarea(rows)


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"class": "input", **TIME_ATTRS}, format="%H:%M")


def serving_units() -> Any:
    return Unit.objects.active().filter(
        kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET]
    )


class VisitForm(forms.Form):
    site_kind = forms.ChoiceField(label="地点类型", choices=Site.Kind.choices, widget=FastSelect())
    site_name = TextField(
        label="地点名称",
        max_length=100,
        widget=text_input(list="site-names", placeholder="如 柳塘村、幸福社区、某某公司"),
    )
    latitude = forms.DecimalField(
        label="纬度（选填）", required=False, max_digits=9, decimal_places=6,
        min_value=-90, max_value=90, widget=text_input(inputmode="decimal"),
    )  # fmt: skip
    longitude = forms.DecimalField(
        label="经度（选填）", required=False, max_digits=9, decimal_places=6,
        min_value=-180, max_value=180, widget=text_input(inputmode="decimal"),
    )  # fmt: skip
    kind = forms.ChoiceField(label="走访类型", choices=Visit.Kind.choices, widget=FastSelect())
    unannounced = forms.BooleanField(label="四不两直（未提前通知被走访对象）", required=False)
    day = forms.DateField(label="走访日期", widget=date_input())
    start = forms.TimeField(label="开始时间", widget=time_input())
    end = forms.TimeField(label="结束时间", widget=time_input())
    companions = forms.ModelMultipleChoiceField(
        label="同行人员（选填）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    learned = TextField(
        label="了解到的情况",
        max_length=3000,
        widget=textarea(5),
        help_text="写清和谁谈了什么、看到了什么；不同的走访请分别如实记录",
    )
    no_problem_reason = TextField(
        label="未发现问题的说明",
        required=False,
        max_length=500,
        widget=textarea(2),
        help_text="没有登记问题时必填：为什么这次没有发现问题",
    )
    photos = MultipleFileField(
        label="现场照片（选填，最多 9 张）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, cadre: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["companions"].queryset = (
            User.objects.filter(staff__unit=unit, is_active=True)
            .exclude(pk=cadre.pk)
            .order_by("last_name", "first_name", "username")
        )
        self.fields["companions"].label_from_instance = lambda u: u.get_full_name() or u.username
        kinds = [("", "—"), *list(Counterpart.Kind.choices)]
        for i in range(1, COUNTERPART_ROWS + 1):
            self.fields[f"cp{i}_kind"] = forms.ChoiceField(
                label=f"交谈对象{i}", choices=kinds, required=False,
                widget=FastSelect(),
            )  # fmt: skip
            self.fields[f"cp{i}_count"] = forms.IntegerField(
                label="人数", required=False, min_value=0, max_value=999,
                widget=forms.NumberInput(attrs={"class": "input", "inputmode": "numeric"}),
            )  # fmt: skip
            self.fields[f"cp{i}_name"] = TextField(
                label="联系人（选填）", required=False, max_length=40, widget=text_input()
            )
            self.fields[f"cp{i}_phone"] = TextField(
                label="联系电话（选填）", required=False, max_length=20,
                widget=text_input(inputmode="tel"),
            )  # fmt: skip
        units = [("", "—")] + [(str(u.pk), u.name) for u in serving_units()]
        raisers = [("", "无（由督查室核实）")] + [
            (str(i), f"交谈对象{i}的联系人") for i in range(1, COUNTERPART_ROWS + 1)
        ]
        for i in range(1, PROBLEM_ROWS + 1):
            self.fields[f"pb{i}_title"] = TextField(
                label=f"问题{i}", required=False, max_length=120, widget=text_input()
            )
            self.fields[f"pb{i}_description"] = TextField(
                label="具体情况", required=False, max_length=2000, widget=textarea(2)
            )
            self.fields[f"pb{i}_unit"] = forms.ChoiceField(
                label="交办单位", choices=units, required=False,
                initial=str(unit.pk), widget=FastSelect(),
            )  # fmt: skip
            self.fields[f"pb{i}_raiser"] = forms.ChoiceField(
                label="反映人（用于回访）", choices=raisers, required=False,
                widget=FastSelect(),
            )  # fmt: skip

    def counterpart_rows(self) -> list[list[Any]]:
        return [
            [self[f"cp{i}_{part}"] for part in ("kind", "count", "name", "phone")]
            for i in range(1, COUNTERPART_ROWS + 1)
        ]

    def problem_rows(self) -> list[list[Any]]:
        return [
            [self[f"pb{i}_{part}"] for part in ("title", "description", "unit", "raiser")]
            for i in range(1, PROBLEM_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        counterparts: list[CounterpartInput] = []
        row_of: dict[int, int] = {}  # form row → index in counterparts
        for i in range(1, COUNTERPART_ROWS + 1):
            kind, count = data.get(f"cp{i}_kind"), data.get(f"cp{i}_count")
            contact = data.get(f"cp{i}_name") or data.get(f"cp{i}_phone")
            if not kind and not count and not contact:
                continue
            if not kind or not count:
                self.add_error(f"cp{i}_count", f"交谈对象{i}：请同时选择类型并填写人数")
                continue
            row_of[i] = len(counterparts)
            counterparts.append(
                CounterpartInput(
                    kind, count, data.get(f"cp{i}_name") or "", data.get(f"cp{i}_phone") or ""
                )
            )
        problems: list[ProblemInput] = []
        units = {str(u.pk): u for u in serving_units()}
        for i in range(1, PROBLEM_ROWS + 1):
            title, description = data.get(f"pb{i}_title"), data.get(f"pb{i}_description")
            if not title and not description:
                continue
            if not title or not description:
                self.add_error(f"pb{i}_title", f"问题{i}：请同时填写问题和具体情况")
                continue
            unit = units.get(data.get(f"pb{i}_unit") or "")
            if unit is None:
                self.add_error(f"pb{i}_unit", f"问题{i}：请选择交办单位")
                continue
            raiser = data.get(f"pb{i}_raiser") or ""
            index = None
            if raiser:
                index = row_of.get(int(raiser))
                cp = counterparts[index] if index is not None else None
                if cp is None or not (cp.name or cp.phone):
                    self.add_error(
                        f"pb{i}_raiser", f"问题{i}：交谈对象{raiser}没有留下联系人或电话"
                    )
                    continue
            problems.append(ProblemInput(title, description, unit, index))
        data["counterparts"] = counterparts
        data["problems"] = problems
        # The action says the same; saying it here too shows it with the form's other errors.
        if not counterparts and "cp1_count" not in self.errors:
            self.add_error("cp1_kind", NEED_COUNTERPART)
        if (
            not problems
            and not data.get("no_problem_reason")
            and not self.errors.keys()
            & {
                f"pb{i}_{part}"
                for i in range(1, PROBLEM_ROWS + 1)
                for part in ("title", "unit", "raiser")
            }
        ):
            self.add_error("no_problem_reason", NEED_PROBLEM_OR_REASON)
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["started_at"] = local_moment(day, start)
            data["ended_at"] = local_moment(day, end)
        return data

    def action_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "site_kind": d["site_kind"],
            "site_name": d["site_name"],
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
            "kind": d["kind"],
            "unannounced": d.get("unannounced", False),
            "started_at": d["started_at"],
            "ended_at": d["ended_at"],
            "learned": d["learned"],
            "no_problem_reason": d.get("no_problem_reason", ""),
            "counterparts": d["counterparts"],
            "problems": d["problems"],
            "companions": list(d.get("companions") or []),
            "photos": d.get("photos") or [],
        }


# Where an action's errors go in the form (actions name fields by key or Chinese label).
ERROR_FIELDS = {
    "counterparts": "cp1_kind",
    "problems": "pb1_title",
    "started_at": "start",
    "ended_at": "end",
    "地点名称": "site_name",
    "了解到的情况": "learned",
    "未发现问题的说明": "no_problem_reason",
}


class ReviseForm(forms.Form):
    kind = forms.ChoiceField(label="走访类型", choices=Visit.Kind.choices, widget=FastSelect())
    unannounced = forms.BooleanField(label="四不两直（未提前通知被走访对象）", required=False)
    day = forms.DateField(label="走访日期", widget=date_input())
    start = forms.TimeField(label="开始时间", widget=time_input())
    end = forms.TimeField(label="结束时间", widget=time_input())
    learned = TextField(label="了解到的情况", max_length=3000, widget=textarea(5))
    no_problem_reason = TextField(
        label="未发现问题的说明", required=False, max_length=500, widget=textarea(2)
    )
    reason = TextField(
        label="修改理由",
        max_length=500,
        widget=textarea(2),
        help_text="原记录不会被覆盖：修改作为新版本追加，页面显示全部历史",
    )

    @classmethod
    def initial_for(cls, visit: Visit) -> dict[str, Any]:
        from zuofeng.workdays.calendar import LOCAL_TZ

        start, end = visit.started_at.astimezone(LOCAL_TZ), visit.ended_at.astimezone(LOCAL_TZ)
        return {
            "kind": visit.kind,
            "unannounced": visit.unannounced,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "learned": visit.learned,
            "no_problem_reason": visit.no_problem_reason,
        }

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        values = {name: d.get(name) for name in REVISABLE if name in d}
        values["started_at"] = local_moment(d["day"], d["start"])
        values["ended_at"] = local_moment(d["day"], d["end"])
        values["no_problem_reason"] = d.get("no_problem_reason") or ""
        return values


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "确认"), ("dismiss", "排除")])
    reason = TextField(label="复核意见", max_length=500)


class FilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位",
        widget=forms.Select(),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部类型"), *Visit.Kind.choices], required=False,
        widget=forms.Select(),
    )  # fmt: skip
    flagged = forms.ChoiceField(
        label="疑点",
        choices=[("", "全部"), ("open", "有待复核疑点"), ("any", "有疑点")],
        required=False,
        widget=forms.Select(),
    )
    start = forms.DateField(label="起", required=False, widget=date_input())
    end = forms.DateField(label="止", required=False, widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = serving_units()


class PlanForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label="领导干部", queryset=User.objects.none(),
        widget=forms.Select(),
    )  # fmt: skip
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    planned_days = forms.IntegerField(label="计划走访天数", min_value=1, max_value=366)
    note = TextField(label="说明（选填）", required=False, max_length=200, widget=text_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = leading_cadres()
        self.fields["cadre"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}（{u.staff.unit.short_name or u.staff.unit.name}）"
        )
        for name in ("year", "planned_days"):
            self.fields[name].widget.attrs.update({"class": "input", "inputmode": "numeric"})


def leading_cadres() -> Any:
    """The heads (一把手) of the serving units: the leading cadres an annual plan is set for."""
    return (
        User.objects.filter(headed_units__in=serving_units())
        .select_related("staff__unit")
        .order_by("staff__unit__sort_order", "staff__unit__code")
        .distinct()
    )


class SitesForm(forms.Form):
    kind = forms.ChoiceField(label="地点类型", choices=Site.Kind.choices, widget=FastSelect())
    names = TextField(
        label="地点名称（每行一个）",
        max_length=20000,
        widget=textarea(5),
        help_text="登记本单位辖区或联系的村、社区、企业等；从未走访的地点也请登记，便于发现“只去示范点”",
    )
