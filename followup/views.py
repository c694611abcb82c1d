"""Pages: the office's list of overdue duties of every kind, the 催办/督办/批示 form with its
confirmation step, a follow-up's page (the printable 督办通知书, the unit's answer, the
office's review) and the list of follow-ups (a unit's own, or all for the office)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from followup import actions
from followup.duties import (
    OVERDUE_COLUMNS,
    followed_kinds,
    kind_for,
    kind_name,
    overdue_duties,
    read_duty,
)
from followup.forms import AnswerForm, CloseForm, FollowUpForm, ReturnForm
from followup.models import FollowUp
from followup.reads import get_followup_for_user, visible_followups
from org.models import Unit
from org.scoping import sees_all_units
from zuofeng.access import office_required, staff_required
from zuofeng.duty.models import EscalationLevel
from zuofeng.forms import add_action_errors
from zuofeng.transitions import Conflict
from zuofeng.views import perform_step
from zuofeng.workdays.calendar import workdays_between

PAGE_SIZE = 25
# The Chinese labels the actions name their errors by, mapped to the form fields.
FIELD_NAMES = {
    "催办意见": "text",
    "督办要求": "text",
    "批示内容": "text",
    "批示领导": "leader",
    "办复时限": "limit_workdays",
    "办复情况": "reply",
    "审核意见": "note",
    "退回理由": "reason",
}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@office_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Every overdue duty of every registered kind, oldest deadline first, with its
    follow-ups so far and the office's three buttons."""
    now = timezone.now()
    kinds = followed_kinds()
    object_type = request.GET.get("kind", "")
    if object_type and kind_for(object_type) is None:
        object_type = ""
    unit_id = _int_or_none(request.GET.get("unit"))
    escalated = request.GET.get("escalated") == "office"
    rows = overdue_duties(
        now,
        object_type=object_type,
        unit_id=unit_id,
        escalated_to=EscalationLevel.OFFICE if escalated else 0,
    )
    page = Paginator(rows if rows is not None else [], PAGE_SIZE).get_page(request.GET.get("page"))
    items = [dict(zip(OVERDUE_COLUMNS, row, strict=True)) for row in page.object_list]
    units = Unit.objects.in_bulk({item["o_unit"] for item in items})
    # What the office already did about each duty on this page, in one query.
    done: dict[tuple[str, str], list[FollowUp]] = defaultdict(list)
    if items:
        ids_by_type: dict[str, list[str]] = defaultdict(list)
        for item in items:
            ids_by_type[item["o_type"]].append(item["o_id"])
        queryset = FollowUp.objects.none()
        for type_, ids in ids_by_type.items():
            queryset |= FollowUp.objects.filter(object_type=type_, object_id__in=ids)
        for followup in queryset.order_by("created_at", "pk"):
            done[(followup.object_type, followup.object_id)].append(followup)
    for item in items:
        kind = kind_for(item["o_type"])
        item["kind_name"] = kind_name(kind) if kind else item["o_type"]
        item["link"] = kind.link(item["o_id"]) if kind else ""
        item["unit"] = units.get(item["o_unit"])
        # Counted now rather than read from the stored colour, which changes only at a sweep.
        item["late_days"] = max(1, workdays_between(item["o_due"], now))
        history = done[(item["o_type"], item["o_id"])]
        item["urges"] = sum(1 for f in history if f.kind == FollowUp.Kind.URGE)
        item["instructions"] = sum(1 for f in history if f.kind == FollowUp.Kind.INSTRUCTION)
        item["live_notice"] = next(
            (f for f in history if f.is_notice and f.status in FollowUp.ACTIVE_NOTICE), None
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "followup/overdue.html",
        {
            "page": page,
            "items": items,
            "kinds": [(k.object_type, kind_name(k)) for k in kinds],
            "units": Unit.objects.active().only("pk", "name", "short_name"),
            "kind_selected": object_type,
            "unit_selected": unit_id,
            "escalated": escalated,
            "querystring": params.urlencode(),
        },
    )


def _new_context(
    duty: Any, kind: str, form: forms.Form, *, confirming: bool = False
) -> dict[str, Any]:
    return {
        "duty": duty,
        "kind": kind,
        "kind_label": FollowUp.Kind(kind).label,
        "form": form,
        "confirming": confirming,
        "live_notice": FollowUp.objects.filter(
            kind=FollowUp.Kind.NOTICE,
            status__in=FollowUp.ACTIVE_NOTICE,
            object_type=duty.object_type,
            object_id=duty.object_id,
        ).first(),
    }


def _run(user: Any, duty: Any, kind: str, data: dict[str, Any]) -> FollowUp:
    common = {"actor": user, "object_type": duty.object_type, "object_id": duty.object_id}
    if kind == FollowUp.Kind.URGE:
        return actions.urge_duty(**common, text=data["text"])
    if kind == FollowUp.Kind.NOTICE:
        return actions.issue_notice(
            **common, text=data["text"], limit_workdays=data["limit_workdays"]
        )
    return actions.record_instruction(**common, leader=data["leader"], text=data["text"])


