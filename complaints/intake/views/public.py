"""The public's and the applicant's side of 监督举报: file a complaint without an account,
read the receipt once, follow it up with the number and the receipt code, answer the
callback and ask once for it to be handled again; "my complaints" for a logged-in applicant.

What these pages show of a complaint is what the complainant may see: its status, the
public notes of its timeline (never internal notes, never staff names), the handling unit's
answer and the expected date. The complainant's identity is never shown back, not even
masked: a receipt can be photographed by someone else.

The receipt code never travels in a URL: after filing it waits in the session for one
display; after a successful follow-up lookup the session remembers the complaint for
FOLLOW_SECONDS, so answering the callback does not need the code typed again.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from complaints import actions
from complaints.intake.public_forms import (
    CallbackForm,
    ComplaintForm,
    FollowForm,
    ReopenForm,
    add_action_errors,
)
from complaints.models import ComplainantIdentity, Complaint, ComplaintEvent
from zuofeng.ratelimits import parse_rate, setting_rate
from zuofeng.transitions import Conflict

RECEIPT_KEY = "complaints.receipt"
FOLLOW_KEY = "complaints.follow"
# How long a verified follow-up stays open in the session without typing the code again.
FOLLOW_SECONDS = 30 * 60
NOT_FOUND = "未找到该举报，请核对举报编号和查询码"

STATUS_CLASSES: dict[str, str] = {
    Complaint.Status.TRIAGE: "is-info",
    Complaint.Status.ROUTED: "is-link",
    Complaint.Status.HANDLING: "is-link",
    Complaint.Status.ANSWERED: "is-warning",
    Complaint.Status.DISSATISFIED: "is-danger",
    Complaint.Status.CLOSED: "is-success",
}


file_rate = setting_rate("COMPLAINT_FILE_RATE")
follow_rate = setting_rate("COMPLAINT_FOLLOW_RATE")


def _limited(request: HttpRequest, rate: str, title: str, back: str) -> HttpResponse:
    response = render(
        request,
        "complaints/public/limited.html",
        {"title": title, "back": back},
        status=429,
    )
    response["Retry-After"] = str(parse_rate(rate)[1])
    return response


# --- filing --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimit(group="complaints.file", key="ip", rate=file_rate, method="POST", block=False)
def new_complaint(request: HttpRequest) -> HttpResponse:
    # Every POST counts, good or bad: a flood is refused before the form is even read.
    if getattr(request, "limited", False):
        return _limited(request, file_rate(), "提交过于频繁", "complaints:file")
    posted = request.method == "POST"
    if posted:
        form = ComplaintForm(request.POST, request.FILES)
    else:
        # Links from a case page name the unit (?unit=<id>): the form starts with it chosen.
        unit = request.GET.get("unit", "")
        form = ComplaintForm(initial={"unit": int(unit)} if unit.isdigit() else None)
    if posted and form.is_valid():
        try:
            complaint, code = actions.file_complaint(
                actor=request.user if request.user.is_authenticated else None,
                channel=Complaint.Channel.WEB,
                **form.filing(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            request.session[RECEIPT_KEY] = {"number": complaint.number, "code": code}
            return redirect("complaints:receipt")
    return render(request, "complaints/public/file.html", {"form": form})


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The number and the receipt code, once: the code is dropped from the session as it is
    shown, and only its hash is stored."""
    shown = request.session.pop(RECEIPT_KEY, None)
    return render(request, "complaints/public/receipt.html", {"receipt": shown})


# --- what the complainant sees -------------------------------------------------------------


