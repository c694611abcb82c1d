"""The complaint measures the scorecard and the report may use: the three rates' numerators
and denominators, on the same conditions as the office's rates page (`complaints.handling.stats`).
Registered from `ready()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q

from complaints.handling.stats import parts


def _part(measure: str, part: str) -> Callable[[dt.datetime], Q]:
    return lambda now: parts(now)[(measure, part)]


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    complaints = Source(
        "complaints.complaint",
        "handling_unit",
        "triaged_at",
        "监督举报",
        deadlines=(
            ("respond_due_at", Q(responded_at__isnull=True)),
            ("resolve_due_at", Q(first_answered_at__isnull=True)),
        ),
    )
    for measure in (
        Measure("complaint_routed", "分办诉求数", complaints, definition="分办给本单位办理的诉求"),
        Measure(
            "complaint_responded_on_time",
            "按时响应的诉求数",
            complaints,
            _part("response", "numerator"),
            definition="在响应期限内作出首次响应的诉求",
        ),
        Measure(
            "complaint_response_due",
            "应响应的诉求数（已响应或已过响应期限）",
            complaints,
            _part("response", "denominator"),
            time_dependent=True,
            definition="已响应或已过响应期限的诉求",
        ),
        Measure(
            "complaint_answered_on_time",
            "按时办结答复的诉求数",
            complaints,
            _part("resolution", "numerator"),
            definition="在办理期限内答复办理结果的诉求",
        ),
        Measure(
            "complaint_resolution_due",
            "应办结的诉求数（已答复或已过办理期限）",
            complaints,
            _part("resolution", "denominator"),
            time_dependent=True,
            definition="已答复或已过办理期限的诉求",
        ),
        Measure(
            "complaint_satisfied",
            "回访满意的诉求数（满意、基本满意）",
            complaints,
            _part("satisfaction", "numerator"),
            definition="回访结果为“满意”或“基本满意”的诉求",
        ),
        Measure(
            "complaint_callback_answered",
            "回访有结果的诉求数",
            complaints,
            _part("satisfaction", "denominator"),
            definition="回访时联系上诉求人并得到评价的诉求",
        ),
    ):
        register_measure(measure)
