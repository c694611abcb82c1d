"""Factories for catalogue data: one call makes a valid matter with its materials."""

from __future__ import annotations

import itertools
from typing import Any

from catalog import actions
from catalog.models import Matter
from org.models import Unit
from tests.files import real_pdf  # noqa: F401  (re-exported: tests import it from here)

_numbers = itertools.count(1)


def make_matter(
    unit: Unit,
    *,
    name: str | None = None,
    materials: list[dict[str, Any]] | None = None,
    actor: Any = None,
    **fields: Any,
) -> Matter:
    """Create a public matter through the action (so it is audited like real data)."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "code": f"{unit.code}-{number:05d}",
        "name": name or f"测试事项{number}",
        "unit": unit,
        "kind": Matter.Kind.PUBLIC_SERVICE,
        "legal_basis": "《测试条例》第一条",
        "steps": "申请\n受理\n办结",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
    }
    values.update(fields)
    if materials is None:
        materials = [{"name": "居民身份证", "originals": 1, "copies": 1, "notes": ""}]
    return actions.create_matter(actor=actor, materials=materials, **values)
