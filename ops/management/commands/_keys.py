"""Shared by backup and restore: the operator's key, never one of the application's."""

from __future__ import annotations

from django.conf import settings

from ops.crypto import load_key


def application_secrets() -> list[str]:
    zuofeng = getattr(settings, "ZUOFENG", {}) or {}
    return [
        settings.SECRET_KEY,
        *list(getattr(settings, "SECRET_KEY_FALLBACKS", []) or []),
        *list(zuofeng.get("IDENTITY_KEYS", []) or []),
        *list(getattr(settings, "AUDIT_KEYS", []) or []),
    ]


def operator_key(key_file: str | None) -> bytes:
    return load_key(key_file, forbidden=application_secrets())
