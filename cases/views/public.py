"""Public progress lookup (办件查询), without login: a page and a JSON API.

Only the case number and the query code together open a case, and the answer never tells
which of the two was wrong, so numbers cannot be enumerated. What is shown is public by
construction: the applicant's name, phone and ID number are not even loaded, and the timeline
carries each event's public note, never the internal one. Both entry points are rate-limited
per client address with the district's LOOKUP_RATE.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import ProgrammingError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Case, CaseEvent
from cases.public_forms import LookupForm
from zuofeng.ratelimits import parse_rate, setting_rate

NOT_FOUND = "未找到该办件，请核对办件编号和查询码"
LIMITED = "查询过于频繁，请稍后再试"
# The site's frame (base.html) around a page's own part: see `render_page`.
PAGE_TEMPLATE = "cases/public/_page.html"

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

lookup_rate = setting_rate("LOOKUP_RATE")


@dataclass(frozen=True)
class PublicEvent:
    """One step of a case's public timeline: its time, kind and public note, nothing else.
    The properties are what the page and the API show (the page's template applies no
    filters: this is the district's busiest page)."""

    at: dt.datetime
    kind: str
    public_note: str

    @property
    def label(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    @property
    def at_iso(self) -> str:
        return _iso(self.at) or ""

    @property
    def at_text(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


@dataclass(frozen=True)
class PublicCase:
    """What the lookup may show of a case. Personal data has no field here to land in."""

    number: str
    status: str
    due_at: dt.datetime | None
    clock_paused: bool
    matter_name: str
    unit_name: str

    @property
    def status_label(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES.get(self.status, "is-light")

    @property
    def due_text(self) -> str:
        if self.due_at is None:
            return ""
        due = timezone.localtime(self.due_at)
        return f"{due.year}年{due.month}月{due.day}日"


@dataclass(frozen=True)
class LookupResult:
    case: PublicCase
    timeline: list[PublicEvent]


_STATUS_LABELS: dict[str, str] = dict(Case.Status.choices)
_KIND_LABELS: dict[str, str] = dict(CaseEvent.Kind.choices)


def normalise_number(number: str) -> str:
    return "".join(number.split())


def normalise_query_code(code: str) -> str:
    return "".join(code.split()).upper()


# One statement for the whole answer: the case's public columns, its matter's and unit's
# names, and its timeline (a LEFT JOIN, so a case without events still comes back). Written
# by hand: the ORM would spend longer compiling it than the database spends running it.
LOOKUP_SQL = (
    "SELECT c.number, c.status, c.due_at, c.clock_paused_at, m.name, u.name, c.clock_phase,"
    " e.kind, e.at, e.public_note"
    " FROM cases_case c"
    " JOIN catalog_matter m ON m.id = c.matter_id"
    " JOIN org_unit u ON u.id = c.unit_id"
    " LEFT JOIN cases_caseevent e ON e.case_id = c.id"
    " WHERE c.number = %s AND c.query_code = %s"
    " ORDER BY e.at, e.id"
)
# On PostgreSQL the statement is prepared once per database connection: planning this join
# costs the server several times what running it does (0.25 ms against 0.05 ms), and Django
# prepares nothing itself (its psycopg cursors bind parameters on the client).
# Versioned: a session kept by a pooler may still hold the previous statement under the old name.
_PREPARED_NAME = "zuofeng_case_lookup_v2"
_prepared_on: weakref.WeakSet[Any] = weakref.WeakSet()  # psycopg connections


def _lookup_rows(params: list[str]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not connection.settings_dict["CONN_MAX_AGE"]:
            # SQLite plans in microseconds; a connection per request would prepare every time.
            cursor.execute(LOOKUP_SQL, params)
            return cursor.fetchall()
        raw = connection.connection
        if raw not in _prepared_on:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_PREPARED_NAME])
            if cursor.fetchone() is None:
                numbered = LOOKUP_SQL.replace("%s", "$1", 1).replace("%s", "$2", 1)
                cursor.execute(f"PREPARE {_PREPARED_NAME} (text, text) AS {numbered}")
            _prepared_on.add(raw)
        try:
            cursor.execute(f"EXECUTE {_PREPARED_NAME} (%s, %s)", params)
        except ProgrammingError as error:
            # Gone from the session (a pooler in transaction mode, DISCARD ALL): outside a
            # transaction, forget it and answer with the plain statement.
            if getattr(error.__cause__, "sqlstate", None) != "26000" or connection.in_atomic_block:
                raise
            _prepared_on.discard(raw)
            cursor.execute(LOOKUP_SQL, params)
        return cursor.fetchall()


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # PostgreSQL hands back aware datetimes; SQLite naive ones, in UTC (Django stores UTC).
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=dt.UTC)
    return moment


def find_case_for_lookup(number: str, query_code: str) -> LookupResult | None:
    """The case behind a number and query code, or None for a wrong code and an unknown number
    alike: both are the same statement answering no row after the same index probe on the
    number, so neither the answer nor its cost says which of the two was wrong. One query.

    Only public columns are selected: personal data and internal notes never leave the
    database for this page."""
    rows = _lookup_rows([normalise_number(number), normalise_query_code(query_code)])
    if not rows:
        return None
    number, status, due_at, paused_at, matter_name, unit_name, phase = rows[0][:7]
    case = PublicCase(
        number=number,
        status=status,
        # The promised date only: while the office decides whether to accept, `due_at` is
        # its acceptance deadline, not a promise to decide.
        due_at=_aware(due_at) if phase == Case.ClockPhase.PROCESSING else None,
        clock_paused=paused_at is not None,
        matter_name=matter_name,
        unit_name=unit_name,
    )
    timeline = [
        PublicEvent(at=_aware(at), kind=kind, public_note=note)  # type: ignore[arg-type]
        for *_, kind, at, note in rows
        if kind is not None
    ]
    return LookupResult(case=case, timeline=timeline)


# --- rendering: the site's frame is rendered once, the page's own part every time ---------

_TITLE_MARK = "\x00zuofeng-page-title\x00"
_BODY_MARK = "\x00zuofeng-page-body\x00"
_frames: dict[tuple[str | None, str], tuple[str, str, str]] = {}


@receiver(setting_changed)
def _forget_frames(**kwargs: Any) -> None:
    _frames.clear()


def _is_plain_visitor(request: HttpRequest) -> bool:
    """Anonymous, with no message waiting: base.html then renders the same for everyone."""
    if request.user.is_authenticated:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or len(storage) == 0


def _frame(request: HttpRequest) -> tuple[str, str, str]:
    """base.html as an anonymous visitor sees it, cut around the title and the content:
    rendered once per process (and language and script prefix), not on every lookup."""
    key = (translation.get_language(), get_script_prefix())
    frame = _frames.get(key)
    if frame is None:
        html = render_to_string(
            PAGE_TEMPLATE,
            {"page_title": _TITLE_MARK, "page_body": mark_safe(_BODY_MARK)},
            request,
        )
        head, rest = html.split(escape(_TITLE_MARK), 1)
        middle, tail = rest.split(_BODY_MARK, 1)
        frame = _frames[key] = (head, middle, tail)
    return frame


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    title: str,
    status: int = 200,
) -> HttpResponse:
    """`template_name` (the page's own part, no `extends`) inside the site's frame.

    For a plain visitor (see `_is_plain_visitor`) with DEBUG off, the frame comes from
    `_frame` and only the page's part is rendered, with a plain context: the lookup's answer
    costs a fraction of a full `render`. Anyone else (logged in, a message waiting) and DEBUG
    (templates edited while the server runs) get the full render, with context processors."""
    if not settings.DEBUG and _is_plain_visitor(request):
        head, middle, tail = _frame(request)
        body = get_template(template_name).template.render(Context(context, autoescape=True))
        return HttpResponse(head + escape(title) + middle + body + tail, status=status)
    body = render_to_string(template_name, context, request)
    return render(
        request, PAGE_TEMPLATE, {"page_title": title, "page_body": mark_safe(body)}, status=status
    )


def _limited_page(request: HttpRequest) -> HttpResponse:
    response = render_page(
        request,
        "cases/public/lookup_limited.html",
        {"message": LIMITED},
        title="查询过于频繁",
        status=429,
    )
    response["Retry-After"] = str(parse_rate(lookup_rate())[1])
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(group="cases.lookup", key="ip", rate=lookup_rate, method="POST", block=False)
def lookup(request: HttpRequest) -> HttpResponse:
    # A limited request touches neither the form nor the database: a flood stays cheap.
    if getattr(request, "limited", False):
        return _limited_page(request)
    if request.method != "POST":
        # The receipt's QR code opens this page with the case number filled in (never the
        # query code: a secret does not belong in a URL).
        number = normalise_number(request.GET.get("number", ""))[:20]
        form = LookupForm(initial={"number": number} if number else None)
        return render(request, "cases/public/lookup.html", {"form": form})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/public/lookup.html", {"form": form})
    result = find_case_for_lookup(form.cleaned_data["number"], form.cleaned_data["query_code"])
    if result is None:
        # The same page, byte for byte, whichever of the two was wrong: no form echoing the
        # input and no CSRF token in it.
        return render_page(
            request, "cases/public/lookup_not_found.html", {"message": NOT_FOUND}, title="办件查询"
        )
    return render_page(
        request,
        "cases/public/lookup_result.html",
        {"case": result.case, "timeline": result.timeline},
        title=f"办件 {result.case.number} 的办理进度",
    )


# --- API ---------------------------------------------------------------------------------


class LookupRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20, help_text="办件编号")
    query_code = serializers.CharField(max_length=12, help_text="查询码（不区分大小写）")


class LookupEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="时间（北京时间）")
    kind = serializers.ChoiceField(choices=CaseEvent.Kind.choices)
    label = serializers.CharField(help_text="环节")
    note = serializers.CharField(source="public_note", help_text="公开说明")


class LookupResultSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number", help_text="办件编号")
    status = serializers.ChoiceField(source="case.status", choices=Case.Status.choices)
    status_label = serializers.CharField(source="case.status_label", help_text="状态")
    matter = serializers.CharField(source="case.matter_name", help_text="事项名称")
    unit = serializers.CharField(source="case.unit_name", help_text="承办单位")
    due_at = serializers.DateTimeField(
        source="case.due_at", allow_null=True, help_text="承诺办结时间；受理前为空"
    )
    timeline = LookupEventSerializer(many=True)


class LookupMessageSerializer(serializers.Serializer):
    """A refusal (404, 429): one sentence for the person asking."""

    detail = serializers.CharField()


def lookup_is_limited(request: HttpRequest, group: str) -> bool:
    """Count this lookup against its address's budget (django-ratelimit, key "ip": the address
    the connection comes from, or the proxy's REAL_IP_HEADER behind NUM_PROXIES; an IPv6
    client by its /64) and say whether the budget is spent. A fixed window with one counter
    in the cache: its cost does not grow with the rate, unlike DRF's throttle, which stores
    and rewrites the time of every request in the window."""
    return is_ratelimited(
        request, group=group, key="ip", rate=lookup_rate, method=ALL, increment=True
    )


class LookupAPIView(APIView):
    # Anonymous by design: no session is read, so no CSRF token is needed, and a logged-in
    # user gets exactly what the public gets.
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]
    renderer_classes = [JSONRenderer]
    permission_classes = [AllowAny]
    # Limited per address in `post` with the page's limiter (django-ratelimit), in its own
    # budget ("cases.lookup_api"), instead of DRF's throttles.
    throttle_classes: list[Any] = []

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
        # Before the body is read: a flood costs neither parsing nor the database.
        if lookup_is_limited(request, "cases.lookup_api"):
            retry_after = str(parse_rate(lookup_rate())[1])
            return Response({"detail": LIMITED}, status=429, headers={"Retry-After": retry_after})
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
        "status_label": case.status_label,
        "matter": case.matter_name,
        "unit": case.unit_name,
        "due_at": _iso(case.due_at),
        "timeline": [
            {
                "at": event.at_iso,
                "kind": event.kind,
                "label": event.label,
                "note": event.public_note,
            }
            for event in result.timeline
        ],
    }


def _iso(moment: Any) -> str | None:
    # The same text DRF's DateTimeField gives: local time with its offset.
    return None if moment is None else timezone.localtime(moment).isoformat()
