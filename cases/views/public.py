"""Public progress lookup (办件查询), without login: a page and a JSON API.

Only the case number and the query code together open a case, and the answer never tells
which of the two was wrong, so numbers cannot be enumerated. What is shown is public by
construction: the applicant's name, phone and ID number are not even loaded, and the timeline
carries each event's public note, never the internal one. Both entry points are rate-limited
per client address with the district's LOOKUP_RATE.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cases.models import Case, CaseEvent
from cases.public_forms import LookupForm

NOT_FOUND = "未找到该办件，请核对办件编号和查询码"
LIMITED = "查询过于频繁，请稍后再试"
# Compared against when the number is unknown, so a miss takes the same path as a wrong code.
_ABSENT_CODE = b"\x00" * 8

# Bulma tag colour of each status, shared by the lookup and the applicant's pages.
STATUS_CLASSES: dict[str, str] = {
    Case.Status.SUBMITTED: "is-info",
    Case.Status.SUPPLEMENT: "is-warning",
    Case.Status.ACCEPTED: "is-link",
    Case.Status.NOT_ACCEPTED: "is-danger",
    Case.Status.APPROVED: "is-success",
    Case.Status.REFUSED: "is-danger",
    Case.Status.CLOSED: "is-dark",
}

# django-ratelimit's rate syntax ("30/m", "100/5m"), which the API throttle reads as well.
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/m" → (30, 60); "100/5m" → (100, 300)."""
    match = _RATE.fullmatch(str(rate).strip())
    if match is None:
        raise ImproperlyConfigured(
            f'ZUOFENG["LOOKUP_RATE"] = {rate!r}: expected a count per period such as "30/m"'
        )
    count, multiple, unit = match.groups()
    return int(count), _PERIOD_SECONDS[unit] * int(multiple or 1)


def lookup_rate(group: str | None = None, request: HttpRequest | None = None) -> str:
    """Read at every request, so an operator's change needs no code change (and tests can
    lower it)."""
    return str(settings.ZUOFENG["LOOKUP_RATE"])


