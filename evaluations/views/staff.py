"""Staff pages of 好差评: the unit's rectification work orders (差评整改), one order with the
step its state allows, the unit's ratings with an appeal form each, and the appeal queue the
supervision office decides.

Reads go through `visible_to` (another unit's record is a 404); every change goes through
`evaluations.actions`, which also decides who may act and in which state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from evaluations import actions
from evaluations.models import Evaluation, Level, Rectification
from evaluations.staff_forms import (
    STATUS_ALL,
    STATUS_OPEN,
    ApproveForm,
    CallbackForm,
    RectificationFilterForm,
    RectifyForm,
    ReturnForm,
    VerifyForm,
)
from org.models import Unit
from org.roles import Role
from org.scoping import has_role, sees_all_units, unit_of
from zuofeng.access import casework_required, staff_required
from zuofeng.audit.models import AuditEvent
from zuofeng.duty import clock
from zuofeng.duty.models import WARNING_RANK, EscalationLevel, WarningLevel
from zuofeng.masking import mask_name, mask_phone
from zuofeng.views import perform_step

PAGE_SIZE = 30

# --- reads ---------------------------------------------------------------------------------


def get_rectification_for_staff(user: Any, pk: int) -> Rectification:
    """A work order the user may see, or 404: another unit's order does not exist for them."""
    return get_object_or_404(
        Rectification.objects.visible_to(user).select_related(
            "unit",
            "approved_by",
            "evaluation",
            "evaluation__case",
            "evaluation__case__matter",
        ),
        pk=pk,
    )


def get_evaluation_for_staff(user: Any, pk: int) -> Evaluation:
    return get_object_or_404(
        Evaluation.objects.visible_to(user).select_related("case", "case__matter", "unit"), pk=pk
    )


def is_member(user: Any, unit_id: int) -> bool:
    """Whether the user works in the rated unit (only its staff act on its orders)."""
    unit = unit_of(user)
    return unit is not None and unit.pk == unit_id


def is_head(user: Any, unit: Unit) -> bool:
    return unit.head_id is not None and unit.head_id == user.pk


def may_decide_appeals(user: Any) -> bool:
    return has_role(user, Role.SUPERVISOR)


