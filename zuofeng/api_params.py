"""One rule for every list endpoint of the API: an unknown query parameter is an error that
names the allowed ones, not silently ignored (a typo in a filter must not return everything)."""

from __future__ import annotations

from collections.abc import Iterable

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
