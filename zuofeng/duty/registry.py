"""Which models are duties, and which periodic steps `manage.py sweep` runs.

Apps register in their AppConfig.ready(): a duty model (cases, rectifications, complaints,
tasks, problems) with `register_duty`, any other idempotent periodic job with
`register_sweep_step`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class DutyKind:
    model: Any  # a concrete subclass of zuofeng.duty.models.Duty
    unit_field: str = "unit"  # the FK to org.Unit accountable for the duty
    label_field: str = "pk"  # what people call one duty (a case number, ...)
    url_name: str = ""  # staff page of one duty, reversed with its pk
    list_url_name: str = ""  # the unit's list of such duties; accepts ?level=<warning>

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def link(self, pk: Any) -> str:
        if not self.url_name:
            return ""
        # One reverse per kind, not per duty: the sweep may link a hundred thousand of them.
        return _link_template(self.url_name).replace(_PK_PLACEHOLDER, str(pk))

    def list_link(self, **params: str) -> str:
        if not self.list_url_name:
            return ""
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return reverse(self.list_url_name) + (f"?{query}" if query else "")


_PK_PLACEHOLDER = "987654321"


@lru_cache(maxsize=64)
def _link_template(url_name: str) -> str:
    return reverse(url_name, args=[int(_PK_PLACEHOLDER)])


_duties: list[DutyKind] = []
_steps: list[tuple[str, Callable[[dt.datetime], dict[str, int]]]] = []


def register_duty(kind: DutyKind) -> None:
    if all(existing.model is not kind.model for existing in _duties):
        _duties.append(kind)


def registered_duties() -> list[DutyKind]:
    return list(_duties)


def register_sweep_step(name: str, step: Callable[[dt.datetime], dict[str, int]]) -> None:
    """A periodic job: called with `now`, returns counts to print. Must be idempotent."""
    if all(existing != name for existing, _ in _steps):
        _steps.append((name, step))


def registered_steps() -> list[tuple[str, Callable[[dt.datetime], dict[str, int]]]]:
    return list(_steps)
