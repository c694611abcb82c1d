"""State changes of the federation app (the level above's directives; the replication
operations are in `federation.replication`, the district's publishing in
`federation.refresh`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from federation import conf
from federation.models import FedDirective
from zuofeng.transitions import record_created, transition
from zuofeng.validation import plain_text, required_text

DIRECTIVE_FIELDS = ["title", "source", "summary", "deadline", "districts", "status"]


def issue_directive_down(
    *,
    actor: Any,
    title: str,
    source: str,
    summary: str,
    deadline: dt.date,
    districts: list[str] | None = None,
    at: dt.datetime | None = None,
) -> FedDirective:
    """下达 to the districts: replicated down, it becomes a task in each target district's
    督查督办 at its next sweep."""
    now = at or timezone.now()
    if not isinstance(deadline, dt.date):
        raise ValidationError({"deadline": "请填写完成时限"})
    if deadline < timezone.localdate(now):
        raise ValidationError({"deadline": "完成时限不能早于今天"})
    with transaction.atomic():
        directive = FedDirective.objects.create(
            issuer=conf.district_code(),
            issuer_name=conf.district_name(),
            title=plain_text(title, "决策部署名称", 200),
            source=plain_text(source, "来源（会议或文号）", 200),
            summary=required_text(summary, "内容摘要"),
            deadline=deadline,
            districts=sorted(set(districts or [])),
            status=FedDirective.Status.ISSUED,
            issued_at=now,
        )
        record_created(
            directive, actor=actor, action="federation.issue_directive", fields=DIRECTIVE_FIELDS
        )
    return directive


@transaction.atomic
def withdraw_directive_down(directive: FedDirective, *, actor: Any, reason: str) -> FedDirective:
    """撤回: districts that already received it keep their task (their office closes it)."""
    with transition(
        directive,
        actor=actor,
        action="federation.withdraw_directive",
        fields=DIRECTIVE_FIELDS,
        allowed=[FedDirective.Status.ISSUED],
        doing="撤回",
        reason=required_text(reason, "撤回原因"),
    ) as change:
        directive = change.obj
        directive.status = FedDirective.Status.WITHDRAWN
        directive.save()
    return directive
