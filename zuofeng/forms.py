"""Form helpers every app's pages share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from zuofeng.uploads import FILE_ACCEPT


def add_action_errors(
    form: forms.Form, exc: ValidationError, field_names: Mapping[str, str] | None = None
) -> None:
    """Attach an action's ValidationError to the form that called it.

    Actions name the field of each error — by the form field's name or by its Chinese label;
    `field_names` maps such labels to the form's fields. An error whose field the form has
    goes next to that input (unless the form's own check already put a message there), any
    other at the top of the form.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    names = field_names or {}
    for key, errors in exc.error_dict.items():
        name = names.get(key, key)
        if name not in form.fields:
            form.add_error(None, errors)
        elif name not in form.errors:
            form.add_error(name, errors)


def textarea(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "textarea", "rows": rows, **attrs})


def text_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "input", **attrs})


def date_input(**attrs: Any) -> forms.DateInput:
    """A date typed as 2026-12-03. A native date input speaks the browser's language (mm/dd/yyyy
    in an English browser), so dates are typed into a text box with a Chinese hint instead;
    Django parses the ISO form."""
    return forms.DateInput(
        attrs={
            "class": "input",
            "placeholder": "年-月-日，如 2026-12-03",
            "pattern": r"\d{4}-\d{1,2}-\d{1,2}",
            "title": "请按 年-月-日 填写，如 2026-12-03",
            "autocomplete": "off",
            **attrs,
        },
        format="%Y-%m-%d",
    )


def month_input(**attrs: Any) -> forms.DateInput:
    """A month typed as 2026-11 (the native month input is English in an English browser)."""
    return forms.DateInput(
        attrs={
            "class": "input",
            "placeholder": "年-月，如 2026-11",
            "pattern": r"\d{4}-\d{1,2}",
            "title": "请按 年-月 填写，如 2026-11",
            "autocomplete": "off",
            **attrs,
        },
        format="%Y-%m",
    )


class FileInput(forms.FileInput):
    """A file input labelled in Chinese whatever the browser's language: the native button
    says "Choose Files" in an English browser, so Bulma's .file box covers it with 选择文件 and
    portal/site.js writes the chosen names beside it (without the script the box still opens
    the picker; only the names are not shown)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({**(attrs or {}), "class": "file-input"})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        native = super().render(name, value, attrs, renderer)
        choose = "选择文件（可多选）" if self.allow_multiple_selected else "选择文件"
        return format_html(
            '<div class="file has-name is-fullwidth" data-file-picker><label class="file-label">'
            '{}<span class="file-cta"><span class="file-label">{}</span></span>'
            '<span class="file-name">未选择文件</span></label></div>',
            native,
            choose,
        )


class MultipleFileInput(FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; content and size are checked by `zuofeng.uploads`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# Rendered in Python rather than through a template per <option>: Django renders each option
# of a select through its own template, and a filter bar with a few hundred options then
# costs more than the rest of a busy work queue page.
class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        attributes = format_html_join(
            "",
            " {}{}",
            (
                (key, "" if val is True else format_html('="{}"', val))
                for key, val in sorted(final_attrs.items())
                if val is not False and val is not None
            ),
        )
        return format_html("<select{}>{}</select>", attributes, options)
