"""Mask personal data wherever it is shown to anyone but the person and the handling staff."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13900001234 → 139****1234; short or odd numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(0, len(digits) - 2) + digits[-2:]


def mask_id_number(number: str) -> str:
    """A resident ID (18 chars) or a credit code keeps its first 4 and last 4 characters."""
    text = number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"


def mask_name(name: str) -> str:
    """张三 → 张*; 欧阳娜娜 → 欧***; an enterprise name keeps its first 4 characters."""
    text = name.strip()
    if not text:
        return ""
    if len(text) > 6:  # an enterprise: the name is public, but keep it short
        return text[:4] + "***"
    return text[0] + "*" * (len(text) - 1)
