"""Staff pages of complaints: the list (the handling unit's queue, the office's and discipline
inspection's overview), one complaint with the steps the user may take, the audited reveal
of the complainant's identity, and the attachments.

Reads go through `Complaint.objects.visible_to` (another unit's complaint is a 404); every
change goes through `complaints.handling.actions`, which also decides who may act and in
which state. No page here shows the complainant's identity, except the one-time answer of `reveal`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints.handling import actions, stats
from complaints.handling.staff_forms import (
    STATUS_ALL,
    STATUS_OPEN,
    AnswerForm,
    CallbackForm,
    CloseForm,
    QueueFilterForm,
    RespondForm,
    RevealForm,
)
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from org.roles import Role
from org.scoping import has_role, sees_all_units, unit_of
from zuofeng.access import staff_required
from zuofeng.duty import clock
from zuofeng.duty.ordering import with_urgency
from zuofeng.forms import add_action_errors
from zuofeng.periods import parse_month
from zuofeng.uploads import private_download
from zuofeng.views import perform_step

PAGE_SIZE = 20
# What the complaints behind each of the three rates' numbers are, in the list's banner.
DRILL_LABELS = {
    ("response", "numerator"): "按时响应",
    ("response", "denominator"): "应响应（已响应或已过响应期限）",
    ("resolution", "numerator"): "按期答复",
    ("resolution", "denominator"): "应办结（已答复或已过办理期限）",
    ("satisfaction", "numerator"): "满意或基本满意",
    ("satisfaction", "denominator"): "回访有结果",
}
LIST_COLUMNS = (
    "number",
    "channel",
    "status",
    "received_at",
    "unit__name",
    "unit__short_name",
    "handling_unit__name",
    "handling_unit__short_name",
    "subject_name",
    "subject_is_head",
    "category__name",
    "suggested_category__name",
    "confidence",
    "due_at",
    "warning_level",
    "reopen_count",
)

# --- reads ---------------------------------------------------------------------------------


def get_complaint_for_staff(user: Any, pk: int) -> Complaint:
    """A complaint the user may see, or 404: another unit's complaint does not exist for them."""
    return get_object_or_404(
        Complaint.objects.visible_to(user).select_related(
            "unit", "handling_unit", "category", "suggested_category", "cluster"
        ),
        pk=pk,
    )


def is_handler(user: Any, complaint: Complaint) -> bool:
    """Whether the user works in the unit that must answer the complaint."""
    unit = unit_of(user)
    return unit is not None and complaint.handling_unit_id == unit.pk


def sees_several_units(user: Any) -> bool:
    """The office and discipline inspection look across units; a unit sees its own work."""
    return sees_all_units(user) or has_role(user, Role.DISCIPLINE)


@dataclass
class ComplaintList:
    """The filtered list a user asked for; the list page and the Excel export share it."""

    form: QueueFilterForm
    complaints: QuerySet[Complaint]
    status: str
    month: dt.date | None
    drill_label: str
    drill_error: str


def filtered_complaints(request: HttpRequest) -> ComplaintList:
    user = request.user
    several = sees_several_units(user)
    form = QueueFilterForm(request.GET, several_units=several)
    form.is_valid()  # invalid filters are shown as errors and left out
    data = form.cleaned_data
    complaints = Complaint.objects.visible_to(user)
    status = data.get("status") or STATUS_OPEN
    if status == STATUS_OPEN:
        complaints = complaints.open()
    elif status != STATUS_ALL:
        complaints = complaints.filter(status=status)
    if data.get("level"):
        complaints = complaints.filter(warning_level=data["level"])
    if data.get("category"):
        complaints = complaints.filter(category=data["category"])
    if several and data.get("unit"):
        complaints = complaints.filter(handling_unit=data["unit"])
    month = parse_month(data.get("month"))
    drill_label = drill_error = ""
    measure, part = data.get("measure") or "", data.get("part") or ""
    if measure or part:
        label = DRILL_LABELS.get((measure, part))
        if month is None or label is None:
            drill_error = "三率明细的参数无效，已忽略"
        else:
            complaints = stats.records(complaints, month, measure, part, timezone.now())
            drill_label = f"{month:%Y年%m月}分办 · {stats.MEASURES[measure]}：{label}"
    elif month is not None:
        complaints = stats.routed_in(complaints, month)
        drill_label = f"{month:%Y年%m月}分办"
    return ComplaintList(form, complaints, status, month, drill_label, drill_error)


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    listing = filtered_complaints(request)
    complaints = with_urgency(
        listing.complaints.select_related(
            "unit", "handling_unit", "category", "suggested_category"
        ).only(*LIST_COLUMNS),
        oldest="received_at",
    )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    user = request.user
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "listing": listing,
            "form": listing.form,
            "page": page,
            "several_units": sees_several_units(user),
            "office": sees_all_units(user),
            "querystring": params.urlencode(),
        },
    )


