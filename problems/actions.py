"""Every state change of a problem: opened (from a visit, a forum or a survey) → the owner unit
reports what it did → the office calls the raiser back (or, with nobody to call, verifies it
itself) → closed as solved, or returned to the unit on a new clock.

Nobody grades themselves (design §7): the callback and the verification are the office's,
and never by a member of the owner unit. Each step goes through `zuofeng.transitions`
(locked, status-checked, audited, marked for the rollups).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from complaints.classifier import classify
from complaints.identity import Identity, seal, unseal
from complaints.intake.actions import clean_identity, new_receipt_code, receipt_hash
from complaints.models import ComplaintCategory
from org.models import Unit
from org.scoping import is_staff_member, require_member, sees_all_units, unit_of
from problems.models import (
    PROBLEM_FIELDS,
    Problem,
    ProblemCallback,
    ProblemRaiser,
    ProblemRules,
    ProblemStep,
    source_kind_name,
)
from zuofeng import measures
from zuofeng.audit.chain import record
from zuofeng.duty.clock import restart_clock, start_clock, stop_clock, warning_for
from zuofeng.duty.models import Notification
from zuofeng.personal_data import empty_sealed, reseal_rows
from zuofeng.transitions import record_created, transition
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import local_date

__all__ = [
    "open_problem",
    "reclassify_problem",
    "record_callback",
    "report_problem",
    "reveal_raiser",
    "transfer_problem",
    "verify_problem",
]

TITLE_MAX = 120
TEXT_MAX = 2000
NOTE_MAX = 500


def _check_unit(unit: Unit | None) -> Unit:
    if unit is None:
        raise ValidationError({"责任单位": "请选择责任单位"})
    if unit.archived:
        raise ValidationError({"责任单位": f"“{unit.name}”已撤销，请选择现有单位"})
    return unit


def _require_office(actor: Any, message: str) -> None:
    if not sees_all_units(actor):
        raise PermissionDenied(message)


def _require_not_owner(actor: Any, problem: Problem) -> None:
    """The office judges a unit's work, never the unit itself (design §7)."""
    _require_office(actor, "回访和核实由督查室进行")
    own = unit_of(actor)
    if own is not None and own.pk == problem.unit_id:
        raise PermissionDenied("责任单位不能回访或核实本单位办理的问题")


def _notify(
    problem: Problem,
    title: str,
    at: dt.datetime,
    audience: str = Notification.Audience.UNIT_STAFF,
) -> None:
    """Tell the owner unit's staff, or the office (their inbox links to the problem's page)."""
    Notification.objects.create(
        unit_id=problem.unit_id,
        audience=audience,
        title=f"{title}：{problem.number} {problem.title}"[:200],
        link=reverse("problems:detail", args=[problem.pk]),
        created_at=at,
    )


def _step(problem: Problem, kind: str, *, actor: Any, at: dt.datetime, text: str = "") -> None:
    ProblemStep.objects.create(problem=problem, kind=kind, actor=actor, at=at, text=text)


@transaction.atomic
def open_problem(
    *,
    actor: Any,
    source: models.Model,
    unit: Unit,
    title: str,
    description: str,
    raised_by: Identity | None = None,
    deadline_workdays: int | None = None,
    at: dt.datetime | None = None,
) -> tuple[Problem, str]:
    """A problem found at `source` (a visit, a forum, a survey: any saved record), owed by
    `unit` within `deadline_workdays` working days (default: the district's `ProblemRules`).

    Returns the problem and its plain receipt code, to be given to the raiser once (only a
    hash is kept). `raised_by` is sealed at once; an empty or missing identity means there is
    nobody to call back, and the office verifies the result itself. `at` is for the demo and
    imports (default now)."""
    if not is_staff_member(actor):
        raise PermissionDenied("只有工作人员可以交办调研发现的问题")
    if source is None or source.pk is None:
        raise ValidationError({"来源": "问题必须来自已保存的走访、座谈会或问卷"})
    unit = _check_unit(unit)
    title = plain_text(title, "问题", TITLE_MAX)
    description = plain_text(description, "具体情况", TEXT_MAX)
    identity = clean_identity(raised_by)
    limit = deadline_workdays or ProblemRules.current().resolve_workdays
    if limit < 1:
        raise ValidationError({"办理时限": "办理时限至少 1 个工作日"})
    at = at or timezone.now()
    prediction = classify(f"{title}。{description}")
    category = ComplaintCategory.objects.get(pk=prediction.category)
    code = new_receipt_code()
    source_type = source._meta.label_lower
    problem = Problem(
        # Replaced by the dated number once the row has its primary key.
        number=f"tmp{secrets.token_hex(8)}",
        receipt_hash=receipt_hash(code),
        source_type=source_type,
        source_id=str(source.pk),
        source_label=f"{source_kind_name(source_type)}：{source}"[:200],
        unit=unit,
        title=title,
        description=description,
        suggested_category=category,
        confidence=float(prediction.confidence),
        category_words=list(prediction.words)[:10],
        category=category,
        status=Problem.Status.OPEN,
        has_raiser=not identity.is_empty,
        opened_at=at,
        opened_by=actor,
        first_due_at=at,  # set from the clock below
    )
    start_clock(problem, at=at, limit_workdays=limit)
    problem.first_due_at = problem.due_at
    problem.save()
    problem.number = f"WT{local_date(at):%Y%m%d}{problem.pk:06d}"
    problem.save(update_fields=["number"])
    if not identity.is_empty:
        ProblemRaiser.objects.create(problem=problem, sealed=seal(identity))
    _step(problem, ProblemStep.Kind.OPENED, actor=actor, at=at, text=f"交办{unit.name}办理")
    _notify(problem, "新交办调研发现问题", at)
    record_created(problem, actor=actor, action="problems.open_problem", fields=PROBLEM_FIELDS)
    return problem, code


