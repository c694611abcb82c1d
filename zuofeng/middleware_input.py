"""Refuses requests whose path, query string or form fields carry control characters or
invalid UTF-8, with a 400 and a Chinese message, before any view runs.

A NUL byte reached PostgreSQL from a path parameter, a query parameter or a form field and
answered 500 (PostgreSQL refuses NUL in text); invalid UTF-8 was silently stored as U+FFFD.
Nobody types either: refusing them in paths, query strings and form field names is safe on
every page and endpoint. Form field values are left to the fields: the house rule
(`zuofeng.validation.without_controls`) drops control characters from submitted text on
every channel, so a form, Open311 and a 12345 row store the same text for the same input
(tests/test_export_safety.py holds it); invalid UTF-8 in a form body is refused here.

An app whose errors have their own format (Open311) registers a renderer for its URL prefix
with `register_renderer`; the API gets {"detail": ...}; pages get a short Chinese text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

Renderer = Callable[[HttpRequest, int, str], HttpResponse]

# C0 controls, DEL and C1 controls.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CONTROL_IN_PATH = "网址中含有控制字符（如 NUL），无法处理，请检查链接"
CONTROL_IN_QUERY = "查询参数 {name} 含有控制字符（如 NUL），请去掉后重试"
CONTROL_IN_FORM = "字段名 {name} 含有控制字符（如 NUL），请去掉后重试"
BAD_UTF8_QUERY = "查询参数不是有效的 UTF-8 编码，请检查后重试"
BAD_UTF8_FORM = "提交的内容不是有效的 UTF-8 编码，请检查后重试"
TOO_BIG = "提交的内容过大，请精简后重试"
TOO_MANY_FIELDS = "提交的字段过多"
BAD_FORM = "提交的表单格式不正确"

_renderers: dict[str, Renderer] = {}


def register_renderer(prefix: str, renderer: Renderer) -> None:
    """Errors for paths under `prefix` are answered by `renderer(request, status, message)`."""
    _renderers[prefix] = renderer


def _default_renderer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        body = json.dumps({"detail": message}, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _name(name: str) -> str:
    return "“" + _ANY_CONTROL.sub("?", name[:40]) + "”"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def input_problem(request: HttpRequest) -> tuple[int, str] | None:
    """The status and Chinese message that refuse this request's input, or None if it is fine."""
    if _ANY_CONTROL.search(request.path_info):
        return 400, CONTROL_IN_PATH
    query = request.META.get("QUERY_STRING", "")
    if query:
        if not _is_utf8(unquote_to_bytes(query.replace("+", " "))):
            return 400, BAD_UTF8_QUERY
        for name, values in request.GET.lists():
            if _ANY_CONTROL.search(name) or any(_ANY_CONTROL.search(v) for v in values):
                return 400, CONTROL_IN_QUERY.format(name=_name(name))
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            urlencoded = request.content_type == FORM_TYPES[0]
            if urlencoded and not _is_utf8(unquote_to_bytes(request.body.replace(b"+", b" "))):
                return 400, BAD_UTF8_FORM
            fields = request.POST
        except RequestDataTooBig:
            return 413, TOO_BIG
        except TooManyFieldsSent:
            return 400, TOO_MANY_FIELDS
        except MultiPartParserError:
            return 400, BAD_FORM
        for name in fields:
            if _ANY_CONTROL.search(name):
                return 400, CONTROL_IN_FORM.format(name=_name(name))
    return None


class RefuseBadInputMiddleware:
    """Answers a request with control characters in its path, query string or form field
    names, or invalid UTF-8 in its query string or form body, with a 400 (an oversize form
    with a 413) before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = input_problem(request)
        if problem is None:
            return self.get_response(request)
        status, message = problem
        for prefix, renderer in _renderers.items():
            if request.path_info.startswith(prefix):
                return renderer(request, status, message)
        return _default_renderer(request, status, message)
