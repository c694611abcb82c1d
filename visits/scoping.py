"""Reads a user may make, in one place: a cadre reads their own unit's visits, the office all;
anything else is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from org.scoping import scope_to_unit, sees_all_units
from visits.models import Visit, VisitFlag, VisitPhoto


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    return scope_to_unit(Visit.objects.all(), user)


def get_visit_for_user(user: Any, pk: int) -> Visit:
    visit = (
        visits_visible_to(user)
        .select_related("unit", "cadre", "site")
        .prefetch_related("companions", "counterparts", "photos", "revisions__editor")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def get_photo_for_user(user: Any, token: str) -> VisitPhoto:
    photo = VisitPhoto.objects.filter(token=token).select_related("visit").first()
    if photo is None or not visits_visible_to(user).filter(pk=photo.visit_id).exists():
        raise Http404
    return photo


def get_flag_for_office(user: Any, pk: int) -> VisitFlag:
    flag = VisitFlag.objects.filter(pk=pk).first() if sees_all_units(user) else None
    if flag is None:
        raise Http404
    return flag