@office_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """催办 / 督办 / 批示 on one duty: fill in, confirm, send."""
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "")
    if kind not in FollowUp.Kind.values:
        raise Http404
    duty = read_duty(source.get("object_type", ""), source.get("object_id", ""))
    if duty is None:
        raise Http404
    template = "followup/new.html"
    if request.method == "GET":
        return render(request, template, _new_context(duty, kind, FollowUpForm(kind=kind)))
    form = FollowUpForm(request.POST, kind=kind)
    if not form.is_valid():
        return render(request, template, _new_context(duty, kind, form), status=400)
    if request.POST.get("confirmed") != "1" or "edit" in request.POST:
        # The confirmation step: what will be sent, to whom; nothing is saved yet.
        return render(
            request,
            template,
            _new_context(duty, kind, form, confirming="edit" not in request.POST),
        )
    try:
        followup = _run(request.user, duty, kind, form.cleaned_data)
    except Conflict as exc:
        messages.error(request, str(exc))
        return render(request, template, _new_context(duty, kind, form), status=409)
    except ValidationError as exc:
        add_action_errors(form, exc, FIELD_NAMES)
        return render(request, template, _new_context(duty, kind, form), status=400)
    messages.success(request, f"已{followup.get_kind_display()}：{followup.duty_label}")
    return redirect("followup:detail", pk=followup.pk)


def _detail_context(
    request: HttpRequest, followup: FollowUp, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    office = sees_all_units(user)
    answerable = followup.status in (FollowUp.Status.OPEN, FollowUp.Status.RETURNED)
    reviewable = followup.status == FollowUp.Status.ANSWERED
    forms_: dict[str, forms.Form] = {}
    if followup.is_notice and answerable and actions.is_accountable(user, followup):
        forms_["answer"] = AnswerForm()
    if followup.is_notice and reviewable and office:
        forms_["close"] = CloseForm()
        forms_["return"] = ReturnForm()
    if bound is not None and bound[0] in forms_:
        forms_[bound[0]] = bound[1]
    duty = read_duty(followup.object_type, followup.object_id)
    return {
        "followup": followup,
        "duty": duty,
        "office": office,
        "forms": forms_,
        "now": timezone.now(),
        "others": visible_followups(user)
        .filter(object_type=followup.object_type, object_id=followup.object_id)
        .exclude(pk=followup.pk),
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_followup_for_user(request.user, pk)
    return render(request, "followup/detail.html", _detail_context(request, followup))


def _answer(user: Any, followup: FollowUp, data: dict[str, Any]) -> str:
    actions.answer_notice(actor=user, followup=followup, reply=data["reply"])
    return f"{followup.number} 已办复，等待督查室审核"


def _close(user: Any, followup: FollowUp, data: dict[str, Any]) -> str:
    actions.close_notice(actor=user, followup=followup, note=data["note"])
    return f"{followup.number} 已审核办结"


def _return(user: Any, followup: FollowUp, data: dict[str, Any]) -> str:
    actions.return_notice(actor=user, followup=followup, reason=data["reason"])
    return f"{followup.number} 已退回重办"


STEPS: dict[str, tuple[type[forms.Form], Any]] = {
    "answer": (AnswerForm, _answer),
    "close": (CloseForm, _close),
    "return": (ReturnForm, _return),
}


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    followup = get_followup_for_user(request.user, pk)
    form_class, run = STEPS[step]
    form = form_class(request.POST)
    back_to_list = request.POST.get("next") == "list"

    def done() -> HttpResponse:
        if back_to_list:
            return redirect("followup:list")
        return redirect("followup:detail", pk=followup.pk)

    def page(status: int, bound: forms.Form | None) -> HttpResponse:
        if bound is None:
            followup.refresh_from_db()
        context = _detail_context(request, followup, bound=(step, bound) if bound else None)
        return render(request, "followup/detail.html", context, status=status)

    return perform_step(
        request, form, lambda data: run(request.user, followup, data), done=done, page=page
    )


@staff_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    """A unit's follow-ups (its notices first in the unit's eyes: the answer form is here);
    the office sees every unit's, filterable by unit."""
    user = request.user
    office = sees_all_units(user)
    queryset = visible_followups(user)
    kind = request.GET.get("kind", "")
    if kind in FollowUp.Kind.values:
        queryset = queryset.filter(kind=kind)
    status = request.GET.get("status", "")
    if status == "active":
        queryset = queryset.filter(kind=FollowUp.Kind.NOTICE, status__in=FollowUp.ACTIVE_NOTICE)
    elif status in FollowUp.Status.values:
        queryset = queryset.filter(status=status)
    level = request.GET.get("level", "")
    if level:
        # The sweep's digest links here with the warning level it announced.
        queryset = queryset.filter(kind=FollowUp.Kind.NOTICE, warning_level=level)
    unit_id = _int_or_none(request.GET.get("unit")) if office else None
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "followup": f,
            "answer_form": AnswerForm(auto_id=f"id_%s_{f.pk}")
            if f.is_notice
            and f.status in (FollowUp.Status.OPEN, FollowUp.Status.RETURNED)
            and actions.is_accountable(user, f)
            else None,
        }
        for f in page.object_list
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "followup/list.html",
        {
            "office": office,
            "page": page,
            "rows": rows,
            "kinds": FollowUp.Kind.choices,
            "kind_selected": kind,
            "status_selected": status,
            "units": Unit.objects.active().only("pk", "name", "short_name") if office else [],
            "unit_selected": unit_id,
            "querystring": params.urlencode(),
            "now": timezone.now(),
        },
    )
