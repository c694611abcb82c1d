from __future__ import annotations

from typing import Any

from django import forms

from catalog.actions import MATTER_FIELDS
from catalog.models import FormFile, Matter
from catalog.spreadsheet import parse_materials
from zuofeng.forms import FileInput
from zuofeng.uploads import FILE_ACCEPT, upload_help

# What unit staff edit: every audited field but the identity (code, unit) and archiving,
# which have actions of their own.
MATTER_FORM_FIELDS = [name for name in MATTER_FIELDS if name not in {"code", "unit", "archived"}]


def _bulma(form: forms.BaseForm) -> None:
    """Bulma's look for text boxes (selects and checkboxes keep the browser's)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "textarea")
        elif isinstance(widget, forms.TextInput | forms.NumberInput):
            widget.attrs.setdefault("class", "input")


class MatterForm(forms.ModelForm):
    materials_text = forms.CharField(
        label="申请材料",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="每行一项：材料名称|原件份数|复印件份数|备注，例如：身份证|1|1|",
    )

    class Meta:
        model = Matter
        fields = MATTER_FORM_FIELDS
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bulma(self)
        if self.instance.pk and not self.is_bound:
            self.initial["materials_text"] = "\n".join(
                f"{m.name}|{m.originals}|{m.copies}|{m.notes}"
                for m in self.instance.materials.all()
            )

    def clean_materials_text(self) -> list[dict[str, Any]]:
        errors: list[str] = []
        materials = parse_materials(self.cleaned_data.get("materials_text", ""), errors)
        if errors:
            raise forms.ValidationError(errors)
        return materials

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        statutory = cleaned.get("statutory_limit_days")
        promised = cleaned.get("promised_limit_days")
        if statutory is not None and promised is not None and promised > statutory:
            self.add_error("promised_limit_days", "承诺时限不能超过法定时限")
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label="事项清单文件（.xlsx）")


class FormFileForm(forms.Form):
    """One blank form or sample to add to a matter's page."""

    upload = forms.FileField(
        label="文件",
        help_text=upload_help(),
        widget=FileInput(attrs={"accept": FILE_ACCEPT}),
        error_messages={"required": "请选择要上传的文件"},
    )
    kind = forms.ChoiceField(label="类型", choices=FormFile.Kind.choices)
    material_name = forms.ChoiceField(label="对应材料", required=False)
    title = forms.CharField(
        label="名称",
        required=False,
        max_length=200,
        help_text="留空则使用材料名称或文件名",
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [m.name for m in matter.materials.all()]
        choices = [("", "整个事项通用")] + [(name, name) for name in dict.fromkeys(names)]
        self.fields["material_name"].choices = choices  # type: ignore[attr-defined]
