"""销号 (closing a task) with evidence and a second person, reopening by new complaints, and
the office's review of formalism flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from org.scoping import require_member, sees_all_units
from supervision.conf import conf
from supervision.models import Closure, ClosureAttachment, FormalismFlag, Task
from zuofeng.duty.clock import restart_clock, stop_clock
from zuofeng.duty.models import Notification
from zuofeng.transitions import transition
from zuofeng.uploads import store_all, store_upload
from zuofeng.validation import required_text
from zuofeng.workdays.calendar import local_date

CLOSE_FIELDS = [
    "status", "closed_at", "clock_stopped_at", "reopened_count", "due_at", "deadline",
]  # fmt: skip
FLAG_FIELDS = ["status", "dismissal_reason", "reviewer_id"]


@transaction.atomic
def request_close(
    task: Task, *, actor: Any, evidence: str, attachments: list[Any], at: dt.datetime | None = None
) -> Closure:
    """The lead unit asks for 销号, with what shows the task is done (at least one file)."""
    evidence = required_text(evidence, "销号依据")
    if not attachments:
        raise ValidationError({"attachments": "申请销号须上传佐证材料（至少一个文件）"})
    now = at or timezone.now()

    def permit(locked: Task) -> None:
        require_member(actor, locked.unit_id, "只有牵头单位可以申请销号")

    with transition(
        task,
        actor=actor,
        action="supervision.request_close",
        fields=CLOSE_FIELDS,
        allowed=[Task.Status.ACTIVE],
        doing="申请销号",
        permit=permit,
    ) as change:
        task = change.obj
        if task.children.exists():
            raise ValidationError("分解了子任务的任务随子任务销号，不能单独申请")
        closure = Closure.objects.create(
            task=task, requested_by=actor, requested_at=now, evidence=evidence
        )
        store_all(
            list(attachments),
            lambda upload: store_upload(ClosureAttachment, upload, at=now, closure=closure),
        )
        task.status = Task.Status.CLOSE_REQUESTED
        task.save(update_fields=["status"])
        change.reason = evidence[:200]
    return closure


def _office(actor: Any, message: str) -> None:
    if not sees_all_units(actor):
        raise PermissionDenied(message)


@transaction.atomic
def close_task(
    task: Task, *, actor: Any, callback_note: str = "", at: dt.datetime | None = None
) -> Task:
    """The office checks the evidence and closes: the reviewer is never the person who asked,
    and a task affecting residents needs the residents' callback recorded."""
    now = at or timezone.now()
    with transition(
        task,
        actor=actor,
        action="supervision.close_task",
        fields=CLOSE_FIELDS,
        allowed=[Task.Status.CLOSE_REQUESTED],
        doing="销号",
        permit=lambda locked: _office(actor, "只有督查室可以销号"),
    ) as change:
        task = change.obj
        closure = task.closures.filter(reviewed_at__isnull=True).first()
        if closure is None:
            raise ValidationError("没有待审核的销号申请")
        if closure.requested_by_id == getattr(actor, "pk", None):
            raise ValidationError("销号须由申请人以外的另一人审核")
        if task.affects_residents:
            callback_note = required_text(callback_note, "群众回访情况")
        closure.reviewed_by = actor
        closure.reviewed_at = now
        closure.callback_note = callback_note
        closure.save()
        task.status = Task.Status.CLOSED
        task.closed_at = now
        if task.clock_started_at is not None and task.clock_stopped_at is None:
            stop_clock(task, at=now)
        task.save()
        change.reason = callback_note[:200]
    return task


@transaction.atomic
def refuse_close(task: Task, *, actor: Any, reason: str) -> Task:
    """Send a 销号 request back: the task goes on."""
    reason = required_text(reason, "不予销号的原因")
    with transition(
        task,
        actor=actor,
        action="supervision.refuse_close",
        fields=CLOSE_FIELDS,
        allowed=[Task.Status.CLOSE_REQUESTED],
        doing="退回销号申请",
        reason=reason,
        permit=lambda locked: _office(actor, "只有督查室可以审核销号"),
    ) as change:
        task = change.obj
        closure = task.closures.filter(reviewed_at__isnull=True).first()
        if closure is not None:
            if closure.requested_by_id == getattr(actor, "pk", None):
                raise ValidationError("销号须由申请人以外的另一人审核")
            closure.reviewed_by = actor
            closure.reviewed_at = timezone.now()
            closure.reopen_reason = reason
            closure.save()
        task.status = Task.Status.ACTIVE
        task.save(update_fields=["status"])
    return task


@transaction.atomic
def reopen_task(
    task: Task, *, actor: Any, reason: str, complaint_numbers: list[str], now: dt.datetime
) -> Task:
    """A closed task opens again (new complaints about the same problem); the office is told."""
    with transition(
        task,
        actor=actor,
        action="supervision.reopen_task",
        fields=CLOSE_FIELDS,
        allowed=[Task.Status.CLOSED],
        doing="重新打开",
        reason=reason,
    ) as change:
        task = change.obj
        closure = task.closures.filter(reviewed_at__isnull=False).first()
        if closure is not None:
            closure.reopened_at = now
            closure.reopen_reason = reason
            closure.reopen_complaints = complaint_numbers
            closure.save()
        task.status = Task.Status.ACTIVE
        task.closed_at = None
        task.reopened_count += 1
        restart_clock(task, at=now, limit_workdays=int(conf("REOPEN_LIMIT_WORKDAYS")))
        # The new deadline is the task's deadline from now on (cards and pages read it).
        task.deadline = local_date(task.due_at)
        task.save()
        link = reverse("supervision:task", args=[task.pk])
        Notification.objects.bulk_create(
            [
                Notification(
                    audience=Notification.Audience.OFFICE,
                    title=f"已销号任务“{task.title}”因新的同类投诉重新打开",
                    link=link,
                    created_at=now,
                ),
                Notification(
                    unit_id=task.unit_id,
                    audience=Notification.Audience.UNIT_STAFF,
                    title=f"任务“{task.title}”因新的同类投诉重新打开，请继续办理",
                    link=link,
                    created_at=now,
                ),
            ]
        )
    return task


def _review_flag(
    flag: FormalismFlag, actor: Any, status: str, reason: str, doing: str
) -> FormalismFlag:
    with transition(
        flag,
        actor=actor,
        action=f"supervision.{status}_flag",
        fields=FLAG_FIELDS,
        allowed=[FormalismFlag.Status.OPEN],
        doing=doing,
        noun="疑点",
        reason=reason,
        permit=lambda locked: _office(actor, "只有督查室可以复核疑点"),
    ) as change:
        flag = change.obj
        flag.status = status
        flag.reviewer = actor
        flag.reviewed_at = timezone.now()
        flag.dismissal_reason = reason
        flag.save()
    return flag


@transaction.atomic
def dismiss_flag(flag: FormalismFlag, *, actor: Any, reason: str) -> FormalismFlag:
    """Not formalism after all: the reason is kept, so the false-flag rate is visible."""
    reason = required_text(reason, "排除理由")
    return _review_flag(flag, actor, FormalismFlag.Status.DISMISSED, reason, "排除")


@transaction.atomic
def uphold_flag(flag: FormalismFlag, *, actor: Any, note: str = "") -> FormalismFlag:
    return _review_flag(flag, actor, FormalismFlag.Status.UPHELD, note, "确认")
