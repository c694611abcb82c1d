"""The case lifecycle. Every state change is one function here, called by the pages, the API,
management commands and the demo alike; each writes its audit event in its transaction.

submitted → accepted | supplement (一次性告知) | not accepted
accepted → processing steps → approved | refused → closed

Two deadlines run on the shared duty clock, one after the other (`Case.clock_phase`):

- acceptance: from receipt, `CASE_ACCEPTANCE_WORKDAYS` working days (default 5, the
  Administrative Licensing Law Art. 32, counted in working days per Art. 82) to accept, refuse
  or give the one-time notice. Giving the notice or refusing discharges it; the applicant's
  complete supplement starts it again. If it runs out, the sweep deems the case accepted from
  receipt (`deem_acceptance`);
- processing: from acceptance (or receipt, when deemed), the matter's promised limit, paused
  while the applicant supplies materials asked for after acceptance.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.attachments import store_attachments
from cases.models import Case, CaseEvent, SupplementRequest, Transfer
from cases.signals import case_decided
from cases.texts import text_supplement_notice
from catalog.models import Matter
from org.models import Unit
from org.scoping import require_member, unit_of
from zuofeng.duty import clock
from zuofeng.duty.models import Notification, WarningLevel
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
    "clock_phase",
    "deemed_accepted",
]


def acceptance_limit() -> int:
    """Working days to accept, refuse or give the one-time notice (Art. 32: 5)."""
    return settings.CASE_ACCEPTANCE_WORKDAYS


def set_acceptance_clock(case: Case, at: dt.datetime) -> None:
    clock.restart_clock(case, at=at, limit_workdays=acceptance_limit())
    case.clock_phase = Case.ClockPhase.ACCEPTANCE


def clear_acceptance_clock(case: Case) -> None:
    """The acceptance duty is discharged (notice given, refused): no clock runs until the
    applicant answers. Cleared rather than stopped: a stopped clock means a decided case in
    the on-time measures. Escalations already recorded stay."""
    if case.clock_phase != Case.ClockPhase.ACCEPTANCE:
        return
    case.clock_started_at = case.clock_paused_at = case.clock_stopped_at = None
    case.due_at = None
    case.limit_workdays = None
    case.paused_workdays = 0
    case.warning_level = WarningLevel.NONE
    case.clock_phase = Case.ClockPhase.NONE


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def is_member(actor: Any, case: Case) -> bool:
    """Whether the actor works in the unit holding the case."""
    unit = unit_of(actor)
    return unit is not None and unit.pk == case.unit_id


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
    set_acceptance_clock(case, at)
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
        # The acceptance clock ends here; the promised one starts (restart: a case received
        # before acceptance had a clock has none to end).
        clock.restart_clock(case, at=at, limit_workdays=case.matter.promised_limit_days)
        case.clock_phase = Case.ClockPhase.PROCESSING
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
    *,
    actor: Any,
    case: Case,
    materials: list[str],
    note: str = "",
    internal_note: str = "",
    at: dt.datetime | None = None,
) -> SupplementRequest:
    """一次性告知: one notice listing every missing material. `note` is for the applicant (the
    notice box and the printed 一次性告知书), `internal_note` stays with the staff. A second
    notice for the same case is allowed (the applicant must not be stuck) but recorded as a
    failure of the rule.

    Before acceptance the notice discharges the acceptance duty (the acceptance clock ends;
    the complete supplement starts it again); after acceptance the promised clock pauses."""
    at = at or timezone.now()
    materials = list(dict.fromkeys(m.strip() for m in materials if m and m.strip()))
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
        if case.awaiting_acceptance:
            clear_acceptance_clock(case)
        elif case.clock_running:
            clock.pause_clock(case, at=at)  # the applicant's time does not count against the unit
        case.status = Case.Status.SUPPLEMENT
        case.save()
        notice = SupplementRequest.objects.create(
            case=case,
            materials=materials,
            note=note.strip()[:2000],
            internal_note=internal_note.strip()[:2000],
            requested_at=at,
            requested_by=actor,
            is_repeat=is_repeat,
        )
        _event(
            case,
            CaseEvent.Kind.SUPPLEMENT_REQUESTED,
            actor=actor,
            at=at,
            note=internal_note.strip(),
            public_note="请补正材料：" + "、".join(materials)[:280],
        )
        change.reason = ("再次告知（违反一次性告知）：" if is_repeat else "") + "、".join(materials)
        text_supplement_notice(case, notice)
    return notice


@transaction.atomic
def supply_materials(
    *,
    actor: Any,
    case: Case,
    files: list[tuple[str, Any]] | None = None,
    materials: list[str] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """The applicant (or staff at the counter for them) hands in missing materials.

    Each listed material is tracked: `materials` names those handed in (staff tick them), and
    a file named after a listed material counts for it. The notice is answered, and the case
    moves on, only once every listed material is in; until then the case waits in 补正.

    A note alone from the applicant ("已当面提交") is recorded but checks nothing off: staff
    confirm what reached the counter. A unit member who names no material and uploads no
    file registers every listed material as handed in at the counter."""
    at = at or timezone.now()
    files = files or []
    with _step(
        case,
        "supply_materials",
        actor=actor,
        allowed=[Case.Status.SUPPLEMENT],
        doing="提交补正材料",
        permit=_applicant_or_member(actor),
    ) as change:
        case = change.obj
        notice = (
            SupplementRequest.objects.select_for_update()
            .filter(case=case, supplied_at__isnull=True)
            .order_by("-requested_at", "-id")
            .first()
        )
        listed = list(notice.materials) if notice else []
        ticked = [m.strip() for m in materials or [] if m and m.strip()]
        unknown = [m for m in ticked if m not in listed]
        if unknown:
            raise ValidationError({"materials": f"告知书中没有这项材料：{'、'.join(unknown)}"})
        if not files and not ticked and not note.strip():
            raise ValidationError("请上传补正材料或说明已当面提交")
        store_attachments(case=case, files=files, actor=actor, at=at)
        handed_in = set(ticked) | {name for name, _ in files if name in listed}
        if materials is None and not files and is_member(actor, case):
            handed_in = set(listed)
        if notice is None:
            complete = True  # no itemised notice (recorded before items were tracked)
        else:
            before = set(notice.supplied_materials or [])
            notice.supplied_materials = [m for m in listed if m in before | handed_in]
            complete = not notice.outstanding_materials
            if complete:
                notice.supplied_at = at
            notice.save(update_fields=["supplied_materials", "supplied_at"])
        if complete:
            case.status = case.status_before_supplement or Case.Status.SUBMITTED
            case.status_before_supplement = ""
            if case.clock_paused_at is not None:
                clock.resume_clock(case, at=at)
            elif case.status == Case.Status.SUBMITTED:
                # Complete materials received: a new acceptance period from today.
                set_acceptance_clock(case, at)
            case.save()
            public_note = "补正材料已全部提交"
        else:
            assert notice is not None
            outstanding = "、".join(notice.outstanding_materials)
            public_note = f"已补正部分材料，尚缺：{outstanding}"[:300]
        _event(
            case,
            CaseEvent.Kind.SUPPLIED,
            actor=actor,
            at=at,
            note=note,
            public_note=public_note,
        )
        change.reason = "、".join(m for m in listed if m in handed_in)[:500]
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
        clear_acceptance_clock(case)
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
        case_decided.send(sender=Case, case=case)
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
        if case.status == Case.Status.SUBMITTED:
            # The receiving unit gets its own acceptance period from the day it receives.
            set_acceptance_clock(case, at)
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


@transaction.atomic
def deem_acceptance(*, case: Case, at: dt.datetime | None = None) -> Case:
    """The acceptance limit ran out with no acceptance, refusal or one-time notice: by law
    (Art. 32) the case counts as accepted from receipt, and the promised clock runs from
    receipt. Taken by the sweep (no actor), audited like every step."""
    at = at or timezone.now()
    with transition(
        case,
        actor=None,
        action="cases.deem_acceptance",
        fields=CASE_FIELDS,
        allowed=[Case.Status.SUBMITTED],
        doing="视为受理",
        select_related=("matter", "unit"),
    ) as change:
        case = change.obj
        if not (case.awaiting_acceptance and case.clock_running and case.due_at < at):
            raise Conflict(f"办件 {case.number} 的受理期限尚未届满")
        received = case.clock_started_at
        limit = acceptance_limit()
        case.status = Case.Status.ACCEPTED
        case.accepted_at = received
        case.deemed_accepted = True
        clock.restart_clock(case, at=received, limit_workdays=case.matter.promised_limit_days)
        case.clock_phase = Case.ClockPhase.PROCESSING
        case.warning_level = clock.warning_for(case, at)
        case.save()
        due = timezone.localtime(case.due_at)
        _event(
            case,
            CaseEvent.Kind.ACCEPTED,
            actor=None,
            at=at,
            note=f"{limit} 个工作日内未受理、未不予受理、未一次性告知补正，依法视为受理",
            public_note=(
                f"收到申请后 {limit} 个工作日内未作出是否受理的决定，依法自收到申请之日起视为受理，"
                f"承诺 {due:%Y年%m月%d日} 前办结"
            ),
        )
        change.reason = (
            f"受理期限（{limit} 个工作日）届满，依法视为受理（《行政许可法》第三十二条）"
        )
        # The unit learns it now holds an accepted case whose promised clock already runs.
        Notification.objects.create(
            unit=case.unit,
            audience=Notification.Audience.UNIT_STAFF,
            title=f"办件 {case.number} 受理期限届满，已依法视为受理，{due:%Y年%m月%d日}前办结",
            link=reverse("cases:staff_detail", args=[case.pk]),
            created_at=at,
        )
    return case


@transaction.atomic
def start_acceptance_clock(*, case: Case, at: dt.datetime) -> Case:
    """Give a case waiting for acceptance with no clock (received before the acceptance clock
    existed) its acceptance clock, counted from receipt or from its last complete supplement."""
    with transition(
        case,
        actor=None,
        action="cases.start_acceptance_clock",
        fields=CASE_FIELDS,
        allowed=[Case.Status.SUBMITTED],
        doing="开始受理计时",
    ) as change:
        case = change.obj
        if case.clock_started_at is not None:
            raise Conflict(f"办件 {case.number} 已在计时")
        last_supply = (
            case.supplement_requests.filter(supplied_at__isnull=False)
            .order_by("-supplied_at")
            .values_list("supplied_at", flat=True)
            .first()
        )
        set_acceptance_clock(case, last_supply or case.submitted_at)
        case.warning_level = clock.warning_for(case, at)
        case.save()
        change.reason = "受理期限自收到申请材料之日起计算"
    return case
