"""One access policy: which role may use which area of the platform.

Every page and API endpoint that is not public names its area (`require("office")`,
`staff_required`, `api_permission("staff")`); the menu shows an area's link only where
`may(user, area)` holds (the `may` template variable). A page a role may not use answers 404,
like another unit's record: its existence is itself information, and a link that leads to a
refusal is a link that should not have been shown.

Actions keep their own checks on the record (only the holding unit's staff may accept *this*
case); this module decides who may open a page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from org.models import Unit
from org.roles import Role
from org.scoping import has_role, is_staff_member, sees_all_units, unit_of


def heads_a_unit(user: Any) -> bool:
    """The accountable head (一把手) of some unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_zuofeng_heads", None)
    if cached is None:
        # org.actions.set_unit_head gives a head the head role and makes them a member of
        # the unit, and takes the role away when they head no unit: a user without the role
        # (every clerk) or a member whose unit names them costs no query. The query remains
        # for the odd case (a head of a second unit).
        unit = unit_of(user)
        if not has_role(user, Role.UNIT_HEAD):
            cached = False
        elif unit is not None and unit.head_id == user.pk:
            cached = True
        else:
            cached = Unit.objects.filter(head_id=user.pk).exists()
        user._zuofeng_heads = cached
    return cached


def _counter(user: Any) -> bool:
    # The hall window's counter is for a unit's window clerks and case handlers; discipline
    # inspection and the office receive no applications.
    return unit_of(user) is not None and has_role(user, Role.WINDOW, Role.UNIT_STAFF)


def _casework(user: Any) -> bool:
    # Cases, rectifications, the matter list and the unit scorecard are a serving unit's work
    # (and the office's, across units); discipline inspection handles integrity complaints only.
    if sees_all_units(user):
        return True
    unit = unit_of(user)
    return unit is not None and unit.kind != Unit.Kind.DISCIPLINE


POLICY: dict[str, Callable[[Any], bool]] = {
    # Unit staff of any kind, the office and admins: the workbench, queues, scorecard pages.
    "staff": is_staff_member,
    "counter": _counter,
    # A serving unit's casework pages (queue, rectifications, matters, the unit's scorecard).
    "casework": _casework,
    # A unit head's pages (escalations to the head, approvals); the office sees them too.
    "head": lambda user: sees_all_units(user) or heads_a_unit(user),
    # The supervision office (and admins): triage, hot spots, rankings, imports, publishing.
    "office": sees_all_units,
    "discipline": lambda user: has_role(user, Role.DISCIPLINE),
}


def may(user: Any, area: str) -> bool:
    return POLICY[area](user)


def require(area: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: log in first; then 404 for anyone the area is not for."""
    check = POLICY[area]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = require("staff")
counter_required = require("counter")
head_required = require("head")
office_required = require("office")
casework_required = require("casework")
discipline_required = require("discipline")


def api_permission(area: str, message: str = "") -> type[BasePermission]:
    """The same policy for an API view: an authenticated user outside the area gets 404."""
    check = POLICY[area]

    class AreaPermission(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            if not check(request.user):
                raise NotFound(message or "未找到。")
            return True

    AreaPermission.__name__ = f"May{area.title()}"
    return AreaPermission


IsStaffMember = api_permission("staff")


class Menu:
    """Which areas' links the menu shows this user (`{% if may.office %}`), each decided only
    when a template asks, so a page pays for the checks its menu uses and no more."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, area: str) -> bool:
        if area not in POLICY:
            raise KeyError(area)
        return may(self.user, area)


def menu(user: Any) -> Menu:
    return Menu(user)
