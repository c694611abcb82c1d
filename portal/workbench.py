"""What each role's workbench (/staff/) leads with.

The office starts its day with triage, what reached it overdue and the months to publish; a
unit head with what waits for the head (escalations, approvals, the unit's rank); a clerk with
the unit's queue. Other apps' records are read only through their scoped querysets
(`visible_to`), so a workbench never counts another unit's work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Case
from complaints.models import Complaint
from evaluations.models import Rectification
from org.models import Unit
from org.roles import Role
from org.scoping import has_role, sees_all_units, unit_of
from scorecard.models import Scorecard
from zuofeng.access import heads_a_unit
from zuofeng.duty.models import EscalationLevel, WarningLevel
from zuofeng.workdays.calendar import local_date

# How many rows a workbench list shows before "全部".
SHORT_LIST = 5


def role_of(user: Any) -> str:
    """Which workbench this user gets: office, head, discipline or clerk."""
    if sees_all_units(user):
        return "office"
    # Discipline inspection's own head reads integrity complaints, not a unit's casework.
    if has_role(user, Role.DISCIPLINE):
        return "discipline"
    if heads_a_unit(user):
        return "head"
    return "clerk"


def _levels(queryset: Any) -> dict[str, int]:
    return queryset.aggregate(
        total=Count("pk"),
        red=Count("pk", filter=Q(warning_level=WarningLevel.RED)),
        yellow=Count("pk", filter=Q(warning_level=WarningLevel.YELLOW)),
        escalated=Count("pk", filter=Q(escalation_level__gte=EscalationLevel.HEAD)),
    )


def _previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def office_context(user: Any) -> dict[str, Any]:
    today = local_date(timezone.now())
    last_month = _previous_month(today)
    triage = Complaint.objects.visible_to(user).filter(status=Complaint.Status.TRIAGE).count()
    office_level = EscalationLevel.OFFICE
    overdue = {
        "cases": Case.objects.visible_to(user).open().filter(escalation_level__gte=office_level),
        "rectifications": Rectification.objects.visible_to(user)
        .open()
        .filter(escalation_level__gte=office_level),
        "complaints": Complaint.objects.visible_to(user)
        .open()
        .filter(escalation_level__gte=office_level),
    }
    overdue_counts = {name: qs.count() for name, qs in overdue.items()}
    drafts = list(
        Scorecard.objects.filter(status=Scorecard.Status.DRAFT, month__lt=today.replace(day=1))
        .order_by("-month", "-version")
        .only("pk", "month", "version", "computed_at")[:SHORT_LIST]
    )
    last_month_status = (
        Scorecard.objects.filter(month=last_month)
        .exclude(status=Scorecard.Status.SUPERSEDED)
        .values_list("status", flat=True)
        .order_by("-version")
        .first()
    )
    return {
        "triage": triage,
        "overdue_counts": overdue_counts,
        "overdue_total": sum(overdue_counts.values()),
        "overdue_cases": overdue["cases"]
        .select_related("unit", "matter")
        .order_by("due_at")[:SHORT_LIST],
        "drafts": drafts,
        "last_month": last_month,
        "last_month_published": last_month_status == Scorecard.Status.PUBLISHED,
        "last_month_done": last_month_status is not None,
    }


def head_context(user: Any) -> dict[str, Any]:
    units = list(Unit.objects.filter(head=user))
    head_level = EscalationLevel.HEAD
    cases = Case.objects.visible_to(user).filter(unit__in=units).open()
    escalated_cases = cases.filter(escalation_level__gte=head_level)
    rectifications = Rectification.objects.visible_to(user).filter(unit__in=units)
    awaiting = rectifications.filter(status=Rectification.Status.APPROVAL)
    escalated_orders = rectifications.open().filter(escalation_level__gte=head_level)
    complaints = (
        Complaint.objects.visible_to(user)
        .open()
        .filter(handling_unit__in=units, escalation_level__gte=head_level)
    )
    return {
        "head_units": units,
        "escalated_cases": escalated_cases.select_related("matter")
        .order_by("due_at")
        .only("pk", "number", "due_at", "warning_level", "matter__name")[:SHORT_LIST],
        "escalated_case_count": escalated_cases.count(),
        "escalated_order_count": escalated_orders.count(),
        "escalated_complaint_count": complaints.count(),
        "awaiting": awaiting.order_by("due_at").only("pk", "number", "due_at", "warning_level")[
            :SHORT_LIST
        ],
        "awaiting_count": awaiting.count(),
        "queue": _levels(cases),
    }


def clerk_context(user: Any) -> dict[str, Any]:
    cases = Case.objects.visible_to(user).open()
    mine = cases.filter(handler=user)
    orders = Rectification.objects.visible_to(user).open()
    return {
        "queue": _levels(cases),
        "my_open": mine.count(),
        "waiting_acceptance": cases.filter(status=Case.Status.SUBMITTED).count(),
        "urgent": cases.filter(warning_level__in=[WarningLevel.RED, WarningLevel.YELLOW])
        .select_related("matter")
        .order_by("due_at")
        .only("pk", "number", "due_at", "warning_level", "status", "matter__name")[:SHORT_LIST],
        "open_orders": orders.count(),
    }


def workbench_context(user: Any) -> dict[str, Any]:
    role = role_of(user)
    context: dict[str, Any] = {"role": role, "unit": unit_of(user)}
    if role == "office":
        context.update(office_context(user))
    elif role == "head":
        context.update(head_context(user))
    elif role == "clerk":
        context.update(clerk_context(user))
    return context
