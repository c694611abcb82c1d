"""Overview pages: hot spots (near-duplicate groups, the office only), the three rates per
unit per month with the records behind each number, and the Excel export of a list.

The export carries no identity: it is built from the complaint table alone, which holds none
(identities live sealed in their own table).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from complaints.handling import stats
from complaints.handling.views.staff import STATUS_ALL, filtered_complaints, sees_several_units
from complaints.models import Complaint, ComplaintCluster
from org.models import Unit
from org.scoping import sees_all_units, unit_of
from zuofeng.access import office_required, staff_required
from zuofeng.duty.ordering import with_urgency
from zuofeng.periods import last_months, month_start, parse_month
from zuofeng.spreadsheets import append_row
from zuofeng.workdays.calendar import local_date

CLUSTERS_PER_PAGE = 20
EXPORT_MAX_ROWS = 50000

# --- hot spots --------------------------------------------------------------------------------


@office_required
@require_GET
def hot_spots(request: HttpRequest) -> HttpResponse:
    members = Complaint.objects.visible_to(request.user).select_related(
        "handling_unit", "category", "suggested_category"
    )
    clusters = (
        ComplaintCluster.objects.filter(size__gte=2)
        .select_related("unit")
        .prefetch_related(Prefetch("complaints", queryset=members.order_by("-received_at", "-pk")))
        .order_by("-last_at", "-pk")
    )
    page = Paginator(clusters, CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "complaints/staff/hot_spots.html", {"page": page})


# --- the three rates --------------------------------------------------------------------------


@dataclass
class RateCell:
    numerator: int
    denominator: int
    numerator_link: str
    denominator_link: str

    @property
    def percent(self) -> str:
        if not self.denominator:
            return "—"
        return f"{self.numerator / self.denominator * 100:.1f}%"


@dataclass
class RateRow:
    unit: Unit
    routed: int
    routed_link: str
    cells: dict[str, RateCell] = field(default_factory=dict)


def _list_link(**params: str) -> str:
    return reverse("complaints:staff_queue") + "?" + urlencode(params)


def _rate_row(
    unit: Unit, rates: stats.UnitRates | None, month_text: str, with_unit: bool
) -> RateRow:
    base = {"status": STATUS_ALL, "month": month_text}
    if with_unit:
        base["unit"] = unit.code
    row = RateRow(unit=unit, routed=rates.routed if rates else 0, routed_link=_list_link(**base))
    for measure in stats.MEASURES:
        row.cells[measure] = RateCell(
            numerator=getattr(rates, f"{measure}_numerator", 0) if rates else 0,
            denominator=getattr(rates, f"{measure}_denominator", 0) if rates else 0,
            numerator_link=_list_link(**base, measure=measure, part="numerator"),
            denominator_link=_list_link(**base, measure=measure, part="denominator"),
        )
    return row


@staff_required
@require_GET
def rates(request: HttpRequest) -> HttpResponse:
    """三率: the office sees every unit; a unit (and discipline inspection) its own row."""
    user = request.user
    now = timezone.now()
    today = local_date(now)
    month = parse_month(request.GET.get("month")) or month_start(today)
    month_text = f"{month:%Y-%m}"
    if sees_all_units(user):
        figures = stats.rates_by_unit(month, now=now)
        units = Unit.objects.filter(archived=False) | Unit.objects.filter(pk__in=list(figures))
        units = units.order_by("sort_order", "code")
    else:
        unit = unit_of(user)
        if unit is None:
            raise Http404
        figures = stats.rates_by_unit(month, now=now, unit_ids=[unit.pk])
        units = Unit.objects.filter(pk=unit.pk)
    several = sees_several_units(user)
    rows = [_rate_row(unit, figures.get(unit.pk), month_text, several) for unit in units]
    if sees_all_units(user):
        # Units that handled complaints first, then the rest (most have none in a month).
        rows.sort(key=lambda row: row.routed == 0)
    return render(
        request,
        "complaints/staff/rates.html",
        {
            "month": month,
            "months": last_months(today, 12),
            "rows": rows,
            "measures": stats.MEASURES,
            "office": sees_all_units(user),
        },
    )


# --- the Excel export -------------------------------------------------------------------------

# (header, value) in sheet order. Nothing about the complainant: no name, phone, ID number,
# contact, account or receipt code.
EXPORT_COLUMNS: list[tuple[str, Any]] = [
    ("举报编号", lambda c: c.number),
    ("收到时间", lambda c: _local(c.received_at)),
    ("渠道", lambda c: c.get_channel_display()),
    ("被举报单位", lambda c: c.unit.name if c.unit else ""),
    ("被举报干部", lambda c: c.subject_name),
    ("是否一把手", lambda c: "是" if c.subject_is_head else "否"),
    ("建议类别", lambda c: c.suggested_category.name),
    ("置信度", lambda c: round(c.confidence, 2)),
    ("确认类别", lambda c: c.category.name if c.category else ""),
    ("承办单位", lambda c: c.handling_unit.name if c.handling_unit else ""),
    ("状态", lambda c: c.get_status_display()),
    ("预警", lambda c: c.get_warning_level_display()),
    ("分办时间", lambda c: _local(c.triaged_at)),
    ("响应期限", lambda c: _local(c.respond_due_at)),
    ("响应时间", lambda c: _local(c.responded_at)),
    ("办理期限", lambda c: _local(c.resolve_due_at)),
    ("答复时间", lambda c: _local(c.answered_at)),
    ("回访结果", lambda c: c.get_callback_display() if c.callback else ""),
    ("重办次数", lambda c: c.reopen_count),
    ("办结时间", lambda c: _local(c.closed_at)),
    ("地点", lambda c: c.place),
    ("举报内容", lambda c: c.text),
    ("答复内容", lambda c: c.answer),
]


def _local(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def export_workbook(complaints: Any) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("监督举报")
    sheet.append([header for header, _ in EXPORT_COLUMNS])
    rows = complaints.select_related("unit", "handling_unit", "category", "suggested_category")
    for complaint in rows[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        append_row(sheet, [value(complaint) for _, value in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@staff_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    listing = filtered_complaints(request)
    content = export_workbook(with_urgency(listing.complaints, oldest="received_at"))
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
