"""Forms of the staff case pages. They only shape input: every rule about states and
permissions stays in `cases.actions`, whose errors the views map back onto these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.models import Case
from catalog.models import Matter
from org.models import Unit
from zuofeng.duty.models import WarningLevel
from zuofeng.forms import FastSelect, MultipleFileField, text_input, textarea


def named_files(uploads: list[Any], default_name: str) -> list[tuple[str, Any]]:
    """Pair each upload with a material name: the file name without its extension."""
    pairs = []
    for upload in uploads:
        stem = (upload.name or "").rsplit(".", 1)[0].strip()
        pairs.append((stem[:200] or default_name, upload))
    return pairs


# --- the case actions ---------------------------------------------------------------------


class AcceptForm(forms.Form):
    """受理 takes no input: the promised limit comes from the matter."""


class CloseForm(forms.Form):
    """归档 takes no input."""


class SupplementForm(forms.Form):
    materials = forms.CharField(
        label="需补正的全部材料",
        widget=textarea(4, placeholder="每行一项，一次列全"),
        max_length=5000,
        help_text="一次性告知：请把所有缺少或不符合要求的材料一次列全，每行一项。",
        error_messages={"required": "请列出需要补正的全部材料"},
    )
    note = forms.CharField(
        label="告知申请人的说明（申请人可见，印在一次性告知书上）",
        required=False,
        max_length=2000,
        widget=textarea(2, placeholder="如：租赁合同需加盖出租方公章"),
        help_text="申请人在“我的办件”和打印的一次性告知书上看到这段话，请勿写内部意见。",
    )
    internal_note = forms.CharField(
        label="内部备注（仅工作人员可见，不告知申请人）",
        required=False,
        max_length=2000,
        widget=textarea(2),
    )

    def clean_materials(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["materials"].splitlines()]
        materials = [line[:200] for line in lines if line]
        if not materials:
            raise ValidationError("请列出需要补正的全部材料")
        return materials


class SupplyForm(forms.Form):
    materials = forms.MultipleChoiceField(
        label="本次交齐的材料（逐项勾选）",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="全部告知材料交齐后，办件才继续办理。",
    )
    note = forms.CharField(
        label="说明（内部）",
        required=False,
        max_length=2000,
        widget=textarea(2, placeholder="如：申请人已在窗口当面提交原件，已核验"),
    )
    files = MultipleFileField(label="补正材料扫描件（可多选）", required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notice = case.supplement_requests.filter(supplied_at__isnull=True).first()
        outstanding = notice.outstanding_materials if notice else []
        self.fields["materials"].choices = [(m, m) for m in outstanding]
        if not outstanding:
            del self.fields["materials"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.setdefault("materials", [])
        if not data.get("files") and not data.get("materials"):
            if "materials" in self.fields:
                raise ValidationError("请勾选申请人已交齐的材料，或上传补正材料")
            if not (data.get("note") or "").strip():
                raise ValidationError("请上传补正材料或说明已当面提交")
        return data


class RefuseAcceptanceForm(forms.Form):
    reason = forms.CharField(label="不予受理理由", max_length=5000, widget=textarea(3))
    legal_basis = forms.CharField(label="法律依据", max_length=5000, widget=textarea(2))


class StepForm(forms.Form):
    note = forms.CharField(
        label="办理情况（内部）",
        max_length=5000,
        widget=textarea(3, placeholder="如：现场核查，经营场所与申报一致"),
    )
    public_note = forms.CharField(
        label="公开说明（申请人查询可见，勿写个人信息）",
        required=False,
        max_length=300,
        widget=text_input(),
    )


class DecideForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(
        choices=[(APPROVE, "准予"), (REFUSE, "不予许可")], widget=forms.HiddenInput
    )
    reason = forms.CharField(label="理由", required=False, max_length=5000, widget=textarea(3))
    legal_basis = forms.CharField(
        label="法律依据", required=False, max_length=5000, widget=textarea(2)
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == self.APPROVE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.REFUSE:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "不予许可必须写明理由")
            if not (data.get("legal_basis") or "").strip():
                self.add_error("legal_basis", "不予许可必须写明法律依据")
        return data


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        label="转至单位", queryset=Unit.objects.none(), empty_label="请选择单位"
    )
    reason = forms.CharField(
        label="转办理由",
        max_length=5000,
        widget=textarea(3, placeholder="为什么不属于本单位办理，应由哪个单位办理、依据是什么"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Units that handle the public's matters; the office and discipline do not take cases.
        self.fields["to_unit"].queryset = (
            Unit.objects.active()
            .exclude(pk=case.unit_id)
            .exclude(kind__in=[Unit.Kind.SUPERVISION, Unit.Kind.DISCIPLINE])
            .order_by("sort_order", "code")
        )


# --- the counter -------------------------------------------------------------------------


class CounterForm(forms.Form):
    matter = forms.ModelChoiceField(
        label="办理事项", queryset=Matter.objects.none(), empty_label="请选择事项"
    )
    applicant_kind = forms.ChoiceField(
        label="申请人类型",
        choices=Case.ApplicantKind.choices,
        initial=Case.ApplicantKind.RESIDENT,
    )
    applicant_name = forms.CharField(label="申请人（个人姓名或企业名称）", max_length=100)
    applicant_phone = forms.CharField(label="联系电话", max_length=20, widget=text_input())
    applicant_id_number = forms.CharField(
        label="证件号码（身份证号或统一社会信用代码）", max_length=32, widget=text_input()
    )
    files = MultipleFileField(label="申请材料扫描件（可选，可多选）", required=False)
    accept_now = forms.BooleanField(label="材料齐全，当场受理", required=False, initial=True)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].widget.attrs["class"] = "input"
        # Only this unit's current matters: an archived matter is not offered at all.
        self.fields["matter"].queryset = Matter.objects.public().filter(unit=unit).order_by("code")


# --- queue filters -----------------------------------------------------------------------


STATUS_OPEN, STATUS_ALL = "open", "all"


def _read_choices_at_once(field: forms.ModelChoiceField, columns: tuple[str, ...]) -> None:
    """Give a model select its options from one ordinary query of `columns`. Left to itself,
    the field reads them through `queryset.iterator()`, which on PostgreSQL is a server-side
    cursor (DECLARE … WITH HOLD, FETCH, CLOSE) over every column (a matter's legal texts):
    several round trips on every queue page. Validation still uses the field's queryset."""
    options = [
        (field.prepare_value(obj), field.label_from_instance(obj))
        for obj in field.queryset.only(*columns)
    ]
    field.choices = (
        [("", field.empty_label), *options] if field.empty_label is not None else options
    )


class QueueFilterForm(forms.Form):
    """The queue's GET filters. Unknown or malformed values are reported, then ignored."""

    level = forms.ChoiceField(
        label="预警",
        required=False,
        choices=[("", "全部预警"), *WarningLevel.choices],
        widget=FastSelect,
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[(STATUS_OPEN, "未办结"), (STATUS_ALL, "全部"), *Case.Status.choices],
        widget=FastSelect,
    )
    matter = forms.ModelChoiceField(
        label="事项",
        required=False,
        queryset=Matter.objects.none(),
        empty_label="全部事项",
        widget=FastSelect,
    )
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label="全部单位",
        widget=FastSelect,
    )
    flag = forms.CharField(required=False, widget=forms.HiddenInput)
    month = forms.RegexField(
        required=False, regex=r"^\d{4}-\d{2}$", widget=forms.HiddenInput, max_length=7
    )

    def __init__(self, *args: Any, unit: Unit | None, all_units: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if all_units:
            self.fields["unit"].queryset = Unit.objects.order_by("sort_order", "code")
            # The office picks a unit first; the full district list of matters is too long.
            selected = self.data.get("unit")
            matters = (
                Matter.objects.filter(unit__code=selected) if selected else Matter.objects.none()
            )
        else:
            del self.fields["unit"]
            matters = Matter.objects.filter(unit=unit)
        self.fields["matter"].queryset = matters.order_by("archived", "code")
        # The columns the options show (Matter and Unit's __str__, the unit's code as value).
        for name in ("matter", "unit"):
            if name in self.fields:
                _read_choices_at_once(self.fields[name], ("code", "name"))
