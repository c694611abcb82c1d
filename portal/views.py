from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from catalog.models import Matter
from org.models import Unit
from org.scoping import is_staff_member, sees_all_units
from portal.workbench import workbench_context
from zuofeng.workdays.calendar import local_date, uncovered_years


def home(request: HttpRequest) -> HttpResponse:
    counts = Matter.objects.public().aggregate(
        total=Count("id"),
        immediate=Count("id", filter=Q(promised_limit_days=0)),
        online=Count("id", filter=Q(online=True)),
    )
    return render(
        request,
        "portal/home.html",
        {
            "counts": counts,
            "unit_count": Unit.objects.active().filter(matters__isnull=False).distinct().count(),
        },
    )


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        # Login lands everyone here; applicants belong on their own cases.
        return redirect("cases:my_cases")
    context = workbench_context(request.user)
    context["calendar_years"] = (
        uncovered_years(local_date(timezone.now())) if sees_all_units(request.user) else []
    )
    return render(request, "portal/staff_home.html", context)
