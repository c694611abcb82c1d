"""Who may see which unit's records. Every app's read helper goes through here.

A unit user asking for another unit's record gets 404 (not 403): the record's existence is
itself information.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from org.models import Staff, Unit
from org.roles import Role

M = TypeVar("M", bound=Model)


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_zuofeng_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._zuofeng_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & {str(role) for role in roles})


def unit_of(user: Any) -> Unit | None:
    """The unit a staff user belongs to, or None for the public and applicants."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_zuofeng_unit"):
        staff = Staff.objects.select_related("unit").filter(user=user).first()
        user._zuofeng_unit = staff.unit if staff else None
    return user._zuofeng_unit


def sees_all_units(user: Any) -> bool:
    """The supervision office and admins see every unit's records."""
    return has_role(user, Role.SUPERVISOR, Role.ADMIN)


def is_staff_member(user: Any) -> bool:
    return unit_of(user) is not None or sees_all_units(user)


def scope_to_unit(queryset: QuerySet[M], user: Any, unit_field: str = "unit") -> QuerySet[M]:
    """Restrict `queryset` to the rows of the user's own unit (all rows for the office)."""
    if sees_all_units(user):
        return queryset
    unit = unit_of(user)
    if unit is None:
        return queryset.none()
    return queryset.filter(**{unit_field: unit})


def require_member(actor: Any, unit_id: int, message: str) -> None:
    """Actions on a unit's duty are for that unit's own staff; anyone else is refused."""
    unit = unit_of(actor)
    if unit is None or unit.pk != unit_id:
        raise PermissionDenied(message)
