"""Form helpers every app's pages share."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


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
