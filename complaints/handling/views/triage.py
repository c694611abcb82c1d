"""督查室 pages: the triage queue (oldest first) and triaging one complaint with a preview of
where it will go. Only the supervision office triages (the actions refuse anyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from complaints.handling import actions
from complaints.handling.routing import names_head, route
from complaints.handling.staff_forms import TriageForm
from complaints.handling.views.staff import PAGE_SIZE, get_complaint_for_staff
from complaints.models import Complaint, ComplaintCategory
from org.models import Unit
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict


@office_required
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    waiting = (
        Complaint.objects.visible_to(request.user)
        .filter(status=Complaint.Status.TRIAGE)
        .select_related("unit", "suggested_category")
        .order_by("received_at", "pk")
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "complaints/staff/triage_queue.html", {"page": page})


def routing_preview(
    complaint: Complaint, category: ComplaintCategory | None, unit: Unit | None, head: bool
) -> dict[str, Any]:
    """Where the complaint would go with these choices, and why (shown before routing)."""
    unit = unit if unit is not None else complaint.unit
    if category is None:
        return {"unit": None, "why": "请选择类别"}
    head = head or names_head(unit, complaint.subject_name)
    handling = route(category=category.code, unit=unit, subject_is_head=head)
    if handling is None:
        why = "请选择被举报单位，系统才能确定承办单位"
    elif category.code == "integrity":
        why = "廉洁问题转纪检监察机关办理，不转被举报单位"
    elif head:
        why = "被举报人是单位一把手，由督查室办理，不转该单位"
    else:
        why = "由被举报单位办理"
    return {"unit": handling, "why": why}


def _preview_for(complaint: Complaint, form: TriageForm) -> dict[str, Any]:
    if not form.is_bound:
        # The suggestion as the page opens: what routing would do if triage confirmed it.
        category = ComplaintCategory.objects.filter(pk=form.initial.get("category")).first()
        return routing_preview(complaint, category, None, complaint.subject_is_head)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return routing_preview(
        complaint, data.get("category"), data.get("unit"), bool(data.get("subject_is_head"))
    )


def _oldest_waiting(*, besides: Complaint) -> int | None:
    """The id of the complaint that has waited longest for triage, other than `besides`."""
    return (
        Complaint.objects.filter(status=Complaint.Status.TRIAGE)
        .exclude(pk=besides.pk)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _triage_context(complaint: Complaint, form: TriageForm) -> dict[str, Any]:
    return {
        "complaint": complaint,
        "form": form,
        "preview": _preview_for(complaint, form),
        "confidence_percent": round(complaint.confidence * 100),
        "next_id": _oldest_waiting(besides=complaint),
    }


@office_required
@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_staff(request.user, pk)
    if request.method != "POST":
        if complaint.status != Complaint.Status.TRIAGE:
            messages.info(request, f"举报 {complaint.number} 已分办")
            return redirect("complaints:staff_detail", pk=complaint.pk)
        form = TriageForm(complaint=complaint)
        return render(request, "complaints/staff/triage.html", _triage_context(complaint, form))
    form = TriageForm(request.POST, complaint=complaint)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.triage(
                actor=request.user,
                complaint=complaint,
                category=data["category"].code,
                unit=data["unit"],
                subject_is_head=data["subject_is_head"],
                note=data["note"],
            )
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            assert done.handling_unit is not None
            messages.success(request, f"举报 {done.number} 已分办至{done.handling_unit.name}")
            following = (
                _oldest_waiting(besides=done) if request.POST.get("then") == "next" else None
            )
            if following is not None:
                return redirect("complaints:triage", pk=following)
            return redirect("complaints:triage_queue")
    context = _triage_context(complaint, form)
    return render(request, "complaints/staff/triage.html", context, status=status)


@office_required
@require_GET
def triage_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The routing preview alone (htmx swaps it in as the choices change)."""
    complaint = get_complaint_for_staff(request.user, pk)
    preview = _preview_for(complaint, TriageForm(request.GET, complaint=complaint))
    return render(request, "complaints/staff/_route_preview.html", {"preview": preview})
