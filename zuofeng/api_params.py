"""Rules every API endpoint shares: an unknown query parameter is an error that names the
allowed ones, not silently ignored (a typo in a filter must not return everything); an
action's refusal becomes a 400 body in one shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def refuse_unknown_params(request: Request, allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        names = "、".join(sorted(allowed))
        raise ValidationError(
            {"detail": f"不支持的查询参数：{'、'.join(unknown)}；可用参数：{names}"}
        )


def action_error_detail(exc: DjangoValidationError) -> Any:
    """An action's ValidationError as a 400 body: {field: [messages]}, or {"detail": [...]}."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"detail": exc.messages}
