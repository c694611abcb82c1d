"""What Open311 publishes about categories and complaints.

A complaint is published by its number, category, status, handling unit, dates and place
only. Its text, the unit's reply and anything about who complained are not published: a
complaint's own words often identify its author to the unit complained about (see README,
"Open311").
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from complaints.intake.open311.formats import w3_datetime
from complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from org.models import Unit

SERVICE_GROUP = "作风监督"
OFFICE_NAME = "督查室"
# The unit's reply is addressed to the complainant, who reads it with the receipt code.
ANSWER_NOTE = "承办单位已答复，举报人可凭举报编号和回执码查看答复内容。"

UNIT_ATTRIBUTE = "unit"
SUBJECT_ATTRIBUTE = "subject"


def service(category: ComplaintCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": category.description.replace("、", ", "),
        "group": SERVICE_GROUP,
    }


def active_units() -> list[Unit]:
    return list(Unit.objects.active().only("code", "name"))


def definition(category: ComplaintCategory, units: list[Unit]) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": UNIT_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "被举报单位；不清楚可以不选，由督查室甄别",
                "order": 1,
                "description": "您要举报哪个单位？",
                "values": [{"key": unit.code, "name": unit.name} for unit in units],
            },
            {
                "variable": True,
                "code": SUBJECT_ATTRIBUTE,
                "datatype": "string",
                "required": False,
                "datatype_description": "姓名或职务，最多 60 字",
                "order": 2,
                "description": "被举报的干部（可不填）",
            },
        ],
    }


def published() -> QuerySet[Complaint]:
    """Complaints with what the list needs in one query: the latest public step (an
    identity reveal is internal and must not even move the update time)."""
    steps = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"))
        .exclude(kind=ComplaintEvent.Kind.REVEALED)
        .order_by("-at", "-id")
    )
    return (
        Complaint.objects.select_related("category", "suggested_category", "handling_unit")
        .only(
            "number",
            "token",
            "status",
            "received_at",
            "due_at",
            "place",
            "latitude",
            "longitude",
            "category__code",
            "category__name",
            "suggested_category__code",
            "suggested_category__name",
            "handling_unit__name",
        )
        .annotate(
            step_at=Subquery(steps.values("at")[:1]),
            step_kind=Subquery(steps.values("kind")[:1]),
            step_note=Subquery(steps.values("public_note")[:1]),
        )
    )


def _coordinate(value: Any) -> float | None:
    return None if value is None else float(value)


def request(complaint: Complaint) -> dict[str, Any]:
    """One complaint as a GeoReport service request (from `published()`)."""
    category = complaint.category or complaint.suggested_category
    note = getattr(complaint, "step_note", "") or None
    if getattr(complaint, "step_kind", "") == ComplaintEvent.Kind.ANSWERED:
        note = ANSWER_NOTE
    closed = complaint.status == Complaint.Status.CLOSED
    handling = complaint.handling_unit
    return {
        "service_request_id": complaint.number,
        "status": "closed" if closed else "open",
        "status_notes": note,
        "service_name": category.name,
        "service_code": category.code,
        "description": None,
        "agency_responsible": handling.name if handling is not None else OFFICE_NAME,
        "service_notice": None,
        "requested_datetime": w3_datetime(complaint.received_at),
        "updated_datetime": w3_datetime(getattr(complaint, "step_at", None))
        or w3_datetime(complaint.received_at),
        "expected_datetime": w3_datetime(complaint.due_at),
        "address": complaint.place or None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(complaint.latitude),
        "long": _coordinate(complaint.longitude),
        "media_url": None,
    }
