"""登记来信来访: the office enters letters, visits, forum remarks and survey answers. Only
the supervision office enters complaints (the action refuses anyone else)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.intake import actions
from complaints.intake.staff_forms import StaffFileForm
from org.scoping import sees_all_units
from zuofeng.access import staff_required
from zuofeng.forms import add_action_errors


def _require_office(user: Any) -> None:
    if not sees_all_units(user):
        raise PermissionDenied("只有督查室可以登记举报")


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def file_entry(request: HttpRequest) -> HttpResponse:
    """登记来信来访: the receipt code is shown on this answer only (for the reply letter),
    never put in a message or the session."""
    _require_office(request.user)
    if request.method != "POST":
        return render(request, "complaints/staff/file.html", {"form": StaffFileForm()})
    form = StaffFileForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint, code = actions.file_complaint(
                actor=request.user,
                channel=data["channel"],
                text=data["text"],
                unit=data["unit"],
                subject_name=data["subject_name"],
                place=data["place"],
                occurred_on=data["occurred_on"],
                identity=form.identity(),
                attachments=data["files"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            response = render(
                request,
                "complaints/staff/filed.html",
                {"complaint": complaint, "code": code},
            )
            response["Cache-Control"] = "no-store, private"
            return response
    return render(request, "complaints/staff/file.html", {"form": form}, status=400)
