from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from org.scoping import is_staff_member, roles_of, sees_all_units, unit_of
from zuofeng.access import menu
from zuofeng.duty.inbox import unread_count


def staff_context(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's unit and roles to templates (navigation, banners)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "my_unit": unit_of(user),
        "my_roles": roles_of(user),
        "is_staff_member": is_staff_member(user),
        "sees_all_units": sees_all_units(user),
        # Which areas' links the menu shows (zuofeng.access: one policy for pages and menus).
        "may": menu(user),
        # The nav bar's unread count: one query, made only when a template shows it.
        "inbox_unread": SimpleLazyObject(lambda: unread_count(user)),
    }


def deployment(request: HttpRequest) -> dict[str, Any]:
    """The 演示环境 banner (settings.ZUOFENG_DEMO: public demo keys, data not real)."""
    return {"zuofeng_demo": settings.ZUOFENG_DEMO}
