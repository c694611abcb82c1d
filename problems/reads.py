"""Reads of problems: every page and other app goes through these (scoped, 404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from problems.models import Problem


def problems_of(source: models.Model) -> QuerySet[Problem]:
    """The problems raised at one visit, forum or survey, oldest first (for its page)."""
    return (
        Problem.objects.of_source(source)
        .select_related("unit", "category")
        .order_by("opened_at", "id")
    )


def visible_problems(user: Any) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user).select_related("unit", "category")


def get_problem_for_user(user: Any, pk: int) -> Problem:
    """One problem this user may read, or 404 (another unit's problem does not exist for them)."""
    return get_object_or_404(visible_problems(user), pk=pk)


def find_by_receipt(code: str) -> Problem | None:
    """The problem a typed receipt code belongs to, or None. The code is hashed as complaints
    hash theirs (keyed with SECRET_KEY and, after a rotation, its fallbacks), so only hashes
    are ever compared and stored."""
    # Complaints' candidate hashes: the same code shapes and keys, one rule for both.
    from complaints.intake.actions import _candidate_hashes

    if not code or not code.strip():
        return None
    return Problem.objects.filter(receipt_hash__in=_candidate_hashes(code)).first()
