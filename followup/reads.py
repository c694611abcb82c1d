"""The one place follow-ups are read for a user: the office sees all, a unit its own (and a
head the units they head); anyone else, or another unit's follow-up, is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from followup.models import FollowUp
from org.scoping import sees_all_units, unit_of


def visible_followups(user: Any) -> QuerySet[FollowUp]:
    queryset = FollowUp.objects.select_related("unit", "issued_by")
    if sees_all_units(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    unit = unit_of(user)
    mine = Q(unit__head=user)
    if unit is not None:
        mine |= Q(unit=unit)
    return queryset.filter(mine)


def get_followup_for_user(user: Any, pk: Any) -> FollowUp:
    followup = visible_followups(user).filter(pk=pk).first()
    if followup is None:
        raise Http404
    return followup


def followups_of_duty(user: Any, object_type: str, object_id: Any) -> QuerySet[FollowUp]:
    """A duty's follow-ups this user may see (the panel on the duty's page)."""
    return visible_followups(user).filter(object_type=object_type, object_id=str(object_id))
