from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from org.scoping import is_staff_member, sees_all_units


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-in staff of some unit (or the office/admin); others get 404 like any hidden page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def office_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The supervision office's (and admins') pages; anyone else gets 404 like any hidden page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sees_all_units(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