@transaction.atomic
def report_problem(
    problem: Problem, *, actor: Any, report: str, at: dt.datetime | None = None
) -> Problem:
    """办理情况: the owner unit says what it did; its clock stops and the office calls back."""
    report = plain_text(report, "办理情况", TEXT_MAX)
    at = at or timezone.now()
    with transition(
        problem,
        actor=actor,
        action="problems.report_problem",
        fields=PROBLEM_FIELDS,
        allowed=Problem.UNIT_OWES,
        doing="报告办理情况",
        permit=lambda locked: require_member(
            actor, locked.unit_id, "只有责任单位的工作人员可以报告办理情况"
        ),
    ) as change:
        locked: Problem = change.obj
        stop_clock(locked, at=at)
        locked.status = Problem.Status.REPORTED
        locked.report = report
        locked.reported_at = at
        locked.save()
        _step(locked, ProblemStep.Kind.REPORTED, actor=actor, at=at, text=report)
        # The office calls back (or verifies) next.
        _notify(locked, "调研发现问题待回访", at, Notification.Audience.OFFICE)
    return locked


def _judge(
    problem: Problem,
    *,
    actor: Any,
    result: str,
    note: str,
    at: dt.datetime,
    action: str,
    doing: str,
    kind: str,
) -> Problem:
    """One callback or verification: solved closes the problem, not solved returns it to the
    unit on a new clock (the redo limit), marked returned for poor quality (yellow)."""
    with transition(
        problem,
        actor=actor,
        action=action,
        fields=PROBLEM_FIELDS,
        allowed=[Problem.Status.REPORTED],
        doing=doing,
        permit=lambda locked: _require_not_owner(actor, locked),
    ) as change:
        locked: Problem = change.obj
        locked.callback_result = result
        locked.callback_note = note
        locked.callback_at = at
        callback = ProblemCallback.objects.create(
            problem=locked, unit_id=locked.unit_id, result=result, note=note, at=at, by=actor
        )
        # The callback is counted on its own (satisfaction measures): its day is marked too.
        measures.mark_changed(callback)
        label = Problem.Result(result).label
        _step(locked, kind, actor=actor, at=at, text=f"{label}。{note}".rstrip("。") + "。")
        if result in Problem.SOLVED_RESULTS:
            locked.status = Problem.Status.CLOSED
            locked.solved_at = locked.reported_at
            locked.closed_at = at
            _step(locked, ProblemStep.Kind.CLOSED, actor=actor, at=at)
        else:
            locked.status = Problem.Status.RETURNED
            locked.return_count += 1
            locked.returned_for_quality = True
            restart_clock(locked, at=at, limit_workdays=ProblemRules.current().redo_workdays)
            locked.warning_level = warning_for(locked, at)
            _step(locked, ProblemStep.Kind.RETURNED, actor=actor, at=at, text=note)
            _notify(locked, "调研发现问题退回重办", at)
        change.reason = note
        locked.save()
    return locked


@transaction.atomic
def record_callback(
    problem: Problem, *, actor: Any, result: str, note: str = "", at: dt.datetime | None = None
) -> Problem:
    """回访: the office asked the raiser; 满意/基本满意 closes the problem, 不满意 (with what is
    still wrong) returns it to the unit."""
    if result not in Problem.CALLBACK_RESULTS:
        raise ValidationError({"回访结果": "请选择回访结果：满意、基本满意或不满意"})
    # Whether there is a raiser never changes after opening: checked before the transition.
    if not problem.has_raiser:
        raise ValidationError({"回访结果": "该问题没有留下联系方式的反映人，请由督查室核实"})
    required = result == Problem.Result.DISSATISFIED
    note = plain_text(note, "回访说明", NOTE_MAX, required=required)
    return _judge(
        problem,
        actor=actor,
        result=result,
        note=note,
        at=at or timezone.now(),
        action="problems.record_callback",
        doing="回访",
        kind=ProblemStep.Kind.CALLBACK,
    )


