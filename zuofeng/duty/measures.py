"""Escalations of any duty as measures (one row per escalation, attributed to the unit and the
day it was escalated). Registered from `ready()`."""

from __future__ import annotations

from django.db.models import Q

from zuofeng.duty.models import EscalationLevel


def register_measures() -> None:
    from zuofeng.measures import Measure, Source, register_measure

    escalations = Source("duty.escalation", "unit", "created_at", "超期升级")
    for measure in (
        Measure(
            "escalation_head",
            "超期升级至一把手次数",
            escalations,
            lambda now: Q(level=EscalationLevel.HEAD),
            definition="办件、整改单、诉求等超过期限后升级给单位一把手的次数",
        ),
        Measure(
            "escalation_office",
            "超期升级至督查室次数",
            escalations,
            lambda now: Q(level=EscalationLevel.OFFICE),
            definition="超过期限后继续未办、升级到区政府督查室的次数",
        ),
    ):
        register_measure(measure)
