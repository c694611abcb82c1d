"""Who may read which scorecard records. Every scorecard page reads through here.

- The supervision office (and admins) see every scorecard, drafts included.
- A unit's staff see their own unit's published (and superseded) scores; another unit's
  score, or any draft, is a 404 for them, never a 403.
- The public sees published scorecards only, through the rankings page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from org.models import Unit
from org.scoping import sees_all_units, unit_of
from scorecard.models import IndicatorScore, Scorecard, UnitScore

# The versions a unit may read: what was published, including what a correction replaced.
RELEASED = (Scorecard.Status.PUBLISHED, Scorecard.Status.SUPERSEDED)


def unit_scores_visible_to(user: Any) -> QuerySet[UnitScore]:
    queryset = UnitScore.objects.all()
    if sees_all_units(user):
        return queryset
    unit = unit_of(user)
    if unit is None:
        return queryset.none()
    return queryset.filter(unit=unit, scorecard__status__in=RELEASED)


def get_unit_for_user(user: Any, unit_id: int | None) -> Unit:
    """The unit whose page is asked for: the office names any unit, staff only their own."""
    if sees_all_units(user):
        if unit_id is None:
            raise Http404
        return get_object_or_404(Unit, pk=unit_id)
    unit = unit_of(user)
    if unit is None or (unit_id is not None and unit_id != unit.pk):
        raise Http404
    return unit


def get_indicator_score_for_user(user: Any, pk: int) -> IndicatorScore:
    return get_object_or_404(
        IndicatorScore.objects.select_related(
            "indicator", "unit_score__unit", "unit_score__scorecard__standard"
        ).filter(unit_score__in=unit_scores_visible_to(user)),
        pk=pk,
    )
