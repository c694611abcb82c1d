"""Rules every API endpoint shares: an unknown query parameter is an error that names the
allowed ones, not silently ignored (a typo in a filter must not return everything); an
action's refusal becomes a 400 body in one shape, and a state conflict a 409 in another."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zuofeng.transitions import Conflict


def refuse_unknown_params(request: Request, allowed: Iterable[str]) -> None:
    """Refuses unknown parameters, and drops blank ones: `?q=%20` is the same as no `q`
    (a search for nothing crashed the full-text query on both engines)."""
    _drop_blank_params(request)
    allowed = set(allowed)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        names = "、".join(sorted(allowed))
        raise ValidationError(
            {"detail": f"不支持的查询参数：{'、'.join(unknown)}；可用参数：{names}"}
        )


def _drop_blank_params(request: Request) -> None:
    params = request._request.GET
    if not any(v and not v.strip() for _, values in params.lists() for v in values):
        return
    cleaned = QueryDict(mutable=True)
    for name, values in params.lists():
        kept = [value for value in values if value.strip() or not value]
        if kept:
            cleaned.setlist(name, kept)
    cleaned._mutable = False
    request._request.GET = cleaned


def action_error_detail(exc: DjangoValidationError) -> Any:
    """An action's ValidationError as a 400 body: {field: [messages]}, or {"detail": [...]}."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"detail": exc.messages}


# One body and one schema for every state conflict (`zuofeng.transitions.Conflict`): 409 with
# the same Chinese sentence the pages show.
ConflictResponse = inline_serializer(
    "Conflict", fields={"detail": serializers.CharField(help_text="中文说明")}
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a state conflict raised by any action is a 409 with its message."""
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
