"""Form widgets rendered in Python rather than through a template per <option>.

Django renders each option of a select through its own template; a filter bar with a few
hundred options then costs more than the rest of a busy work queue page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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
