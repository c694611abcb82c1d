"""Checks every action shares for free text a person must give (a reason, a finding...)."""

from __future__ import annotations

import re

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


# Markup in free text is refused rather than stripped: the writer sees why, and nothing a
# page might one day render unescaped is ever stored.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|&[#a-zA-Z0-9]+;|javascript:", re.IGNORECASE)


def plain_text(value: str | None, label: str, max_chars: int, *, required: bool = True) -> str:
    """Like `required_text`, and also refuses HTML or script in the text."""
    text = (value or "").strip()
    if required:
        text = required_text(text, label, max_chars)
    elif len(text) > max_chars:
        raise ValidationError({label: f"{label}不能超过 {max_chars} 字"})
    if _MARKUP.search(text):
        raise ValidationError({label: f"{label}不能包含网页代码（如 < > 标签），请用文字描述"})
    return text
