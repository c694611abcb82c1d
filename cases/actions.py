"""The case lifecycle. Every state change is one function here, called by the pages, the API,
management commands and the demo alike; each writes its audit event in its transaction.

submitted → accepted | supplement (一次性告知) | not accepted
accepted → processing steps → approved | refused → closed
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.attachments import store_attachments
from cases.models import Case, CaseEvent, SupplementRequest, Transfer
from catalog.models import Matter
from org.models import Unit
from org.scoping import require_member
from zuofeng.duty import clock
from zuofeng.measures import mark_changed
from zuofeng.transitions import Conflict, record_created, transition
from zuofeng.validation import required_text
from zuofeng.workdays.calendar import local_date

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CASE_FIELDS = [
    "status",
    "unit",
    "due_at",
    "warning_level",
    "escalation_level",
    "supplement_count",
    "one_time_rule_broken",
    "transfer_count",
    "buck_passing",
    "forwarded_to_back_office",
]


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def _require_member(actor: Any, unit: Unit) -> None:
    require_member(actor, unit.pk, "只有承办单位的工作人员可以办理该办件")


def _applicant_or_member(actor: Any) -> Callable[[Case], None]:
    """The applicant supplies their own materials; staff only for their own unit's cases."""

    def permit(case: Case) -> None:
        if case.applicant_user_id is None or getattr(actor, "pk", None) != case.applicant_user_id:
            _require_member(actor, case.unit)

    return permit


def _event(
    case: Case, kind: str, *, actor: Any, at: dt.datetime, note: str = "", public_note: str = ""
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, at=at, unit=case.unit, note=note, public_note=public_note
    )


def _step(
    case: Case,
    action: str,
    *,
    actor: Any,
    allowed: list[str],
    doing: str,
    permit: Callable[[Case], None] | None = None,
) -> Any:
    """One case step on the kernel's state-change path (lock, check, audit, mark); by default
    only the holding unit's staff may take it."""
    return transition(
        case,
        actor=actor,
        action=f"cases.{action}",
        fields=CASE_FIELDS,
        allowed=allowed,
        doing=doing,
        select_related=("matter", "unit"),
        permit=permit or _member(actor),
    )


def _member(actor: Any) -> Callable[[Case], None]:
    """The check a case step makes before anything else: only the holding unit's staff."""
    return lambda case: _require_member(actor, case.unit)


