"""Printable documents of a case, on A4: the acceptance receipt (受理回执, with a QR code of the
public lookup and the supervision phone number), the one-time notice (一次性告知书) and the
decision not to accept (不予受理决定书), as the Administrative Licensing Law expects them
(Art. 32: the notice lists every missing material at once; a refusal gives its reason and the
applicant's right to reconsideration or litigation).

Only the handling unit's staff print them: they carry the applicant's name and the secret
query code. Anyone else gets 404, like any record they may not see.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from cases import actions
from cases.models import Case, SupplementRequest
from cases.views.staff import get_case_for_staff, is_member
from zuofeng.access import staff_required


def supervision_phone() -> str:
    """The number a resident calls about the unit's conduct (效能监督电话; a fictional demo
    default, ZUOFENG_SUPERVISION_PHONE in production)."""
    return settings.CASE_SUPERVISION_PHONE


def public_lookup_url(request: HttpRequest, case: Case | None = None) -> str:
    """Where the applicant checks progress; with a case, its number filled in (the query code
    never goes into a URL)."""
    url = request.build_absolute_uri(reverse("cases:lookup"))
    if case is not None and case.number:
        url += "?" + urlencode({"number": case.number})
    return url


def qr_svg(data: str, title: str) -> SafeString:
    """A QR code as inline SVG, drawn here (no network, no image file): segno writes only
    path data and presentation attributes, so the strict CSP (no inline style) holds."""
    code = segno.make(data, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=3, title=title, svgclass="qr-code", lineclass=None))


def _case_for_printing(request: HttpRequest, pk: int) -> Case:
    case = get_case_for_staff(request.user, pk)
    if not is_member(request.user, case):
        raise Http404  # the office reads the case but prints nothing with personal data
    return case


def _document_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "printed_at": timezone.now(),
        "supervision_phone": supervision_phone(),
        **extra,
    }


@staff_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_printing(request, pk)
    lookup_url = public_lookup_url(request, case)
    return render(
        request,
        "cases/staff/receipt.html",
        _document_context(
            request,
            case,
            lookup_url=lookup_url,
            qr=qr_svg(lookup_url, "扫码查询办理进度"),
            acceptance_limit=actions.acceptance_limit(),
        ),
    )


@staff_required
@require_GET
def supplement_notice(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    """一次性告知书: every listed material, the text meant for the applicant (never the
    internal note), and what happens next."""
    case = _case_for_printing(request, pk)
    notice = get_object_or_404(SupplementRequest, case=case, pk=notice_pk)
    lookup_url = public_lookup_url(request, case)
    return render(
        request,
        "cases/staff/print_supplement_notice.html",
        _document_context(
            request,
            case,
            notice=notice,
            lookup_url=lookup_url,
            qr=qr_svg(lookup_url, "扫码查询办理进度"),
            acceptance_limit=actions.acceptance_limit(),
        ),
    )


@staff_required
@require_GET
def refusal_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """不予受理决定书, for a case refused at acceptance only."""
    case = _case_for_printing(request, pk)
    if case.accepted_at is not None or case.decided_at is None or not case.decision_reason:
        raise Http404
    return render(request, "cases/staff/print_refusal.html", _document_context(request, case))
