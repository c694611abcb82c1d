"""Absolute addresses of public pages, for texts that leave the site (SMS, printed QR codes).

A text message cannot carry a relative link; the address residents reach the platform at is a
setting (`ZUOFENG_PUBLIC_URL`; see settings.py for its default)."""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    return settings.ZUOFENG_PUBLIC_URL.rstrip("/") + path
