"""Open311 GeoReport v2 endpoints (/open311/v2/). Reads are public; filing needs an API key
issued in the admin. Every answer, errors included, is in the format the URL asks for."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from complaints.intake import actions
from complaints.intake.open311 import formats, payloads
from complaints.intake.open311.keys import client_for_key
from complaints.intake.open311.params import (
    MAX_RESULTS,
    Open311Error,
    filing,
    from_validation,
    request_filter,
)
from complaints.models import Complaint, ComplaintCategory
from zuofeng.middleware_input import input_problem
from zuofeng.ratelimits import setting_rate

View = Callable[..., HttpResponse]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
LIMITED = "请求过于频繁，请稍后再试"
BAD_KEY = "api_key 缺失或无效（或已停用），不能提交举报。请向区政府督查室申请接入密钥。"


address_rate = setting_rate("OPEN311_ADDRESS_RATE")
key_rate = setting_rate("OPEN311_KEY_RATE")


logger = logging.getLogger("complaints.open311")


def _key_of(group: str, request: HttpRequest) -> str:
    return request.open311_key_hash  # type: ignore[attr-defined]


def _address_is_limited(request: HttpRequest) -> bool:
    """Every call, any method, counts against its address's budget (a fixed window, one
    counter in the cache, before anything else is read)."""
    return is_ratelimited(
        request, group="open311", key="ip", rate=address_rate, method=ALL, increment=True
    )


def endpoint(*methods: str) -> Callable[[View], View]:
    """Checks the format, the method and the per-address budget, and turns an
    `Open311Error` into the spec's error document in the requested format."""

    def decorate(view: View) -> View:
        @csrf_exempt  # authenticated by api_key, never by a session cookie
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            try:
                if fmt not in formats.FORMATS:
                    raise Open311Error(400, f"不支持的格式 .{fmt[:10]}：请使用 .json 或 .xml")
                if request.method not in methods:
                    raise Open311Error(405, f"不支持 {request.method} 请求")
                if _address_is_limited(request):
                    raise Open311Error(429, LIMITED)
                # The same check as zuofeng.middleware_input, so Open311 refuses NUL, other
                # control characters, invalid UTF-8 and oversize forms even without it.
                problem = input_problem(request)
                if problem is not None:
                    raise Open311Error(*problem)
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                response = formats.errors(fmt, error.status, error.descriptions)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response
            except Exception:
                # A client of the spec reads every error, ours included, in its format; the
                # operators still get the traceback.
                logger.exception("Open311 %s %s failed", request.method, request.path)
                return formats.errors(fmt, 500, ["服务器内部错误，请稍后再试"])

        return wrapper

    return decorate


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [payloads.service(category) for category in ComplaintCategory.objects.all()]
    return formats.respond(fmt, "services", "service", rows)


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = ComplaintCategory.objects.filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code: 没有这个举报类别：{code[:40]}")
    body = payloads.definition(category, payloads.active_units())
    return formats.respond(fmt, "service_definition", None, body)


def _requests(fmt: str, complaints: Any) -> HttpResponse:
    rows = [payloads.request(complaint) for complaint in complaints]
    return formats.respond(fmt, "service_requests", "request", rows)


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt)
    wanted = request_filter(request.GET)
    complaints = payloads.published()
    if wanted.ids:  # the spec: a list of ids overrides every other filter
        complaints = complaints.filter(number__in=wanted.ids)
    else:
        complaints = complaints.filter(received_at__gte=wanted.start, received_at__lte=wanted.end)
        if wanted.service_codes:
            # Before triage confirms a category, the classifier's suggestion stands for it.
            complaints = complaints.filter(
                Q(category_id__in=wanted.service_codes)
                | Q(category__isnull=True, suggested_category_id__in=wanted.service_codes)
            )
        if wanted.statuses == ["open"]:
            complaints = complaints.exclude(status=Complaint.Status.CLOSED)
        elif wanted.statuses == ["closed"]:
            complaints = complaints.filter(status=Complaint.Status.CLOSED)
    return _requests(fmt, complaints.order_by("-received_at", "-id")[:MAX_RESULTS])


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    complaints = list(payloads.published().filter(number=number.strip().upper()))
    if not complaints:
        raise Open311Error(404, f"service_request_id: 没有编号为 {number[:30]} 的举报")
    return _requests(fmt, complaints)


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    number = Complaint.objects.filter(token=token.strip().lower()).values_list("number", flat=True)
    if not number:
        raise Open311Error(404, "token: 没有这个 token")
    rows = [{"service_request_id": number[0], "token": token.strip().lower()}]
    return formats.respond(fmt, "service_requests", "request", rows)


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST requests: one complaint through `actions.file_complaint`. The identity fields
    are sealed with it and never sent back; the receipt code is sent back once."""
    if request.content_type not in FORM_TYPES:
        raise Open311Error(
            400, "请求体应为 application/x-www-form-urlencoded 表单（GeoReport v2 规定）"
        )
    client = client_for_key(request.POST.get("api_key"))
    if client is None:
        raise Open311Error(403, BAD_KEY)
    request.open311_key_hash = client.key_hash  # type: ignore[attr-defined]
    if is_ratelimited(
        request, group="open311.post", key=_key_of, rate=key_rate, method=ALL, increment=True
    ):
        raise Open311Error(429, LIMITED)
    fields = filing(request.POST)
    try:
        complaint, code = actions.file_open311_request(
            client=client, service_code=request.POST.get("service_code", "").strip(), **fields
        )
    except ValidationError as error:
        raise from_validation(error) from None
    except PermissionDenied as error:
        raise Open311Error(403, str(error)) from None
    row = {
        "service_request_id": complaint.number,
        "token": complaint.token,
        "service_notice": (
            f"已收到您的举报，编号 {complaint.number}，回执码 {code}。"
            "回执码只显示这一次，请妥善保存：凭编号和回执码可以在 "
            f"{request.build_absolute_uri(reverse('complaints:follow'))} "
            "查询办理进度、查看答复并评价。"
        ),
        "account_id": None,
        # Not in the spec: the same code on its own, for clients that show it apart.
        "receipt_code": code,
    }
    return formats.respond(fmt, "service_requests", "request", [row], status=201)


def _format_of(path: str) -> str:
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return fmt if fmt in formats.FORMATS else formats.DEFAULT_FORMAT


def input_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """Bad input refused before any view (zuofeng.middleware_input), in the spec's format."""
    return formats.errors(_format_of(request.path_info), status, [message])


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path under /open311/v2/ (an unknown endpoint, an id or token too long to
    be one): a 404 in the spec's error format, not the site's page."""
    return formats.errors(
        _format_of(request.path_info), 404, ["没有这个接口或编号（编号不超过 40 个字符）"]
    )
