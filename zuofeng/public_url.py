"""Absolute addresses of public pages, for texts that leave the site (SMS, printed QR codes).

A text message cannot carry a relative link; the address residents reach the platform at is a
setting (`ZUOFENG_PUBLIC_URL`), defaulting to the demo's own address."""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    base = getattr(settings, "ZUOFENG_PUBLIC_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + path
