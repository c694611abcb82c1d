"""Directives from above arrive in the district's 督查督办.

A directive of the city or province replicates into `fed_directive`; this sweep step turns
each one meant for this district into a local directive with one task, at the city's
deadline, led by the district's lead unit (ZUOFENG_FEDERATION_LEAD_UNIT, else the
supervision office), issued at once so that its clock runs. The office then splits the task
among its units as it would its own; the task's verified progress and card flow back up in
`fed_task_progress`. Everything goes through `supervision.actions` (the audit chain says the
system received it: no actor). Each directive is taken in exactly once (`DirectiveIntake`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from federation import conf
from federation.models import DirectiveIntake, FedDirective
from org.models import Unit
from supervision import actions

log = logging.getLogger(__name__)


def lead_unit() -> Unit | None:
    code = conf.lead_unit_code()
    units = Unit.objects.filter(archived=False)
    if code:
        return units.filter(code=code).first()
    return (
        units.filter(kind=Unit.Kind.SUPERVISION).order_by("sort_order", "code").first()
        or units.order_by("sort_order", "code").first()
    )


def pending(code: str) -> list[FedDirective]:
    taken = DirectiveIntake.objects.values("source")
    directives = FedDirective.objects.filter(status=FedDirective.Status.ISSUED).exclude(
        pk__in=taken
    )
    return [d for d in directives.order_by("issued_at") if d.targets(code)]


def take_in(directive: FedDirective, unit: Unit, now: dt.datetime) -> DirectiveIntake:
    with transaction.atomic():
        local = actions.create_directive(
            actor=None,
            at=now,
            title=directive.title,
            source=f"{directive.issuer_name}：{directive.source}"[:200],
            issued_on=timezone.localdate(directive.issued_at),
            leader=directive.issuer_name[:60],
            summary=directive.summary,
        )
        task = actions.add_task(
            local,
            actor=None,
            at=now,
            title=directive.title,
            unit=unit,
            deadline=directive.deadline,
            weight=100,
        )
        actions.issue_directive(local, actor=None, at=now)
        return DirectiveIntake.objects.create(
            source=directive.pk, directive=local, task=task, received_at=now
        )


def sweep_intake(now: dt.datetime) -> dict[str, int]:
    if conf.is_upper_level():
        return {}
    directives = pending(conf.district_code())
    if not directives:
        return {}
    unit = lead_unit()
    if unit is None:
        return {"federation.directives_waiting": len(directives)}
    taken = refused = 0
    for directive in directives:
        try:
            take_in(directive, unit, now)
            taken += 1
        except ValidationError as exc:
            # Bad text from above (markup, a past deadline): left for the office to see in
            # the log, tried again at the next sweep.
            log.warning("directive %s from above refused: %s", directive.pk, exc)
            refused += 1
    counts = {"federation.directives_received": taken}
    if refused:
        counts["federation.directives_refused"] = refused
    return counts