def client_address(request: Any) -> str:
    """The connecting address, as django-ratelimit's key="ip" sees it: REMOTE_ADDR, with an
    IPv6 client counted by its /64 (one subscriber's whole range)."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


@dataclass(frozen=True)
class LookupResult:
    case: Case
    timeline: list[CaseEvent]


def normalise_number(number: str) -> str:
    return "".join(number.split())


def normalise_query_code(code: str) -> str:
    return "".join(code.split()).upper()


def find_case_for_lookup(number: str, query_code: str) -> LookupResult | None:
    """The case behind a number and query code, or None for a wrong code and an unknown number
    alike. Two queries when found, one otherwise."""
    case = (
        Case.objects.select_related("matter", "unit")
        # Only public fields leave the database: personal data cannot leak from this page.
        .only(
            "number",
            "query_code",
            "status",
            "due_at",
            "clock_paused_at",
            "matter__name",
            "unit__name",
        )
        .filter(number=normalise_number(number))
        .first()
    )
    expected = case.query_code.encode() if case is not None else _ABSENT_CODE
    # Bytes, not str: compare_digest refuses non-ASCII text, and a code typed in Chinese must
    # be an ordinary miss, not a server error.
    matches = secrets.compare_digest(expected, normalise_query_code(query_code).encode())
    if case is None or not matches:
        return None
    timeline = list(
        CaseEvent.objects.filter(case_id=case.pk)
        .only("case_id", "kind", "at", "public_note")
        .order_by("at", "id")
    )
    return LookupResult(case=case, timeline=timeline)


def _limited_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "cases/public/lookup_limited.html", {"message": LIMITED}, status=429)
    response["Retry-After"] = str(parse_rate(lookup_rate())[1])
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(group="cases.lookup", key="ip", rate=lookup_rate, method="POST", block=False)
def lookup(request: HttpRequest) -> HttpResponse:
    # A limited request touches neither the form nor the database: a flood stays cheap.
    if getattr(request, "limited", False):
        return _limited_page(request)
    if request.method != "POST":
        return render(request, "cases/public/lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/public/lookup.html", {"form": form})
    result = find_case_for_lookup(form.cleaned_data["number"], form.cleaned_data["query_code"])
    if result is None:
        # The same page, byte for byte, whichever of the two was wrong: no form echoing the
        # input and no CSRF token in it.
        return render(request, "cases/public/lookup_not_found.html", {"message": NOT_FOUND})
    case = result.case
    return render(
        request,
        "cases/public/lookup_result.html",
        {
            "case": case,
            "timeline": result.timeline,
            "status_class": STATUS_CLASSES.get(case.status, "is-light"),
            "clock_paused": case.clock_paused_at is not None,
        },
    )


# --- API ---------------------------------------------------------------------------------


class LookupRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text="办件编号")
    query_code = serializers.CharField(max_length=12, help_text="查询码（不区分大小写）")


class LookupEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="时间（北京时间）")
    kind = serializers.ChoiceField(choices=CaseEvent.Kind.choices)
    label = serializers.CharField(source="get_kind_display", help_text="环节")
    note = serializers.CharField(source="public_note", help_text="公开说明")


class LookupResultSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number", help_text="办件编号")
    status = serializers.ChoiceField(source="case.status", choices=Case.Status.choices)
    status_label = serializers.CharField(source="case.get_status_display", help_text="状态")
    matter = serializers.CharField(source="case.matter.name", help_text="事项名称")
    unit = serializers.CharField(source="case.unit.name", help_text="承办单位")
    due_at = serializers.DateTimeField(
        source="case.due_at", allow_null=True, help_text="承诺办结时间；受理前为空"
    )
    timeline = LookupEventSerializer(many=True)


class LookupMessageSerializer(serializers.Serializer):
    """A refusal (404, 429): one sentence for the person asking."""

    detail = serializers.CharField()


class LookupThrottle(ScopedRateThrottle):
    """DRF's scoped throttle with the page's rule: the district's LOOKUP_RATE, counted per
    connecting address."""

    def get_rate(self) -> str:
        return lookup_rate()

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        if rate is None:
            return None, None
        return parse_rate(rate)

    def get_ident(self, request: Request) -> str:
        # DRF would otherwise believe X-Forwarded-For, which a client writes itself: a flood
        # could rotate fake addresses and never be throttled.
        return client_address(request)


class LookupAPIView(APIView):
    # Anonymous by design: no session is read, so no CSRF token is needed, and a logged-in
    # user gets exactly what the public gets.
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]
    renderer_classes = [JSONRenderer]
    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]
    throttle_scope = "lookup"

    def throttled(self, request: Request, wait: float | None) -> None:
        raise Throttled(wait, detail=LIMITED)

    @extend_schema(
        operation_id="cases_lookup",
        summary="办件进度查询",
        description=(
            "凭办件编号和查询码查询办理进度，无需登录。编号不存在与查询码错误返回相同的 404。"
            "按客户端地址限制查询频率。结果不含申请人的任何个人信息。"
        ),
        request=LookupRequestSerializer,
        responses={
            200: LookupResultSerializer,
            400: OpenApiResponse(description="缺少编号或查询码，或超出长度"),
            404: OpenApiResponse(LookupMessageSerializer, description=NOT_FOUND),
            429: OpenApiResponse(LookupMessageSerializer, description=LIMITED),
        },
        auth=[],
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        serializer = LookupRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = find_case_for_lookup(
            serializer.validated_data["number"], serializer.validated_data["query_code"]
        )
        if result is None:
            return Response({"detail": NOT_FOUND}, status=404)
        # Built by hand rather than through LookupResultSerializer (which documents the shape
        # in the schema): this is the district's busiest public endpoint.
        return Response(lookup_payload(result))


def lookup_payload(result: LookupResult) -> dict[str, Any]:
    case = result.case
    return {
        "number": case.number,
        "status": case.status,
        "status_label": case.get_status_display(),
        "matter": case.matter.name,
        "unit": case.unit.name,
        "due_at": _iso(case.due_at),
        "timeline": [
            {
                "at": _iso(event.at),
                "kind": event.kind,
                "label": event.get_kind_display(),
                "note": event.public_note,
            }
            for event in result.timeline
        ],
    }


def _iso(moment: Any) -> str | None:
    # The same text DRF's DateTimeField gives: local time with its offset.
    return None if moment is None else timezone.localtime(moment).isoformat()
