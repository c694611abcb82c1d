"""Rates for django-ratelimit, read from settings.ZUOFENG at every request (an operator's
change needs no code change, and tests can lower them), and their period in seconds (what
a limited client is told to wait, Retry-After)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Rate = Callable[..., str]
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def setting_rate(name: str) -> Rate:
    """The rate in settings.ZUOFENG[name], as the callable django-ratelimit accepts."""

    def rate(group: str | None = None, request: HttpRequest | None = None) -> str:
        return str(settings.ZUOFENG[name])

    rate.__name__ = f"{name.lower()}_rate"
    rate.setting = name  # type: ignore[attr-defined]
    return rate


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/m" → (30, 60); "100/5m" → (100, 300)."""
    match = _RATE.fullmatch(str(rate).strip())
    if match is None:
        raise ImproperlyConfigured(
            f'rate limit {rate!r}: expected a count per period such as "30/m" (ZUOFENG_*_RATE)'
        )
    count, multiple, unit = match.groups()
    return int(count), _PERIOD_SECONDS[unit] * int(multiple or 1)