@transaction.atomic
def submit_case(
    *,
    actor: Any,
    matter: Matter,
    channel: str,
    applicant_name: str,
    applicant_phone: str,
    applicant_id_number: str,
    applicant_kind: str = Case.ApplicantKind.RESIDENT,
    applicant_user: Any = None,
    files: list[tuple[str, Any]] | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Record a new application. `files` pairs a material name with an uploaded file."""
    at = at or timezone.now()
    if channel not in Case.Channel.values:
        raise ValidationError("申请渠道无效")
    if applicant_kind not in Case.ApplicantKind.values:
        raise ValidationError("申请人类型无效")
    matter = Matter.objects.select_related("unit").get(pk=matter.pk)
    if matter.archived or matter.unit.archived:
        raise ValidationError("该事项已停用，不能再申请")
    if channel == Case.Channel.ONLINE:
        if not matter.online:
            raise ValidationError("该事项不能网上办理，请到大厅窗口申请")
    else:
        # Staff enter counter, phone and self-service applications for their own unit only.
        _require_member(actor, matter.unit)
    case = Case(
        query_code=new_query_code(),
        matter=matter,
        unit=matter.unit,
        channel=channel,
        applicant_kind=applicant_kind,
        applicant_name=required_text(applicant_name, "申请人")[:100],
        applicant_phone=required_text(applicant_phone, "联系电话")[:20],
        applicant_id_number=required_text(applicant_id_number, "证件号码")[:32],
        applicant_user=applicant_user,
        submitted_at=at,
    )
    # A hall window that may only receive this matter forwards it to the back office:
    # the 明进暗不进 measure counts these.
    case.forwarded_to_back_office = (
        channel == Case.Channel.WINDOW
        and matter.window_authority == Matter.WindowAuthority.RECEIVE_ONLY
    )
    case.save()
    case.number = f"{local_date(at):%Y%m%d}{case.pk:06d}"
    case.save(update_fields=["number"])
    store_attachments(case=case, files=files or [], actor=actor, at=at)
    _event(case, CaseEvent.Kind.SUBMITTED, actor=actor, at=at, public_note="申请已提交")
    if case.forwarded_to_back_office:
        _event(
            case,
            CaseEvent.Kind.FORWARDED,
            actor=actor,
            at=at,
            public_note="窗口已收件，转单位后台审批",
        )
    record_created(case, actor=actor, action="cases.submit_case", fields=CASE_FIELDS)
    return case


@transaction.atomic
def accept_case(*, actor: Any, case: Case, at: dt.datetime | None = None) -> Case:
    """受理: the clock starts with the matter's promised limit (0: due the same working day)."""
    at = at or timezone.now()
    with _step(
        case, "accept_case", actor=actor, allowed=[Case.Status.SUBMITTED], doing="受理"
    ) as change:
        case = change.obj
        case.status = Case.Status.ACCEPTED
        case.accepted_at = at
        case.handler = actor
        clock.start_clock(case, at=at, limit_workdays=case.matter.promised_limit_days)
        case.save()
        due = timezone.localtime(case.due_at)
        _event(
            case,
            CaseEvent.Kind.ACCEPTED,
            actor=actor,
            at=at,
            public_note=f"已受理，承诺 {due:%Y年%m月%d日} 前办结",
        )
    return case


@transaction.atomic
def request_supplement(
    *, actor: Any, case: Case, materials: list[str], note: str = "", at: dt.datetime | None = None
) -> SupplementRequest:
    """一次性告知: one notice listing every missing material. A second notice for the same case
    is allowed (the applicant must not be stuck) but recorded as a failure of the rule."""
    at = at or timezone.now()
    materials = [m.strip() for m in materials if m and m.strip()]
    if not materials:
        raise ValidationError({"materials": "请列出需要补正的全部材料"})
    with _step(
        case,
        "request_supplement",
        actor=actor,
        allowed=[Case.Status.SUBMITTED, Case.Status.ACCEPTED],
        doing="要求补正",
    ) as change:
        case = change.obj
        is_repeat = case.supplement_count > 0
        case.supplement_count += 1
        case.one_time_rule_broken = case.one_time_rule_broken or is_repeat
        case.status_before_supplement = case.status
        if case.clock_running:
            clock.pause_clock(case, at=at)  # the applicant's time does not count against the unit
        case.status = Case.Status.SUPPLEMENT
        case.save()
        notice = SupplementRequest.objects.create(
            case=case,
            materials=materials,
            note=note.strip()[:2000],
            requested_at=at,
            requested_by=actor,
            is_repeat=is_repeat,
        )
        _event(
            case,
            CaseEvent.Kind.SUPPLEMENT_REQUESTED,
            actor=actor,
            at=at,
            note=note,
            public_note="请补正材料：" + "、".join(materials)[:280],
        )
        change.reason = ("再次告知（违反一次性告知）：" if is_repeat else "") + "、".join(materials)
    return notice


@transaction.atomic
def supply_materials(
    *,
    actor: Any,
    case: Case,
    files: list[tuple[str, Any]] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """The applicant (or staff at the counter for them) hands in the missing materials."""
    at = at or timezone.now()
    with _step(
        case,
        "supply_materials",
        actor=actor,
        allowed=[Case.Status.SUPPLEMENT],
        doing="提交补正材料",
        permit=_applicant_or_member(actor),
    ) as change:
        case = change.obj
        if not files and not note.strip():
            raise ValidationError("请上传补正材料或说明已当面提交")
        store_attachments(case=case, files=files or [], actor=actor, at=at)
        case.status = case.status_before_supplement or Case.Status.SUBMITTED
        case.status_before_supplement = ""
        if case.clock_paused_at is not None:
            clock.resume_clock(case, at=at)
        case.save()
        SupplementRequest.objects.filter(case=case, supplied_at__isnull=True).update(supplied_at=at)
        _event(
            case,
            CaseEvent.Kind.SUPPLIED,
            actor=actor,
            at=at,
            note=note,
            public_note="补正材料已提交",
        )
    return case


@transaction.atomic
def refuse_acceptance(
    *, actor: Any, case: Case, reason: str, legal_basis: str, at: dt.datetime | None = None
) -> Case:
    """不予受理: reason and legal basis are mandatory, so the applicant gets a clear answer."""
    at = at or timezone.now()
    reason = required_text(reason, "不予受理理由")
    legal_basis = required_text(legal_basis, "法律依据")
    with _step(
        case,
        "refuse_acceptance",
        actor=actor,
        allowed=[Case.Status.SUBMITTED, Case.Status.SUPPLEMENT],
        doing="作出不予受理",
    ) as change:
        case = change.obj
        if case.accepted_at is not None:
            # Supplement asked after acceptance: the case is already accepted (its clock is
            # paused, not stopped), so it ends with a decision, not with 不予受理.
            accepted = timezone.localtime(case.accepted_at)
            raise Conflict(
                f"办件 {case.number} 已于 {accepted:%Y年%m月%d日} 受理，"
                "不能再作出不予受理；请在申请人补正后依法作出办结决定。"
            )
        case.status = Case.Status.NOT_ACCEPTED
        case.status_before_supplement = ""
        case.decision_reason, case.decision_legal_basis = reason, legal_basis
        case.decided_at = at
        case.save()
        _event(
            case,
            CaseEvent.Kind.NOT_ACCEPTED,
            actor=actor,
            at=at,
            note=reason,
            public_note=f"不予受理。理由：{reason[:120]}；依据：{legal_basis[:120]}",
        )
        change.reason = reason
    return case


@transaction.atomic
def record_step(
    *, actor: Any, case: Case, note: str, public_note: str = "", at: dt.datetime | None = None
) -> CaseEvent:
    """A processing step (审查, 现场核查, 集体研究…) with its handler and time."""
    at = at or timezone.now()
    note = required_text(note, "办理情况")
    with _step(
        case, "record_step", actor=actor, allowed=[Case.Status.ACCEPTED], doing="登记办理步骤"
    ) as change:
        case = change.obj
        event = _event(
            case,
            CaseEvent.Kind.STEP,
            actor=actor,
            at=at,
            note=note,
            public_note=public_note.strip()[:300],
        )
        # No case field changes: the audit event carries the step itself as its reason.
        change.reason = note[:500]
    return event


@transaction.atomic
def decide_case(
    *,
    actor: Any,
    case: Case,
    approve: bool,
    reason: str = "",
    legal_basis: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """办结: approved, or refused with mandatory reason and legal basis. The clock stops."""
    at = at or timezone.now()
    if not approve:
        reason = required_text(reason, "不予许可理由")
        legal_basis = required_text(legal_basis, "法律依据")
    with _step(
        case, "decide_case", actor=actor, allowed=[Case.Status.ACCEPTED], doing="办结"
    ) as change:
        case = change.obj
        case.status = Case.Status.APPROVED if approve else Case.Status.REFUSED
        case.decision_reason, case.decision_legal_basis = reason.strip(), legal_basis.strip()
        case.decided_at = at
        clock.stop_clock(case, at=at)
        case.save()
        if approve:
            public = "已办结：准予"
        else:
            public = (
                f"已办结：不予许可。理由：{case.decision_reason[:120]}；"
                f"依据：{case.decision_legal_basis[:120]}"
            )
        _event(
            case,
            CaseEvent.Kind.APPROVED if approve else CaseEvent.Kind.REFUSED,
            actor=actor,
            at=at,
            note=reason,
            public_note=public,
        )
        change.reason = reason
    return case


@transaction.atomic
def close_case(*, actor: Any, case: Case, at: dt.datetime | None = None) -> Case:
    at = at or timezone.now()
    with _step(
        case,
        "close_case",
        actor=actor,
        allowed=[Case.Status.APPROVED, Case.Status.REFUSED, Case.Status.NOT_ACCEPTED],
        doing="归档",
    ) as change:
        case = change.obj
        case.status = Case.Status.CLOSED
        case.closed_at = at
        case.save()
        _event(case, CaseEvent.Kind.CLOSED, actor=actor, at=at, public_note="已归档")
    return case


@transaction.atomic
def transfer_case(
    *, actor: Any, case: Case, to_unit: Unit, reason: str, at: dt.datetime | None = None
) -> Transfer:
    """转办 with a mandatory reason. Twice or more, or back to a unit that already had the
    case, flags the case as buck-passing (推诿)."""
    at = at or timezone.now()
    reason = required_text(reason, "转办理由")
    with _step(
        case,
        "transfer_case",
        actor=actor,
        allowed=[Case.Status.SUBMITTED, Case.Status.ACCEPTED],
        doing="转办",
    ) as change:
        case = change.obj
        if to_unit.pk == case.unit_id:
            raise ValidationError({"to_unit": "不能转给本单位"})
        if to_unit.archived:
            raise ValidationError({"to_unit": "该单位已撤销"})
        from_unit = case.unit
        previous_units = {case.matter.unit_id} | set(
            case.transfers.values_list("from_unit_id", flat=True)
        )
        is_return = to_unit.pk in previous_units
        transfer = Transfer.objects.create(
            case=case,
            from_unit=from_unit,
            to_unit=to_unit,
            reason=reason,
            at=at,
            actor=actor,
            is_return=is_return,
        )
        # A new record, not a transition: its (passing unit, day) is marked here. Whether it
        # is buck-passing (`cases.measures.transfer_flagged`) never changes afterwards.
        mark_changed(transfer)
        case.transfer_count += 1
        case.buck_passing = case.buck_passing or is_return or case.transfer_count >= 2
        case.unit = to_unit
        case.handler = None
        case.save()
        # The step is the sending unit's (its staff did it), not the receiving unit's.
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.TRANSFERRED,
            actor=actor,
            at=at,
            unit=from_unit,
            note=reason,
            public_note=f"转 {to_unit.name} 办理"[:300],
        )
        change.reason = reason
    return transfer
