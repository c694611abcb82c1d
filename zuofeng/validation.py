"""Checks every action shares for free text a person must give (a reason, a finding...)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_TEXT_CHARS = 5000


def required_text(value: str | None, label: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """The stripped text, or a Chinese error naming the field: empty or over-long text is
    refused, never silently cut."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({label: f"必须填写{label}"})
    if len(text) > max_chars:
        raise ValidationError({label: f"{label}不能超过 {max_chars} 字"})
    return text
