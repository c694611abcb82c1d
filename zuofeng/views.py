"""View helpers every app's staff pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict


def perform_step(
    request: HttpRequest,
    form: forms.Form,
    run: Callable[[dict[str, Any]], str],
    *,
    done: Callable[[], HttpResponse],
    page: Callable[[int, forms.Form | None], HttpResponse],
) -> HttpResponse:
    """One step posted from a record's page (accept a case, verify a work order, answer a
    complaint), the same way everywhere:

    - valid input: `run(cleaned_data)` calls the action and returns the success message,
      shown after the redirect `done()`;
    - a state conflict (someone else moved the record first): its message, and the page
      re-read with the record's current state (`page(409, None)`);
    - invalid input or an action's ValidationError: the page again with the errors next to
      their fields (`page(400, form)`).
    """
    if form.is_valid():
        try:
            message = run(form.cleaned_data)
        except Conflict as exc:
            messages.error(request, str(exc))
            return page(409, None)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, message)
            return done()
    return page(400, form)