def with_urgency(orders: QuerySet[Rectification]) -> QuerySet[Rectification]:
    """Open orders first; among them red, yellow, blue, none; then the nearest deadline."""
    finished = SqlCase(
        When(status__in=Rectification.FINISHED_STATUSES, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rank = SqlCase(
        *(When(warning_level=level, then=Value(rank)) for level, rank in WARNING_RANK.items()),
        default=Value(len(WARNING_RANK)),
        output_field=IntegerField(),
    )
    return orders.annotate(finished=finished, urgency=rank).order_by(
        "finished", "urgency", F("due_at").asc(nulls_last=True), "opened_at", "pk"
    )


# --- the steps a work order page can post --------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One postable step: its form, who takes it, and how it calls `evaluations.actions`."""

    form_class: type[forms.Form]
    run: Callable[[Any, Rectification, dict[str, Any]], str]
    # "member": the rated unit's staff; "head": its head; "office": the supervision office,
    # which records the return visit because the unit evaluated may not (好差评 rules).
    taker: str = "member"


def _verify(user: Any, order: Rectification, data: dict[str, Any]) -> str:
    actions.verify_rectification(actor=user, rectification=order, finding=data["finding"])
    return f"整改单 {order.number} 已登记核实情况，请整改或向评价人解释说明"


def _rectify(user: Any, order: Rectification, data: dict[str, Any]) -> str:
    order = actions.rectify(
        actor=user, rectification=order, outcome=data["outcome"], measures=data["measures"]
    )
    return (
        f"已登记“{order.get_outcome_display()}”，待督查室回访评价人（评价人也可通过评价链接确认）"
    )


def _callback(user: Any, order: Rectification, data: dict[str, Any]) -> str:
    actions.record_callback(
        actor=user,
        rectification=order,
        answer=data["answer"],
        note=data["note"],
        re_rating=data["re_rating"],
    )
    return "回访已登记，待被评价单位一把手审核办结"


def _approve(user: Any, order: Rectification, data: dict[str, Any]) -> str:
    order = actions.approve_rectification(actor=user, rectification=order)
    return f"整改单 {order.number} 已办结" + ("（按期）" if order.closed_on_time else "（超期）")


def _return(user: Any, order: Rectification, data: dict[str, Any]) -> str:
    actions.return_rectification(actor=user, rectification=order, reason=data["reason"])
    return f"整改单 {order.number} 已退回重新整改，并标为黄色预警"


STEPS: dict[str, StepSpec] = {
    "verify": StepSpec(VerifyForm, _verify),
    "rectify": StepSpec(RectifyForm, _rectify),
    "callback": StepSpec(CallbackForm, _callback, taker="office"),
    "approve": StepSpec(ApproveForm, _approve, taker="head"),
    "return": StepSpec(ReturnForm, _return, taker="head"),
}

SLOTS_BY_STATUS: dict[str, list[str]] = {
    Rectification.Status.VERIFYING: ["verify"],
    Rectification.Status.RECTIFYING: ["rectify"],
    Rectification.Status.CALLBACK: ["callback"],
    Rectification.Status.APPROVAL: ["approve", "return"],
    Rectification.Status.CLOSED: [],
    Rectification.Status.WITHDRAWN: [],
}


def _may_take(user: Any, order: Rectification, spec: StepSpec) -> bool:
    if spec.taker == "office":
        return sees_all_units(user) and not is_member(user, order.unit_id)
    if spec.taker == "head":
        return is_head(user, order.unit)
    return is_member(user, order.unit_id)


REFUSALS = {
    "member": "只有被评价单位的工作人员可以办理该整改单",
    "head": "只有本单位一把手可以审核整改结果",
    "office": actions.CALLBACK_REFUSED,
}


def _step_form(slot: str, data: Any = None) -> forms.Form:
    form_class = STEPS[slot].form_class
    kwargs = {"auto_id": f"id_{slot}_%s"}
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


def _step_forms(
    order: Rectification, user: Any, bound: tuple[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    """Forms for the steps this user may take now: the unit verifies and rectifies, its head
    approves, the office calls the rater back."""
    result = {}
    for slot in SLOTS_BY_STATUS.get(order.status, []):
        if _may_take(user, order, STEPS[slot]):
            result[slot] = bound[1] if bound and bound[0] == slot else _step_form(slot)
    return result


# --- the status trail ----------------------------------------------------------------------

TRAIL_LABELS = {
    "evaluations.open_rectification": "派单：差评自动生成整改单",
    "evaluations.verify_rectification": "核实",
    "evaluations.rectify": "整改 / 解释说明",
    "evaluations.record_callback": "回访",
    "evaluations.approve_rectification": "一把手审核办结",
    "evaluations.return_rectification": "一把手退回重新整改",
    "evaluations.withdraw_rectification": "申诉成立，整改终止",
    "duty.warning": "预警变化",
    "duty.escalate": "超期升级",
}
TRAIL_VALUES: dict[str, Callable[[Any], str]] = {
    "status": lambda v: Rectification.Status(v).label,
    "warning_level": lambda v: WarningLevel(v).label,
    "escalation_level": lambda v: EscalationLevel(v).label,
    "outcome": lambda v: Rectification.Outcome(v).label,
    "callback_answer": lambda v: Rectification.CallbackAnswer(v).label,
    "re_rating": lambda v: Level(v).label,
}
TRAIL_FIELDS = {
    "status": "状态",
    "warning_level": "预警",
    "escalation_level": "升级",
    "outcome": "整改方式",
    "callback_answer": "回访结果",
    "re_rating": "重新评价",
}


@dataclass(frozen=True)
class TrailEntry:
    at: Any
    label: str
    actor: str
    changes: list[str]
    reason: str


def _describe(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        return TRAIL_VALUES[field](value)
    except (KeyError, ValueError):
        return str(value)


def status_trail(order: Rectification) -> list[TrailEntry]:
    entries = []
    for event in AuditEvent.objects.for_object(order).order_by("id"):
        changes = [
            f"{TRAIL_FIELDS[key]}：{_describe(key, value)}"
            for key, value in (event.after or {}).items()
            if key in TRAIL_FIELDS
            and value not in (None, "")
            and (event.before or {}).get(key) != value
        ]
        entries.append(
            TrailEntry(
                at=event.created_at,
                label=TRAIL_LABELS.get(event.action, event.action),
                actor=event.actor_label,
                changes=changes,
                reason=event.reason,
            )
        )
    return entries


# --- work orders -------------------------------------------------------------------------


@casework_required
@require_GET
def rectifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    all_units = sees_all_units(user)
    form = RectificationFilterForm(request.GET, all_units=all_units)
    form.is_valid()  # invalid filters are shown as errors and left out
    data = form.cleaned_data

    orders = Rectification.objects.visible_to(user)
    status = data.get("status") or STATUS_OPEN
    if status == STATUS_OPEN:
        orders = orders.open()
    elif status != STATUS_ALL:
        orders = orders.filter(status=status)
    if data.get("level"):
        orders = orders.filter(warning_level=data["level"])
    if all_units and data.get("unit"):
        orders = orders.filter(unit=data["unit"])
    orders = with_urgency(orders.select_related("unit", "evaluation", "evaluation__case"))
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))

    headed = [] if all_units else list(Unit.objects.filter(head=user).values_list("pk", flat=True))
    awaiting_me = (
        Rectification.objects.filter(unit__in=headed, status=Rectification.Status.APPROVAL).count()
        if headed
        else 0
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "evaluations/staff/rectifications.html",
        {
            "form": form,
            "page": page,
            "all_units": all_units,
            "status": status,
            "is_head": bool(headed),
            "awaiting_me": awaiting_me,
            "querystring": params.urlencode(),
            "now": timezone.now(),
        },
    )


def _rater(order: Rectification, member: bool, calling: bool) -> dict[str, str] | None:
    """Who rated, unless the rating is anonymous. The name is masked for readers outside the
    unit (the office), like the case pages do; the phone is masked unless the reader is the
    one to call the rater back (the office, while the order waits for its return visit)."""
    evaluation = order.evaluation
    if evaluation.anonymous:
        return None
    case = evaluation.case
    return {
        "name": case.applicant_name if member else mask_name(case.applicant_name),
        "phone": case.applicant_phone if calling else mask_phone(case.applicant_phone),
    }


def _detail_context(
    request: HttpRequest, order: Rectification, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    member = is_member(user, order.unit_id)
    evaluation = order.evaluation
    step_forms = _step_forms(order, user, bound)
    return {
        "order": order,
        "evaluation": evaluation,
        "case": evaluation.case,
        "member": member,
        "head": is_head(user, order.unit),
        "rater": _rater(order, member, calling="callback" in step_forms),
        "forms": step_forms,
        "remaining": (
            clock.remaining_workdays(order, now) if order.is_open and order.due_at else None
        ),
        "verify_late": order.verified_late,
        "trail": status_trail(order),
        "appeals": evaluation.appeals.select_related("filed_by", "decided_by"),
    }


@staff_required
@require_GET
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_rectification_for_staff(request.user, pk)
    return render(request, "evaluations/staff/rectification.html", _detail_context(request, order))


@staff_required
@require_POST
def rectification_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = STEPS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    order = get_rectification_for_staff(user, pk)
    if not _may_take(user, order, spec):
        # Each step is one role's; the actions refuse anyone else as well.
        raise PermissionDenied(REFUSALS[spec.taker])
    form = _step_form(action, request.POST)

    def page(status: int, bound: forms.Form | None) -> HttpResponse:
        current = get_rectification_for_staff(user, pk) if bound is None else order
        if bound is not None and action not in SLOTS_BY_STATUS.get(current.status, []):
            # A stale page posted a step the order has moved past: say so instead of showing
            # a form the order no longer offers.
            messages.error(
                request,
                f"整改单 {current.number} 当前状态为“{current.get_status_display()}”，"
                "请刷新页面查看最新状态。",
            )
        context = _detail_context(request, current, bound=(action, bound) if bound else None)
        return render(request, "evaluations/staff/rectification.html", context, status=status)

    return perform_step(
        request,
        form,
        lambda data: spec.run(user, order, data),
        done=lambda: redirect("evaluations:rectification", pk=order.pk),
        page=page,
    )
