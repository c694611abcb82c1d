"""The work-queue order every duty list shares: the most urgent first."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, QuerySet, Value, When

from zuofeng.duty.models import WARNING_RANK


def with_urgency(queryset: QuerySet[Any], oldest: str = "submitted_at") -> QuerySet[Any]:
    """Work-queue order: red, yellow, blue, none; then the nearest deadline; then the oldest
    (by `oldest`). Any duty's queryset: complaints pass `oldest="received_at"`."""
    rank = SqlCase(
        *(When(warning_level=level, then=Value(rank)) for level, rank in WARNING_RANK.items()),
        default=Value(len(WARNING_RANK)),
        output_field=IntegerField(),
    )
    return queryset.annotate(urgency=rank).order_by(
        "urgency", F("due_at").asc(nulls_last=True), oldest, "pk"
    )
