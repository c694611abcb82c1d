"""Reads of problems: every page and other app goes through these (scoped, 404 otherwise)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from problems.models import Problem, ProblemCallback


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
    from complaints.intake.actions import candidate_hashes

    if not code or not code.strip():
        return None
    return Problem.objects.filter(receipt_hash__in=candidate_hashes(code)).first()


@dataclass(frozen=True)
class Outcomes:
    """What became of a set of problems, counted with the measures' own conditions (so the
    list's rates and the scorecard count the same rows)."""

    total: int
    solved: int
    solved_on_time: int
    overdue: int
    callbacks: int
    satisfied: int

    @staticmethod
    def _share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def solved_share(self) -> int | None:
        return self._share(self.solved, self.total)

    @property
    def on_time_share(self) -> int | None:
        return self._share(self.solved_on_time, self.solved)

    @property
    def satisfied_share(self) -> int | None:
        return self._share(self.satisfied, self.callbacks)


def outcomes(problems: QuerySet[Problem], now: dt.datetime) -> Outcomes:
    """Two queries, whatever the number of problems."""
    from problems.measures import overdue_q, solved_on_time_q, solved_q

    counts = problems.order_by().aggregate(
        total=Count("pk"),
        solved=Count("pk", filter=solved_q(now)),
        solved_on_time=Count("pk", filter=solved_on_time_q(now)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    calls = ProblemCallback.objects.filter(problem__in=problems.order_by().values("pk")).aggregate(
        callbacks=Count("pk", filter=Q(result__in=Problem.CALLBACK_RESULTS)),
        satisfied=Count(
            "pk", filter=Q(result__in=[Problem.Result.SATISFIED, Problem.Result.BASIC])
        ),
    )
    return Outcomes(**counts, **calls)
