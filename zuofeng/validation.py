"""Checks every action shares for free text a person must give (a reason, a finding...)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

MAX_TEXT_CHARS = 5000

# C0 and C1 control characters and DEL, except tab, line feed and carriage return (a line
# break from a form is CR LF). They carry nothing a reader sees; they came in through
# Open311 and the 12345 files, and a NUL broke the office's Excel export (openpyxl refuses
# it) and is refused by PostgreSQL. Removed silently on every channel: the writer loses
# nothing they meant, and a hotline row is not refused for an invisible character.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(value: str) -> str:
    """The text without control characters other than tab and line breaks."""
    return _CONTROLS.sub("", value)


# Django's and DRF's text fields refuse a NUL outright (an English message) before the actions'
# checks run; these fields remove control characters first, so a form, the API and the other
# channels all store the same text for the same input.


class TextField(forms.CharField):
    """A form text field that drops control characters (see `without_controls`)."""

    def to_python(self, value: object) -> str | None:
        if isinstance(value, str):
            value = without_controls(value)
        return super().to_python(value)


class TextSerializerField(serializers.CharField):
    """An API text field that drops control characters (see `without_controls`)."""

    def to_internal_value(self, data: object) -> str:
        if isinstance(data, str):
            data = without_controls(data)
        return super().to_internal_value(data)


def required_text(value: str | None, label: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """The stripped text, or a Chinese error naming the field: empty or over-long text is
    refused, never silently cut. Control characters are removed first (see `without_controls`)."""
    text = without_controls(value or "").strip()
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
    text = without_controls(value or "").strip()
    if required:
        text = required_text(text, label, max_chars)
    elif len(text) > max_chars:
        raise ValidationError({label: f"{label}不能超过 {max_chars} 字"})
    if _MARKUP.search(text):
        raise ValidationError({label: f"{label}不能包含网页代码（如 < > 标签），请用文字描述"})
    return text


# --- identity numbers and phones, as residents and enterprises give them -------------------

MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")
# A mainland mobile, or a landline with its area code (enterprises often give one).
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")

# GB 11643: 17 digits and a check character over ISO 7064 MOD 11-2.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
# GB 32100: the unified social credit code, 18 characters of this alphabet (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_PATTERN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def resident_id_is_valid(value: str) -> bool:
    """An 18-character resident ID with a real birth date and a correct check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > timezone.localdate():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:17], RESIDENT_ID_WEIGHTS, strict=True)
    )
    return RESIDENT_ID_CHECK[total % 11] == value[17]


def credit_code_is_valid(value: str) -> bool:
    """An 18-character unified social credit code with a correct check character."""
    if not CREDIT_CODE_PATTERN.fullmatch(value):
        return False
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(value[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31] == value[17]
