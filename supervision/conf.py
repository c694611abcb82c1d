"""Supervision settings, read from `settings.SUPERVISION` (a dict) with these defaults, so the
module needs no edit of the shared settings file to run."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Yellow card when verified progress trails the elapsed share of working days by more
    # than this many percentage points.
    "LAG_MARGIN": 20,
    # 报喜不报忧: reported progress above verified by more than this many points is flagged.
    "GAP_MARGIN": 30,
    # A status leaf that is underway counts as this share of done.
    "UNDERWAY_PERCENT": 50,
    # A closed task reopens when this many new complaints about the same problem arrive
    # within REOPEN_WINDOW_DAYS of its closing.
    "REOPEN_MIN_COMPLAINTS": 2,
    "REOPEN_WINDOW_DAYS": 90,
    # Working days a reopened task gets before it is overdue again.
    "REOPEN_LIMIT_WORKDAYS": 20,
}


def conf(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "SUPERVISION", {})}[name]