def public_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The steps the complainant sees: public notes only; no actor, no internal note."""
    return (
        complaint.events.exclude(public_note="")
        .exclude(kind=ComplaintEvent.Kind.REVEALED)
        .only("kind", "at", "public_note")
    )


def expected_date(complaint: Complaint) -> Any:
    """When an answer is due: the resolution deadline once the complaint is routed (the
    clock's own deadline while it is being handled, which a reopen restarts)."""
    if complaint.status == Complaint.Status.HANDLING:
        return complaint.due_at
    if complaint.status == Complaint.Status.ROUTED:
        return complaint.resolve_due_at
    return None


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    action_url: str,
    callback_form: CallbackForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    answered = complaint.status == Complaint.Status.ANSWERED
    context = {
        "complaint": complaint,
        "status_class": STATUS_CLASSES.get(complaint.status, "is-light"),
        "timeline": public_timeline(complaint),
        "expected": expected_date(complaint),
        "awaiting_triage": complaint.status == Complaint.Status.TRIAGE,
        "handling_unit": complaint.handling_unit,
        "attachment_count": complaint.attachments.count(),
        "action_url": action_url,
        # The applicant's own page (reached from "my complaints") or the receipt follow-up.
        "mine": action_url != reverse("complaints:follow"),
        "callback_form": (callback_form or CallbackForm()) if answered else None,
        "reopen_form": (reopen_form or ReopenForm()) if complaint.can_reopen else None,
    }
    response = render(request, "complaints/public/detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _complainant_step(request: HttpRequest, complaint: Complaint, action_url: str) -> HttpResponse:
    """The callback or the reopen request, from the follow-up page or "my complaints"; the
    caller has checked that the request comes from the complainant."""
    step = request.POST.get("step")
    callback_form = reopen_form = None
    try:
        if step == "callback":
            callback_form = CallbackForm(request.POST)
            if callback_form.is_valid():
                actions.record_callback(
                    actor=None,
                    complaint=complaint,
                    result=callback_form.cleaned_data["result"],
                    note=callback_form.cleaned_data["note"],
                    by_complainant=True,
                )
                messages.success(request, "感谢您的评价，回访结果已记录。")
                return redirect(action_url)
        elif step == "reopen":
            reopen_form = ReopenForm(request.POST)
            if reopen_form.is_valid():
                done = actions.reopen(
                    complaint=complaint, reason=reopen_form.cleaned_data["reason"]
                )
                # The same words as the timeline: a new clock, who handles it, by when.
                said = done.events.filter(kind=ComplaintEvent.Kind.REOPENED).last()
                messages.success(request, said.public_note if said else "已申请重新办理。")
                return redirect(action_url)
        else:
            return redirect(action_url)
    except ValidationError as exc:
        add_action_errors(callback_form or reopen_form, exc)  # type: ignore[arg-type]
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect(action_url)
    complaint.refresh_from_db()
    return _detail(
        request,
        complaint,
        action_url=action_url,
        callback_form=callback_form,
        reopen_form=reopen_form,
        status=400,
    )


# --- follow-up with the receipt ------------------------------------------------------------


def _followed(request: HttpRequest) -> Complaint | None:
    """The complaint verified in this session within the last FOLLOW_SECONDS, if any."""
    held = request.session.get(FOLLOW_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < time.time():
        request.session.pop(FOLLOW_KEY, None)
        return None
    return (
        Complaint.objects.select_related("unit", "handling_unit").filter(pk=held.get("id")).first()
    )


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    step = request.POST.get("step", "lookup") if request.method == "POST" else None
    if step == "lookup":
        return _follow_lookup(request)
    if step == "forget":
        request.session.pop(FOLLOW_KEY, None)
        return redirect("complaints:follow")
    complaint = _followed(request)
    if complaint is None:
        if step is not None:
            messages.info(request, "查看时间已过，请重新输入举报编号和查询码。")
            return redirect("complaints:follow")
        # The texts link here with the number filled in (never the code: it is typed).
        number = request.GET.get("number", "")[:24]
        return render(
            request,
            "complaints/public/follow.html",
            {"form": FollowForm(initial={"number": number})},
        )
    if step is not None:
        return _complainant_step(request, complaint, reverse("complaints:follow"))
    return _detail(request, complaint, action_url=reverse("complaints:follow"))


def _follow_lookup(request: HttpRequest) -> HttpResponse:
    if is_ratelimited(
        request,
        group="complaints.follow",
        key="ip",
        rate=follow_rate,
        method="POST",
        increment=True,
    ):
        return _limited(request, follow_rate(), "查询过于频繁", "complaints:follow")
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/public/follow.html", {"form": form}, status=400)
    complaint = actions.find_by_receipt(form.cleaned_data["number"], form.cleaned_data["code"])
    if complaint is None:
        # The same answer whichever of the two was wrong: an empty form, nothing echoed.
        return render(
            request,
            "complaints/public/follow.html",
            {"form": FollowForm(), "not_found": NOT_FOUND},
        )
    request.session.cycle_key()
    request.session[FOLLOW_KEY] = {"id": complaint.pk, "until": time.time() + FOLLOW_SECONDS}
    return redirect("complaints:follow")


# --- my complaints (logged-in applicants) --------------------------------------------------


def complaints_filed_by(user: Any) -> QuerySet[Complaint]:
    """The complaints an applicant filed while logged in; everyone else's do not exist for
    them."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    own = ComplainantIdentity.objects.filter(user=user).values("complaint_id")
    return Complaint.objects.filter(pk__in=own)


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    complaints = (
        complaints_filed_by(request.user).select_related("unit").order_by("-received_at", "-id")
    )
    page = Paginator(complaints, 20).get_page(request.GET.get("page"))
    for complaint in page.object_list:
        complaint.status_class = STATUS_CLASSES.get(complaint.status, "is-light")
    return render(request, "complaints/public/my_complaints.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def my_complaint(request: HttpRequest, number: str) -> HttpResponse:
    complaint = get_object_or_404(
        complaints_filed_by(request.user).select_related("unit", "handling_unit"), number=number
    )
    url = request.path
    if request.method == "POST":
        return _complainant_step(request, complaint, url)
    return _detail(request, complaint, action_url=url)
