"""Visit measures for the report (registered from `ready()`): the shallow-visit flags raised,
confirmed and dismissed per unit, attributed to the visit's unit and the day the flag was
raised. Design §7: visits and photos are never counted as a merit; the scorecard scores the
problems the visits found (the problems app's measures), and these flags are review items
whose confirmed share tells the report how much of the logging is for show."""

from __future__ import annotations

from django.db.models import Q

from visits.models import VisitFlag


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    flags = Source("visits.visitflag", "unit", "created_at", "走访疑点")
    for measure in (
        Measure(
            "visits.flags_raised",
            "走访疑点数",
            flags,
            definition="系统按规则发现的走访疑点（只拍照、照片重复、照片时间或地点不符、"
            "情况雷同、反复走访示范点），按发现日期计；疑点供督查室复核，不直接扣分",
        ),
        Measure(
            "visits.flags_confirmed",
            "走访疑点确认数",
            flags,
            lambda now: Q(status=VisitFlag.Status.CONFIRMED),
            definition="经督查室复核确认的走访疑点",
        ),
        Measure(
            "visits.flags_dismissed",
            "走访疑点排除数（误报）",
            flags,
            lambda now: Q(status=VisitFlag.Status.DISMISSED),
            definition="经督查室复核排除的走访疑点（误报），排除理由随疑点保存",
        ),
    ):
        register_measure(measure)
