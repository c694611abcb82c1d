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
