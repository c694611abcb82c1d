"""督查室 pages: the triage queue (suggestions the classifier is unsure of first, since a
correction there teaches the model most, then oldest first; filtered by channel, suggested
category, confidence band and unit, driven from the keyboard: j/k to move, Enter to confirm
the suggestion, e to correct it), triaging one complaint with a preview of where it will go,
and how often the suggestions were confirmed or corrected each month (`triage_learning`).
Bulk confirmation, near-duplicate groups and the threshold setting: `triage_bulk`. Only the
supervision office triages (the actions refuse anyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints.classifier import get_classifier
from complaints.classifier.model import LOW_CONFIDENCE
from complaints.classifier.words import whole_words
from complaints.handling import actions
from complaints.handling.routing import INTEGRITY, discipline_unit, names_head, route
from complaints.handling.staff_forms import (
    BAND_HIGH,
    BAND_LOW,
    BAND_MIDDLE,
    UNIT_NONE,
    TriageFilterForm,
    TriageForm,
)
from complaints.handling.views.staff import get_complaint_for_staff
from complaints.models import Complaint, ComplaintCategory, TriageSettings
from org.models import Unit
from zuofeng.access import office_required
from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict

TRIAGE_PAGE_SIZE = 50
GROUPS_SHOWN = 10


def waiting_for_triage(user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user).filter(status=Complaint.Status.TRIAGE)


def unsure_first(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Low-confidence suggestions first (each correction there teaches the classifier the
    most), each group oldest first."""
    return complaints.annotate(
        sure=Case(
            When(confidence__lt=LOW_CONFIDENCE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("sure", "received_at", "pk")


def filter_waiting(
    waiting: QuerySet[Complaint], form: TriageFilterForm, threshold: float
) -> QuerySet[Complaint]:
    """The queue narrowed by the office's filters (channel, suggested category, confidence
    band, the unit complained about); malformed filters are ignored."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("channel"):
        waiting = waiting.filter(channel=data["channel"])
    if data.get("category"):
        waiting = waiting.filter(suggested_category=data["category"])
    band = data.get("band")
    if band == BAND_HIGH:
        waiting = waiting.filter(confidence__gte=threshold)
    elif band == BAND_MIDDLE:
        waiting = waiting.filter(confidence__gte=0.5, confidence__lt=threshold)
    elif band == BAND_LOW:
        waiting = waiting.filter(confidence__lt=0.5)
    unit = data.get("unit")
    if unit == UNIT_NONE:
        waiting = waiting.filter(unit__isnull=True)
    elif unit:
        waiting = waiting.filter(unit__code=unit)
    return waiting


def bulk_eligible(waiting: QuerySet[Complaint], threshold: float) -> QuerySet[Complaint]:
    """Suggestions the office confirms in bulk: confident enough, and routable without a
    choice (the channel named the unit, or integrity, which goes to discipline inspection)."""
    confident = waiting.filter(confidence__gte=threshold)
    if discipline_unit() is None:  # nowhere to send integrity complaints: one by one
        return confident.filter(unit__isnull=False).exclude(suggested_category_id=INTEGRITY)
    return confident.filter(Q(unit__isnull=False) | Q(suggested_category_id=INTEGRITY))


def explained(complaint: Complaint) -> list[str]:
    """Whole words behind the suggestion (complaints filed before whole words were stored
    carry the classifier's spans: widened here)."""
    return whole_words(complaint.text, complaint.category_words)


def filter_querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def queue_url(querystring: str) -> str:
    url = reverse("complaints:triage_queue")
    return f"{url}?{querystring}" if querystring else url


def back_to_queue(request: HttpRequest) -> str:
    """Where to return after a step posted from the queue (or opened from it, `?back=`): the
    filtered queue it came from; anything else (another site, a script URL) is ignored."""
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back.startswith(reverse("complaints:triage_queue")) and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("complaints:triage_queue")


@office_required
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    threshold = TriageSettings.current().bulk_threshold
    form = TriageFilterForm(request.GET)
    waiting = filter_waiting(waiting_for_triage(request.user), form, threshold)
    rows = unsure_first(waiting.select_related("unit", "suggested_category"))
    page = Paginator(rows, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    clusters = [c.cluster_id for c in page.object_list if c.cluster_id]
    sizes = dict(
        waiting.filter(cluster_id__in=clusters)
        .values("cluster_id")
        .annotate(n=Count("pk"))
        .values_list("cluster_id", "n")
    )
    for complaint in page.object_list:
        complaint.words = explained(complaint)
        complaint.group_size = sizes.get(complaint.cluster_id, 0)
    groups = (
        waiting.exclude(cluster_id=None)
        .values("cluster_id")
        .annotate(n=Count("pk"), first=Min("pk"))
        .filter(n__gte=2)
        .order_by("-n", "first")[:GROUPS_SHOWN]
    )
    firsts = Complaint.objects.select_related("unit", "suggested_category").in_bulk(
        [g["first"] for g in groups]
    )
    querystring = filter_querystring(request)
    return render(
        request,
        "complaints/staff/triage_queue.html",
        {
            "page": page,
            "form": form,
            "threshold": threshold,
            "eligible": bulk_eligible(waiting, threshold).count(),
            "groups": [(g["cluster_id"], g["n"], firsts[g["first"]]) for g in groups],
            "querystring": querystring,
            "back": queue_url(querystring),
            "filtered": any(request.GET.get(k) for k in form.fields),
            "low": LOW_CONFIDENCE,
        },
    )


@office_required
@require_POST
def confirm_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """确认建议 from the queue (a button, or Enter on the selected row): triage with the
    suggested category and the unit the channel named, then back to the same queue."""
    complaint = get_complaint_for_staff(request.user, pk)
    try:
        done = actions.triage(
            actor=request.user, complaint=complaint, category=complaint.suggested_category_id
        )
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, f"举报 {complaint.number}：{'；'.join(exc.messages)}，请更正后分办")
        return redirect("complaints:triage", pk=complaint.pk)
    else:
        assert done.handling_unit is not None
        messages.success(request, f"举报 {done.number} 已分办至{done.handling_unit.name}")
    return redirect(back_to_queue(request))


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
    """The id of the complaint the queue shows first (unsure suggestions, then the one that
    has waited longest), other than `besides`."""
    waiting = Complaint.objects.filter(status=Complaint.Status.TRIAGE).exclude(pk=besides.pk)
    return unsure_first(waiting).values_list("pk", flat=True).first()


def alternatives(complaint: Complaint) -> list[tuple[str, int]]:
    """(category name, percent) of the categories the classifier finds close to its
    suggestion, for an unsure one (recomputed: the text is at hand, a classification costs
    well under a millisecond)."""
    if complaint.confidence >= LOW_CONFIDENCE:
        return []
    prediction = get_classifier().classify(complaint.text)
    names = dict(ComplaintCategory.objects.values_list("code", "name"))
    return [
        (names.get(code, code), round(p * 100))
        for code, p in prediction.alternatives
        if code != complaint.suggested_category_id
    ]


def _triage_context(complaint: Complaint, form: TriageForm) -> dict[str, Any]:
    return {
        "complaint": complaint,
        "form": form,
        "preview": _preview_for(complaint, form),
        "confidence_percent": round(complaint.confidence * 100),
        "unsure": complaint.confidence < LOW_CONFIDENCE,
        "alternatives": alternatives(complaint),
        "words": explained(complaint),
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


LEARNING_MONTHS = 12


@office_required
@require_GET
def triage_learning(request: HttpRequest) -> HttpResponse:
    """建议采纳情况: per month (of triage) and suggested category, how many suggestions
    triage confirmed and how many it corrected, and to what. Every triaged complaint is a
    training label for the next `train_classifier`."""
    triaged = Complaint.objects.filter(triaged_at__isnull=False, category__isnull=False)
    rows = (
        triaged.annotate(month=TruncMonth("triaged_at"))
        .values("month", "suggested_category", "category")
        .annotate(n=Count("pk"))
        .order_by("-month")
    )
    names = dict(ComplaintCategory.objects.values_list("code", "name"))
    months: dict[Any, dict[str, dict[str, Any]]] = {}
    for row in rows:
        month = months.setdefault(row["month"], {})
        suggested = row["suggested_category"]
        cell = month.setdefault(
            suggested,
            {"name": names.get(suggested, suggested), "n": 0, "confirmed": 0, "to": {}},
        )
        cell["n"] += row["n"]
        if row["category"] == suggested:
            cell["confirmed"] += row["n"]
        else:
            to = names.get(row["category"], row["category"])
            cell["to"][to] = cell["to"].get(to, 0) + row["n"]
    table = []
    for month in sorted(months, reverse=True)[:LEARNING_MONTHS]:
        cells = sorted(months[month].values(), key=lambda c: (-c["n"], c["name"]))
        for cell in cells:
            cell["corrected"] = cell["n"] - cell["confirmed"]
            cell["rate"] = round(100 * cell["confirmed"] / cell["n"])
            cell["to"] = sorted(cell["to"].items(), key=lambda kv: (-kv[1], kv[0]))
        n = sum(c["n"] for c in cells)
        confirmed = sum(c["confirmed"] for c in cells)
        table.append(
            {
                "month": month,
                "cells": cells,
                "n": n,
                "confirmed": confirmed,
                "corrected": n - confirmed,
                "rate": round(100 * confirmed / n) if n else 0,
            }
        )
    unsure = triaged.filter(confidence__lt=LOW_CONFIDENCE)
    return render(
        request,
        "complaints/staff/triage_learning.html",
        {
            "table": table,
            "labels": triaged.count(),
            "corrections": triaged.exclude(category=F("suggested_category")).count(),
            "unsure": unsure.count(),
            "unsure_corrected": unsure.exclude(category=F("suggested_category")).count(),
            "low": LOW_CONFIDENCE,
        },
    )
