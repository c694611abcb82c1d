"""The 考核 card on the staff home: for the office, the month waiting to be published and
the interviews to hold; for a unit, its latest published score, rank and open commitments."""

from __future__ import annotations

from typing import Any

from django import template

from org.scoping import sees_all_units, unit_of
from scorecard.models import Commitment, Interview, Scorecard, UnitScore

register = template.Library()


@register.inclusion_tag("scorecard/_home_card.html", takes_context=True)
def scorecard_card(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if sees_all_units(user):
        return {
            "show": True,
            "office": True,
            "draft": Scorecard.objects.filter(status=Scorecard.Status.DRAFT)
            .order_by("-month", "-version")
            .first(),
            "flagged": Interview.objects.filter(status=Interview.Status.FLAGGED).count(),
        }
    unit = unit_of(user)
    if unit is None:
        return {"show": False}
    return {
        "show": True,
        "office": False,
        "latest": UnitScore.objects.filter(unit=unit, scorecard__status=Scorecard.Status.PUBLISHED)
        .select_related("scorecard")
        .order_by("-scorecard__month")
        .first(),
        "open_commitments": Commitment.objects.filter(unit=unit, status=Commitment.Status.OPEN)
        .order_by("due_at")
        .only("text", "due_at", "warning_level")[:5],
    }
