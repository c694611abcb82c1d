"""The 监督举报 card on the staff home: what waits for this user, in three counts."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q

from complaints.models import Complaint
from org.scoping import is_staff_member, sees_all_units
from zuofeng.duty.models import WarningLevel

register = template.Library()


@register.inclusion_tag("complaints/staff/_home_card.html", takes_context=True)
def complaint_card(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not is_staff_member(user):
        return {"show": False}
    counts = (
        Complaint.objects.visible_to(user)
        .open()
        .aggregate(
            open=Count("pk", filter=~Q(status=Complaint.Status.TRIAGE)),
            triage=Count("pk", filter=Q(status=Complaint.Status.TRIAGE)),
            red=Count("pk", filter=Q(warning_level=WarningLevel.RED)),
        )
    )
    return {"show": True, "office": sees_all_units(user), **counts}
