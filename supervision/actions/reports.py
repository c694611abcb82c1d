"""Progress reports: a unit reports per leaf task and period, the office accepts or returns.

Only an accepted report moves verified progress. A returned report keeps its claim on the
reported side (the gap between reported and verified is what 报喜不报忧 looks at) and gives the
task a yellow card at the next sweep.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from complaints.models import Complaint
from org.scoping import require_member
from supervision import detection, rollup
from supervision.models import Directive, Milestone, Report, ReportAttachment, ReportLink, Task
from zuofeng.duty.models import Notification
from zuofeng.transitions import Conflict, record_created, transition
from zuofeng.uploads import store_all, store_upload
from zuofeng.validation import plain_text, required_text
from zuofeng.workdays.calendar import local_date

REPORT_FIELDS = [
    "task_id", "period", "text", "amount", "milestones_done", "state", "reported_progress",
    "field_values", "status", "return_reason", "evidence_count",
]  # fmt: skip
TASK_PROGRESS_FIELDS = [
    "reported_amount", "verified_amount", "reported_state", "verified_state",
    "reported_progress", "verified_progress", "returned_for_quality",
]  # fmt: skip


def period_of(directive: Directive, moment: dt.datetime) -> str:
    """The reporting period a moment falls in, as 'YYYY-MM' of the period's first month."""
    day = local_date(moment)
    month = day.month
    if directive.cadence == Directive.Cadence.QUARTERLY:
        month = 3 * ((month - 1) // 3) + 1
    return f"{day.year:04d}-{month:02d}"


def resolve_links(task: Task, entries: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """The cited records, each checked to exist and to belong to the task's lead unit."""
    resolved: list[tuple[str, str, int]] = []
    for kind, number in entries:
        number = (number or "").strip()
        if not number:
            continue
        if kind == ReportLink.Kind.CASE:
            record = Case.objects.filter(number=number).values_list("id", "unit_id").first()
            label = "办件"
        elif kind == ReportLink.Kind.COMPLAINT:
            record = (
                Complaint.objects.filter(number=number)
                .values_list("id", "handling_unit_id")
                .first()
            )
            label = "举报"
        else:
            raise ValidationError({"links": "佐证记录类型无效"})
        # Another unit's record is refused with the same words as a missing one.
        if record is None or record[1] != task.unit_id:
            raise ValidationError({"links": f"{label}编号“{number}”不存在或不属于本单位"})
        resolved.append((kind, number, record[0]))
    return resolved


def parse_links(text: str) -> list[tuple[str, str]]:
    """'办件 A123, 举报 J456' or one number per line: a number starting with the complaint
    prefix is a complaint, anything else a case."""
    entries = []
    for part in text.replace("，", ",").replace("\n", ",").split(","):
        number = part.strip().removeprefix("办件").removeprefix("举报").strip()
        if not number:
            continue
        kind = (
            ReportLink.Kind.COMPLAINT if number.upper().startswith("JB") else ReportLink.Kind.CASE
        )
        if Complaint.objects.filter(number=number).exists():
            kind = ReportLink.Kind.COMPLAINT
        entries.append((kind, number))
    return entries


def _claim(task: Task, *, amount: Any, milestones_done: list[int], state: str) -> dict[str, Any]:
    """The kind-specific claim of a report, checked, with the progress it would mean."""
    if task.kind == Task.Kind.QUANTITATIVE:
        try:
            amount = Decimal(str(amount))
        except (InvalidOperation, TypeError):
            raise ValidationError({"amount": "请填写本期完成量（数字）"}) from None
        if amount < 0:
            raise ValidationError({"amount": "本期完成量不能为负数"})
        reported_amount = task.verified_amount + amount
        return {
            "amount": amount,
            "reported_progress": rollup.quantity_percent(reported_amount, task.target),
        }
    if task.kind == Task.Kind.MILESTONES:
        own = dict(task.milestones.values_list("id", "weight"))
        done = [int(pk) for pk in milestones_done]
        if set(done) - set(own):
            raise ValidationError({"milestones_done": "所选节点不属于该任务"})
        verified = set(
            task.milestones.filter(verified_at__isnull=False).values_list("id", flat=True)
        )
        total = sum(own.values())
        claimed = sum(w for pk, w in own.items() if pk in verified or pk in done)
        return {
            "milestones_done": sorted(set(done) - verified),
            "reported_progress": rollup.clamp(100.0 * claimed / total) if total else 0.0,
        }
    if state not in Task.State.values:
        raise ValidationError({"state": "请选择当前状态"})
    return {"state": state, "reported_progress": rollup.state_percent(state)}


def prefill(task: Task) -> dict[str, Any]:
    """What the report form starts with: the last verified values and the milestones due."""
    last = task.reports.filter(status=Report.Status.ACCEPTED).order_by("-submitted_at").first()
    # Records the unit finished since its last report (or since the task started): what it
    # may cite as evidence without looking them up.
    since = (last.submitted_at if last else None) or task.clock_started_at or task.created_at
    complaints = Complaint.objects.filter(
        handling_unit_id=task.unit_id, closed_at__gte=since
    ).values_list("number", flat=True)[:10]
    cases = (
        Case.objects.filter(unit_id=task.unit_id, clock_stopped_at__gte=since)
        .exclude(number=None)
        .values_list("number", flat=True)[:10]
    )
    return {
        "suggested_links": [*complaints, *cases],
        "state": task.verified_state if task.kind == Task.Kind.STATUS else "",
        "milestones_done": [],
        "field_values": dict(last.field_values) if last else {},
        "verified_amount": task.verified_amount,
        "milestones_due": list(task.milestones.filter(verified_at__isnull=True).order_by("due_on")),
    }


@transaction.atomic
def submit_report(
    task: Task,
    *,
    actor: Any,
    text: str,
    amount: Any = None,
    milestones_done: list[int] = (),  # type: ignore[assignment]
    state: str = "",
    field_values: dict[str, str] | None = None,
    links: list[tuple[str, str]] = (),  # type: ignore[assignment]
    attachments: list[Any] = (),  # type: ignore[assignment]
    now: dt.datetime | None = None,
) -> Report:
    now = now or timezone.now()
    text = required_text(text, "进展情况")

    def permit(locked: Task) -> None:
        require_member(actor, locked.unit_id, "只有牵头单位可以报送该任务的进展")

    with transition(
        task,
        actor=actor,
        action="supervision.submit_report",
        fields=TASK_PROGRESS_FIELDS,
        allowed=[Task.Status.ACTIVE],
        doing="报送进展",
        permit=permit,
    ) as change:
        task = change.obj
        if task.children.exists():
            raise ValidationError("该任务已分解为子任务，请报送各子任务的进展")
        if task.directive.status != Directive.Status.ISSUED:
            raise Conflict("该决策部署尚未下达，不能报送")
        period = period_of(task.directive, now)
        if task.reports.filter(period=period).exclude(status=Report.Status.RETURNED).exists():
            raise Conflict(f"本期（{period}）已报送过进展，待审核或已采纳，无需重复报送")
        claim = _claim(task, amount=amount, milestones_done=list(milestones_done), state=state)
        declared = list(task.directive.report_fields)
        values = {
            name: plain_text((field_values or {}).get(name, ""), name, 200, required=False)
            for name in declared
        }
        resolved = resolve_links(task, list(links))
        report = Report.objects.create(
            task=task,
            unit_id=task.unit_id,
            period=period,
            text=text,
            field_values=values,
            submitted_by=actor,
            submitted_at=now,
            evidence_count=len(attachments) + len(resolved),
            **claim,
        )
        store_all(
            list(attachments),
            lambda upload: store_upload(ReportAttachment, upload, at=now, report=report),
        )
        ReportLink.objects.bulk_create(
            ReportLink(report=report, kind=kind, number=number, record_id=pk)
            for kind, number, pk in resolved
        )
        # The reported side follows the unit's claim at once.
        if task.kind == Task.Kind.QUANTITATIVE:
            task.reported_amount = task.verified_amount + claim["amount"]
        elif task.kind == Task.Kind.MILESTONES:
            Milestone.objects.filter(pk__in=claim["milestones_done"]).update(reported_done_at=now)
        else:
            task.reported_state = claim["state"]
        task.reported_progress = claim["reported_progress"]
        task.save(update_fields=["reported_amount", "reported_state", "reported_progress"])
        record_created(
            report, actor=actor, action="supervision.submit_report", fields=REPORT_FIELDS
        )
        change.reason = f"{period} 进展报送"
        rollup.refresh_leaf(task)
        detection.index_and_check(report)
    return report


def _review(report: Report, actor: Any, action: str, doing: str) -> Any:
    def permit(locked: Report) -> None:
        from org.scoping import sees_all_units

        if not sees_all_units(actor):
            raise PermissionDenied("只有督查室可以审核进展报送")

    return transition(
        report,
        actor=actor,
        action=action,
        fields=REPORT_FIELDS,
        allowed=[Report.Status.SUBMITTED],
        doing=doing,
        noun="进展报送",
        permit=permit,
    )


@transaction.atomic
def accept_report(report: Report, *, actor: Any, at: dt.datetime | None = None) -> Report:
    """Accept: the claim becomes verified progress, and rolls up."""
    now = at or timezone.now()
    with _review(report, actor, "supervision.accept_report", "采纳") as change:
        report = change.obj
        task = Task.objects.select_for_update().get(pk=report.task_id)
        report.status = Report.Status.ACCEPTED
        report.reviewed_by = actor
        report.reviewed_at = now
        report.save()
        if task.kind == Task.Kind.QUANTITATIVE:
            task.verified_amount += report.amount or 0
            task.reported_amount = max(task.reported_amount, task.verified_amount)
        elif task.kind == Task.Kind.MILESTONES:
            Milestone.objects.filter(pk__in=report.milestones_done, task=task).update(
                verified_at=now
            )
        else:
            task.verified_state = report.state
        task.returned_for_quality = False
        task.save(
            update_fields=[
                "verified_amount",
                "reported_amount",
                "verified_state",
                "returned_for_quality",
            ]
        )
        rollup.refresh_leaf(task)
    return report


@transaction.atomic
def return_report(
    report: Report, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Report:
    reason = required_text(reason, "退回原因")
    now = at or timezone.now()
    with _review(report, actor, "supervision.return_report", "退回") as change:
        report = change.obj
        report.status = Report.Status.RETURNED
        report.reviewed_by = actor
        report.reviewed_at = now
        report.return_reason = reason
        report.save()
        change.reason = reason
        # Milestones this report claimed are no longer claimed.
        Milestone.objects.filter(pk__in=report.milestones_done, verified_at__isnull=True).update(
            reported_done_at=None
        )
        # The clock's yellow for poor quality, shown until an accepted report.
        Task.objects.filter(pk=report.task_id).update(returned_for_quality=True)
        Notification.objects.create(
            unit_id=report.unit_id,
            audience=Notification.Audience.UNIT_STAFF,
            title=f"督办任务“{report.task.title}”{report.period} 进展报送被退回：{reason[:80]}",
            link=reverse("supervision:task", args=[report.task_id]),
            created_at=now,
        )
    with transaction.atomic():
        rollup.refresh_leaf(Task.objects.get(pk=report.task_id))
    return report


def reports_for(task: Task) -> Any:
    return task.reports.select_related("submitted_by", "reviewed_by").prefetch_related(
        "attachments", "links", "flags"
    )
