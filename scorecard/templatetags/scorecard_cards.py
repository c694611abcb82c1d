"""The 考核 card on the staff home: for the office, the month waiting to be published and
the interviews to hold; for a unit, its latest published score, rank, where it lost the most
points (with the formula in its own numbers and the records behind it) and open
commitments."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from org.scoping import sees_all_units, unit_of
from scorecard.actions import publishable_from
from scorecard.models import Commitment, Interview, Scorecard, UnitScore
from scorecard.tables import losses, unit_scores_with_indicators
from zuofeng.workdays.calendar import local_date

LOSSES_SHOWN = 3  # the card's biggest losses; the unit page lists every indicator

register = template.Library()


@register.inclusion_tag("scorecard/_home_card.html", takes_context=True)
def scorecard_card(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if sees_all_units(user):
        return {
            "show": True,
            "office": True,
            # Only a draft that may be published now: the running month's preview is not.
            "draft": next(
                (
                    draft
                    for draft in Scorecard.objects.filter(status=Scorecard.Status.DRAFT).order_by(
                        "-month", "-version"
                    )[:24]
                    if publishable_from(draft.month) <= local_date(timezone.now())
                ),
                None,
            ),
            "flagged": Interview.objects.filter(status=Interview.Status.FLAGGED).count(),
        }
    unit = unit_of(user)
    if unit is None:
        return {"show": False}
    latest = unit_scores_with_indicators(
        UnitScore.objects.filter(unit=unit, scorecard__status=Scorecard.Status.PUBLISHED).order_by(
            "-scorecard__month"
        )
    ).first()
    return {
        "show": True,
        "office": False,
        "latest": latest,
        # Why points were lost, the biggest loss first (the head's first question).
        "losses": [loss for loss in losses(latest) if loss.lost][:LOSSES_SHOWN]
        if latest is not None
        else [],
        "open_commitments": Commitment.objects.filter(unit=unit, status=Commitment.Status.OPEN)
        .order_by("due_at")
        .only("text", "due_at", "warning_level")[:5],
    }