@transaction.atomic
def verify_problem(
    problem: Problem, *, actor: Any, result: str, note: str, at: dt.datetime | None = None
) -> Problem:
    """核实: with no raiser to call (anonymous) or none reachable, the office checks the result
    itself and writes down how, and why it did not call back."""
    if result not in Problem.VERIFY_RESULTS:
        raise ValidationError({"核实结果": "请选择核实结果：已解决或未解决"})
    note = plain_text(note, "核实情况", NOTE_MAX)
    return _judge(
        problem,
        actor=actor,
        result=result,
        note=note,
        at=at or timezone.now(),
        action="problems.verify_problem",
        doing="核实",
        kind=ProblemStep.Kind.VERIFIED,
    )


@transaction.atomic
def reclassify_problem(
    problem: Problem, *, actor: Any, category: ComplaintCategory, at: dt.datetime | None = None
) -> Problem:
    """The office corrects the classifier's category (any status)."""
    at = at or timezone.now()
    with transition(
        problem,
        actor=actor,
        action="problems.reclassify_problem",
        fields=PROBLEM_FIELDS,
        permit=lambda locked: _require_office(actor, "只有督查室可以更正问题类别"),
    ) as change:
        locked: Problem = change.obj
        if locked.category_id != category.pk:
            locked.category = category
            locked.category_corrected = category.pk != locked.suggested_category_id
            locked.save()
            _step(locked, ProblemStep.Kind.RECLASSIFIED, actor=actor, at=at, text=category.name)
    return locked


@transaction.atomic
def transfer_problem(
    problem: Problem, *, actor: Any, unit: Unit, reason: str, at: dt.datetime | None = None
) -> Problem:
    """The office gives a problem the unit has not yet answered to another unit (交办错了);
    the clock keeps running: the raiser has waited the same time."""
    unit = _check_unit(unit)
    reason = plain_text(reason, "改交原因", NOTE_MAX)
    at = at or timezone.now()
    with transition(
        problem,
        actor=actor,
        action="problems.transfer_problem",
        fields=PROBLEM_FIELDS,
        allowed=Problem.UNIT_OWES,
        doing="改交其他单位",
        reason=reason,
        permit=lambda locked: _require_office(actor, "只有督查室可以改交责任单位"),
    ) as change:
        locked: Problem = change.obj
        if locked.unit_id == unit.pk:
            raise ValidationError({"责任单位": "已经是该单位负责，请选择其他单位"})
        locked.unit = unit
        locked.save()
        _step(locked, ProblemStep.Kind.OPENED, actor=actor, at=at, text=f"改交{unit.name}办理")
        _notify(locked, "改交调研发现问题", at)
    return locked


@transaction.atomic
def reveal_raiser(problem: Problem, *, actor: Any) -> Identity | None:
    """The raiser's contact, for the office's callback only; each reading is audited."""
    _require_not_owner(actor, problem)
    row = ProblemRaiser.objects.filter(problem=problem).first()
    if row is None:
        return None
    record(actor=actor, action="problems.reveal_raiser", obj=problem, reason="回访反映人")
    # Emptied by the retention purge: nothing left to reveal.
    return unseal(row.sealed) if row.sealed else Identity()


# --- retention and key rotation (zuofeng/personal_data.py) ----------------------------------


def raisers_due(before: dt.datetime) -> models.QuerySet[ProblemRaiser]:
    """The sealed raisers of problems closed before `before` (the callback is done)."""
    return ProblemRaiser.objects.filter(problem__closed_at__lt=before).exclude(sealed="")


def anonymise_raisers(*, actor: Any, before: dt.datetime) -> int:
    """The retention purge: the raisers' contacts of problems closed before `before` are
    emptied (the problem, its steps and the callback's result stay); one audit event per
    problem, without personal data. Returns how many problems."""
    if actor is not None:
        _require_office(actor, "只有督查室可以清除反映人信息")
    return empty_sealed(
        raisers_due(before),
        "sealed",
        owner="problem",
        actor=actor,
        action="problems.anonymise_raiser",
        reason=f"反映人个人信息超过保存期限（{local_date(before):%Y-%m-%d} 前办结）",
    )


def reseal_raisers(*, actor: Any, batch_size: int) -> dict[str, int]:
    """Key rotation: every sealed raiser re-encrypted with the newest key."""
    return {
        "份问题反映人": reseal_rows(ProblemRaiser.objects.all(), "sealed", batch_size=batch_size)
    }
