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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; content and size are checked by `zuofeng.uploads`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A plain file input: Bulma's styled .file-input needs a script to show the names.
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