# --- one complaint and its steps -------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One postable step: its form, whether this user may take it now, and how it calls
    `complaints.handling.actions` (returns the message)."""

    form_class: type[forms.Form]
    allowed: Callable[[Any, Complaint], bool]
    run: Callable[[Any, Complaint, dict[str, Any]], str]


def _handler_in(*statuses: str) -> Callable[[Any, Complaint], bool]:
    return lambda user, c: c.status in statuses and is_handler(user, c)


def _respond(user: Any, complaint: Complaint, data: dict[str, Any]) -> str:
    actions.respond(actor=user, complaint=complaint, note=data["note"])
    return f"已响应举报 {complaint.number}，请在办理期限内答复"


def _answer(user: Any, complaint: Complaint, data: dict[str, Any]) -> str:
    actions.answer(actor=user, complaint=complaint, text=data["text"])
    return f"已答复举报 {complaint.number}，等待回访"


def _callback(user: Any, complaint: Complaint, data: dict[str, Any]) -> str:
    done = actions.record_callback(
        actor=user, complaint=complaint, result=data["result"], note=data["note"]
    )
    return f"已登记回访结果：{done.get_callback_display()}（{done.get_status_display()}）"


def _close(user: Any, complaint: Complaint, data: dict[str, Any]) -> str:
    actions.close(actor=user, complaint=complaint, reason=data["reason"])
    return f"举报 {complaint.number} 已办结"


STEPS: dict[str, StepSpec] = {
    "respond": StepSpec(RespondForm, _handler_in(Complaint.Status.ROUTED), _respond),
    "answer": StepSpec(
        AnswerForm, _handler_in(Complaint.Status.ROUTED, Complaint.Status.HANDLING), _answer
    ),
    "callback": StepSpec(
        CallbackForm,
        lambda user, c: (
            c.status == Complaint.Status.ANSWERED and (is_handler(user, c) or sees_all_units(user))
        ),
        _callback,
    ),
    "close": StepSpec(
        CloseForm,
        lambda user, c: (
            sees_all_units(user)
            and c.status in (Complaint.Status.ANSWERED, Complaint.Status.DISSATISFIED)
        ),
        _close,
    ),
}


def _step_forms(
    complaint: Complaint, user: Any, bound: tuple[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    result: dict[str, forms.Form] = {
        name: spec.form_class(auto_id=f"id_{name}_%s")
        for name, spec in STEPS.items()
        if spec.allowed(user, complaint)
    }
    if bound is not None:
        result[bound[0]] = bound[1]
    return result


def visible_events(complaint: Complaint, user: Any) -> QuerySet[ComplaintEvent]:
    """The timeline; reveals (and their reasons) only for those who may reveal themselves."""
    events = complaint.events.select_related("actor")
    if not actions.may_reveal(user, complaint):
        events = events.exclude(kind=ComplaintEvent.Kind.REVEALED)
    return events


def _detail_context(
    request: HttpRequest, complaint: Complaint, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    remaining = (
        clock.remaining_workdays(complaint, now)
        if complaint.due_at and complaint.clock_stopped_at is None
        else None
    )
    similar = []
    if complaint.cluster_id is not None:
        similar = list(
            Complaint.objects.visible_to(user)
            .filter(cluster_id=complaint.cluster_id)
            .exclude(pk=complaint.pk)
            .only("number", "received_at", "status")[:20]
        )
    may_reveal = actions.may_reveal(user, complaint)
    return {
        "complaint": complaint,
        "handler": is_handler(user, complaint),
        "office": sees_all_units(user),
        "may_reveal": may_reveal,
        "anonymised_at": actions.anonymised_at(complaint) if may_reveal else None,
        "forms": _step_forms(complaint, user, bound),
        "remaining": remaining,
        "events": visible_events(complaint, user),
        "attachments": complaint.attachments.order_by("uploaded_at", "pk"),
        "similar": similar,
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_staff(request.user, pk)
    return render(request, "complaints/staff/detail.html", _detail_context(request, complaint))


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    complaint = get_complaint_for_staff(request.user, pk)
    form = spec.form_class(request.POST, auto_id=f"id_{step}_%s")

    def page(status: int, bound: forms.Form | None) -> HttpResponse:
        if bound is None:
            complaint.refresh_from_db()
        context = _detail_context(request, complaint, bound=(step, bound) if bound else None)
        return render(request, "complaints/staff/detail.html", context, status=status)

    return perform_step(
        request,
        form,
        lambda data: spec.run(request.user, complaint, data),
        done=lambda: redirect("complaints:staff_detail", pk=complaint.pk),
        page=page,
    )


# --- the reveal ------------------------------------------------------------------------------


# The reveal answered by post/redirect/get: the POST logs the reveal and leaves in the session
# only which reveal may be shown (never the identity); the GET that follows shows it once and
# forgets it, so a reload neither re-posts nor shows it again, and nothing is logged twice.
REVEAL_KEY = "complaints.reveal"
REVEAL_SHOW_SECONDS = 120


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """查看举报人身份: a reason and a confirmation; the identity is then shown once by
    `reveal_shown` (never stored in the session, a message or a URL; not cached)."""
    complaint = get_complaint_for_staff(request.user, pk)
    if not actions.may_reveal(request.user, complaint):
        raise PermissionDenied("只有督查室和纪检人员可以查看举报人身份")
    context: dict[str, Any] = {"complaint": complaint}
    gone = actions.anonymised_at(complaint)
    if gone is not None:
        # Nothing left to reveal (the retention purge emptied it): said so, nothing logged.
        context["anonymised_at"] = gone
        return render(request, "complaints/staff/reveal.html", context)
    if request.method == "POST":
        form = RevealForm(request.POST)
        if form.is_valid():
            try:
                actions.reveal_identity(
                    actor=request.user, complaint=complaint, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                event = (
                    complaint.events.filter(kind=ComplaintEvent.Kind.REVEALED, actor=request.user)
                    .order_by("-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
                request.session[REVEAL_KEY] = {
                    "complaint": complaint.pk,
                    "event": event,
                    "until": time.time() + REVEAL_SHOW_SECONDS,
                }
                return redirect("complaints:reveal_shown", pk=complaint.pk)
        context["form"] = form
        return render(request, "complaints/staff/reveal.html", context, status=400)
    context["form"] = RevealForm()
    return render(request, "complaints/staff/reveal.html", context)


@staff_required
@never_cache
@require_GET
def reveal_shown(request: HttpRequest, pk: int) -> HttpResponse:
    """The identity of the reveal just posted, once: a second GET (a reload, the back
    button) finds nothing to show and asks for a new reason instead."""
    complaint = get_complaint_for_staff(request.user, pk)
    if not actions.may_reveal(request.user, complaint):
        raise PermissionDenied("只有督查室和纪检人员可以查看举报人身份")
    held = request.session.pop(REVEAL_KEY, None)
    identity = None
    if (
        isinstance(held, dict)
        and held.get("complaint") == complaint.pk
        and held.get("until", 0) >= time.time()
    ):
        identity = actions.identity_of_reveal(
            actor=request.user, complaint=complaint, event_id=held.get("event") or 0
        )
    if identity is None:
        messages.info(
            request,
            "举报人身份只显示一次。如需再次查看，请重新填写理由，本次查看将另行记入审计日志。",
        )
        return redirect("complaints:reveal", pk=complaint.pk)
    reason = complaint.events.filter(pk=held["event"]).values_list("note", flat=True).first()
    response = render(
        request,
        "complaints/staff/revealed.html",
        {"complaint": complaint, "identity": identity, "reason": reason},
    )
    response["Cache-Control"] = "no-store, private"
    return response


# --- attachments ------------------------------------------------------------------------------


@staff_required
@require_GET
def attachment(request: HttpRequest, pk: int, index: int) -> FileResponse:
    """The complaint's n-th attachment. Named by the complaint number, not by the uploaded
    file name: a file name can carry the complainant's name."""
    complaint = get_complaint_for_staff(request.user, pk)
    files = list(complaint.attachments.order_by("uploaded_at", "pk"))
    if not 1 <= index <= len(files):
        raise Http404
    record: ComplaintAttachment = files[index - 1]
    name = f"{complaint.number}-附件{index}{record.extension}"
    return private_download(record.file, name, record.content_type)
