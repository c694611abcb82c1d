"""监督举报 handling: the steps after filing (triage, respond, answer, the callback, reopen,
close) and revealing a complainant. Each step goes through the kernel's state-change path
(`zuofeng.transitions.transition`: lock, check the allowed states, audit, mark the rollup
days) and raises its `Conflict` when the complaint is not in a state the step starts from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from complaints.handling.routing import names_head, route
from complaints.identity import Identity, reseal, reseal_original, unseal
from complaints.models import (
    COMPLAINT_FIELDS,
    ComplainantIdentity,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    TriageSettings,
)
from complaints.texts import text_answer_ready
from org.models import Unit
from org.roles import Role
from org.scoping import has_role, require_member, sees_all_units, unit_of
from sms.models import SmsMessage
from zuofeng.audit.chain import PendingEvent, chain_for, record, record_many
from zuofeng.duty import clock
from zuofeng.transitions import Conflict, transition
from zuofeng.uploads import SEALED_SUFFIX, has_original
from zuofeng.validation import plain_text, required_text
from zuofeng.workdays.calendar import add_workdays, local_date

# --- the steps after filing ---------------------------------------------------------------


def _require_handler(actor: Any, complaint: Complaint) -> None:
    if complaint.handling_unit_id is None:
        raise PermissionDenied("该举报尚未分办")
    require_member(actor, complaint.handling_unit_id, "只有承办单位的工作人员可以办理该举报")


def _require_office(actor: Any) -> None:
    if not sees_all_units(actor):
        raise PermissionDenied("只有督查室可以进行此操作")


def _transition(
    complaint: Complaint,
    action: str,
    *,
    actor: Any,
    allowed: list[str],
    doing: str,
    permit: Callable[[Complaint], None] | None = None,
    reason: str = "",
) -> Any:
    """The kernel's state-change path for one complaint step (lock, check, audit, mark)."""
    return transition(
        complaint,
        actor=actor,
        action=f"complaints.{action}",
        fields=COMPLAINT_FIELDS,
        allowed=allowed,
        doing=doing,
        noun="举报",
        permit=permit,
        reason=reason,
    )


def _handler(actor: Any) -> Callable[[Complaint], None]:
    return lambda complaint: _require_handler(actor, complaint)


def _step(
    complaint: Complaint,
    kind: str,
    *,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    public_note: str = "",
) -> None:
    """Save the step and put it on the complaint's timeline (inside its transition)."""
    complaint.save()
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        at=at,
        actor=actor,
        note=note,
        public_note=public_note[:500],
    )


def resolve_workdays(category_code: str) -> int:
    return ComplaintCategory.objects.get(pk=category_code).resolve_workdays


@transaction.atomic
def triage(
    *,
    actor: Any,
    complaint: Complaint,
    category: str,
    unit: Unit | None = None,
    subject_is_head: bool | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """甄别分办: triage confirms or corrects the category and the unit, and the complaint goes
    to whoever must answer it; the response clock starts."""
    at = at or timezone.now()
    _require_office(actor)
    if not ComplaintCategory.objects.filter(pk=category).exists():
        raise ValidationError({"类别": "请选择有效的举报类别"})
    note = plain_text(note, "分办意见", 1000, required=False)
    with _transition(
        complaint,
        "triage",
        actor=actor,
        allowed=[Complaint.Status.TRIAGE],
        doing="甄别分办",
    ) as change:
        complaint = change.obj
        if unit is not None:
            if unit.archived:
                raise ValidationError({"被举报单位": f"“{unit.name}”已撤销，请选择现有单位"})
            complaint.unit = unit
        if subject_is_head is None:
            subject_is_head = complaint.subject_is_head or names_head(
                complaint.unit, complaint.subject_name
            )
        handling = route(category=category, unit=complaint.unit, subject_is_head=subject_is_head)
        if handling is None:
            raise ValidationError({"被举报单位": "请选择被举报单位，系统才能确定承办单位"})
        complaint.category_id = category
        complaint.subject_is_head = subject_is_head
        complaint.handling_unit = handling
        complaint.triaged_at = at
        complaint.triaged_by = actor
        complaint.status = Complaint.Status.ROUTED
        clock.start_clock(
            complaint, at=at, limit_workdays=int(settings.ZUOFENG["COMPLAINT_RESPOND_WORKDAYS"])
        )
        complaint.respond_due_at = complaint.due_at
        complaint.resolve_due_at = add_workdays(at, resolve_workdays(category))
        corrected = category != complaint.suggested_category_id
        _step(
            complaint,
            ComplaintEvent.Kind.TRIAGED,
            actor=actor,
            at=at,
            note=note or ("更正系统建议类别" if corrected else "确认系统建议类别"),
            public_note=f"已转交{handling.name}办理。",
        )

    return complaint


# --- triage at hotline scale -------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk triage did: the complaints routed, and those left for one-by-one triage
    with the reason (already triaged by someone else, no unit to route to ...)."""

    done: list[Complaint] = field(default_factory=list)
    skipped: list[tuple[Complaint, str]] = field(default_factory=list)


def _triage_each(
    actor: Any, complaints: list[Complaint], decide: Callable[[Complaint], dict[str, Any]]
) -> BulkResult:
    """`triage` for each complaint, each audited on its own; one that cannot be routed is
    skipped (its savepoint rolled back) without undoing the others. One outer transaction
    keeps a day's import to one commit."""
    result = BulkResult()
    with transaction.atomic():
        for complaint in complaints:
            try:
                result.done.append(triage(actor=actor, complaint=complaint, **decide(complaint)))
            except (Conflict, ValidationError) as exc:
                message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                result.skipped.append((complaint, message))
    return result


def confirm_suggestions(
    *, actor: Any, complaints: list[Complaint], threshold: float, note: str = ""
) -> BulkResult:
    """批量确认: triage confirms the classifier's suggestion (category, and the unit the
    channel named) of every complaint whose confidence reaches `threshold`, each through
    `triage` as if confirmed one by one."""
    _require_office(actor)
    below = [c for c in complaints if c.confidence < threshold]
    result = _triage_each(
        actor,
        [c for c in complaints if c.confidence >= threshold],
        lambda c: {
            "category": c.suggested_category_id,
            "note": note or f"批量确认系统建议（置信度 ≥ {threshold:.0%}）",
        },
    )
    result.skipped.extend((c, "置信度低于批量确认的下限") for c in below)
    return result


def triage_group(
    *,
    actor: Any,
    complaints: list[Complaint],
    category: str,
    unit: Unit | None = None,
    subject_is_head: bool | None = None,
    note: str = "",
) -> BulkResult:
    """同类举报一并分办: one decision (category, unit) for every complaint of a near-duplicate
    group still waiting for triage, each routed and audited on its own."""
    _require_office(actor)
    return _triage_each(
        actor,
        complaints,
        lambda c: {
            "category": category,
            "unit": unit,
            "subject_is_head": subject_is_head,
            "note": note or f"同类举报一并分办（{len(complaints)} 件）",
        },
    )


def set_bulk_threshold(*, actor: Any, threshold: float, reason: str = "") -> TriageSettings:
    """The office sets the confidence above which it confirms suggestions in bulk (between
    50 % and 99 %); every change is audited with the old and the new value."""
    _require_office(actor)
    threshold = round(float(threshold), 2)
    if not 0.5 <= threshold <= 0.99:
        raise ValidationError({"置信度下限": "批量确认的置信度下限应在 50% 到 99% 之间"})
    reason = plain_text(reason, "修改理由", 500, required=False)
    with transaction.atomic():
        # Locked: two office users saving at once must each audit the value they replaced.
        current = TriageSettings.objects.select_for_update().filter(pk=TriageSettings.SINGLETON)
        row = current.first() or TriageSettings(pk=TriageSettings.SINGLETON)
        before = row.bulk_threshold
        row.bulk_threshold = threshold
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save()
        record(
            actor=actor,
            action="complaints.set_bulk_threshold",
            obj=row,
            before={"bulk_threshold": before},
            after={"bulk_threshold": threshold},
            reason=reason,
        )
    return row


@transaction.atomic
def respond(
    *, actor: Any, complaint: Complaint, note: str, at: dt.datetime | None = None
) -> Complaint:
    """响应: the handling unit takes the complaint up; the resolution clock runs from triage."""
    at = at or timezone.now()
    note = plain_text(note, "响应说明", 1000)
    with _transition(
        complaint,
        "respond",
        actor=actor,
        allowed=[Complaint.Status.ROUTED],
        doing="响应",
        permit=_handler(actor),
    ) as change:
        complaint = change.obj
        _mark_responded(complaint, at)
        _step(
            complaint,
            ComplaintEvent.Kind.RESPONDED,
            actor=actor,
            at=at,
            note=note,
            public_note="承办单位已受理您的举报，正在调查处理。",
        )

    return complaint


def _mark_responded(complaint: Complaint, at: dt.datetime) -> None:
    complaint.responded_at = at
    complaint.status = Complaint.Status.HANDLING
    assert complaint.triaged_at is not None and complaint.category_id is not None
    clock.restart_clock(
        complaint, at=complaint.triaged_at, limit_workdays=resolve_workdays(complaint.category_id)
    )


@transaction.atomic
def answer(
    *, actor: Any, complaint: Complaint, text: str, at: dt.datetime | None = None
) -> Complaint:
    """答复: the unit's reply to the complainant (shown to them with the receipt); the clock
    stops and the complaint waits for the satisfaction callback."""
    at = at or timezone.now()
    text = plain_text(text, "答复内容", 2000)
    with _transition(
        complaint,
        "answer",
        actor=actor,
        allowed=[Complaint.Status.ROUTED, Complaint.Status.HANDLING],
        doing="答复",
        permit=_handler(actor),
    ) as change:
        complaint = change.obj
        if complaint.status == Complaint.Status.ROUTED:
            _mark_responded(complaint, at)
        clock.stop_clock(complaint, at=at)
        complaint.answer = text
        complaint.answered_at = at
        complaint.first_answered_at = complaint.first_answered_at or at
        complaint.status = Complaint.Status.ANSWERED
        _step(
            complaint,
            ComplaintEvent.Kind.ANSWERED,
            actor=actor,
            at=at,
            public_note=text,
        )
    phone = _complainant_phone(complaint)
    if phone:
        text_answer_ready(complaint, phone)

    return complaint


def _complainant_phone(complaint: Complaint) -> str:
    """The complainant's phone, opened here only to text them: it never leaves this call
    (no return to a view, no audit, no log)."""
    sealed = (
        ComplainantIdentity.objects.filter(complaint=complaint)
        .values_list("sealed", flat=True)
        .first()
    )
    return unseal(sealed).phone if sealed else ""


@transaction.atomic
def record_callback(
    *,
    actor: Any,
    complaint: Complaint,
    result: str,
    note: str = "",
    by_complainant: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """回访: 满意 / 基本满意 close the complaint; 不满意 lets the complainant reopen it once.

    `by_complainant` is the complainant answering with the receipt (the caller checked it);
    otherwise the office or the handling unit records what the complainant said by phone.
    """
    at = at or timezone.now()
    if result not in Complaint.Callback.values:
        raise ValidationError({"回访结果": "请选择满意、基本满意或不满意"})
    if by_complainant and result == Complaint.Callback.UNREACHABLE:
        raise ValidationError({"回访结果": "请选择满意、基本满意或不满意"})
    note = plain_text(note, "回访说明", 1000, required=False)
    by_phone = not by_complainant and not sees_all_units(actor)
    with _transition(
        complaint,
        "record_callback",
        # The complainant answering with the receipt is not named in the audit log.
        actor=None if by_complainant else actor,
        allowed=[Complaint.Status.ANSWERED],
        doing="登记回访结果",
        permit=_handler(actor) if by_phone else None,
    ) as change:
        complaint = change.obj
        public = apply_callback(complaint, result, at)
        _step(
            complaint,
            ComplaintEvent.Kind.CALLBACK,
            actor=None if by_complainant else actor,
            at=at,
            note=note,
            public_note=public,
        )

    return complaint


def apply_callback(complaint: Any, result: str, at: dt.datetime) -> str:
    """The callback's effect on a complaint's fields (also used on the demo's in-memory
    history); returns the note shown to the complainant."""
    complaint.callback = result
    complaint.callback_at = at
    if result == Complaint.Callback.DISSATISFIED and complaint.reopen_count == 0:
        complaint.status = Complaint.Status.DISSATISFIED
        return "您对办理结果不满意，可以申请重新办理一次。"
    complaint.status = Complaint.Status.CLOSED
    complaint.closed_at = at
    return f"回访结果：{Complaint.Callback(result).label}，举报已办结。"


@transaction.atomic
def reopen(*, complaint: Complaint, reason: str, at: dt.datetime | None = None) -> Complaint:
    """不满意重办: the complainant (with the receipt) sends it back once, on a new clock."""
    at = at or timezone.now()
    reason = plain_text(reason, "不满意的原因", 1000)
    with _transition(
        complaint,
        "reopen",
        actor=None,
        allowed=[Complaint.Status.DISSATISFIED],
        doing="申请重办",
        reason=reason,
    ) as change:
        complaint = change.obj
        if complaint.reopen_count >= 1:
            raise Conflict("每件举报只能申请重办一次")
        complaint.reopen_count += 1
        complaint.status = Complaint.Status.HANDLING
        complaint.callback = ""
        complaint.callback_at = None
        complaint.answered_at = None
        assert complaint.category_id is not None
        limit = resolve_workdays(complaint.category_id)
        clock.restart_clock(complaint, at=at, limit_workdays=limit)
        _step(
            complaint,
            ComplaintEvent.Kind.REOPENED,
            actor=None,
            at=at,
            note=reason,
            public_note=reopen_note(complaint, limit),
        )

    return complaint


def reopen_note(complaint: Complaint, limit_workdays: int) -> str:
    """What the complainant is told when they ask for the complaint to be handled again:
    what actually happens (a new clock, who handles it, by when), not that it is done."""
    unit = complaint.handling_unit.name if complaint.handling_unit else "承办单位"
    due = f"{local_date(complaint.due_at):%Y年%m月%d日}" if complaint.due_at else ""
    by = f"，最迟 {due} 前答复您" if due else ""
    return (
        f"您的重办申请已收到，举报已退回{unit}重新办理。"
        f"办理期限重新计算（{limit_workdays} 个工作日）{by}；答复后会再次请您评价。"
    )


@transaction.atomic
def close(
    *, actor: Any, complaint: Complaint, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """The office closes an answered complaint the complainant did not (or could not) answer,
    or one whose complainant was dissatisfied and did not ask to reopen it."""
    at = at or timezone.now()
    _require_office(actor)
    reason = required_text(reason, "办结理由", 1000)
    with _transition(
        complaint,
        "close",
        actor=actor,
        allowed=[Complaint.Status.ANSWERED, Complaint.Status.DISSATISFIED],
        doing="办结",
        reason=reason,
    ) as change:
        complaint = change.obj
        complaint.status = Complaint.Status.CLOSED
        complaint.closed_at = at
        _step(
            complaint,
            ComplaintEvent.Kind.CLOSED,
            actor=actor,
            at=at,
            note=reason,
            public_note="督查室已办结该举报。",
        )

    return complaint


# --- identity ------------------------------------------------------------------------------


def may_reveal(actor: Any, complaint: Complaint) -> bool:
    """The office may open any identity; discipline inspection those of integrity complaints
    and of complaints routed to it. Never the handling unit (unless it is one of those)."""
    if has_role(actor, Role.SUPERVISOR):
        return True
    if has_role(actor, Role.DISCIPLINE):
        unit = unit_of(actor)
        return complaint.category_id == "integrity" or (
            unit is not None and complaint.handling_unit_id == unit.pk
        )
    return False


def reveal_identity(*, actor: Any, complaint: Complaint, reason: str) -> Identity:
    """Open the complainant's identity for one reason; the reveal is audited (who, when, why;
    never the identity itself) and shows on the complaint's internal timeline."""
    if not may_reveal(actor, complaint):
        raise PermissionDenied("只有督查室和纪检人员可以查看举报人身份")
    reason = required_text(reason, "查看理由", 500)
    sealed = (
        ComplainantIdentity.objects.filter(complaint=complaint)
        .values_list("sealed", flat=True)
        .first()
    )
    identity = unseal(sealed) if sealed else Identity()
    with transaction.atomic():
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.REVEALED,
            at=timezone.now(),
            actor=actor,
            note=reason,
        )
        record(
            actor=actor,
            action="complaints.reveal_identity",
            obj=complaint,
            before={},
            after={"anonymous": identity.is_empty},
            reason=reason,
        )
    return identity


def identity_of_reveal(*, actor: Any, complaint: Complaint, event_id: int) -> Identity | None:
    """The identity opened by one reveal already audited (`reveal_identity`), for the page
    shown after its post/redirect/get; None when that reveal is not this actor's, on this
    complaint. Logs nothing: it is the same reveal, shown once by the caller."""
    if not may_reveal(actor, complaint):
        return None
    ours = ComplaintEvent.objects.filter(
        pk=event_id, complaint=complaint, actor=actor, kind=ComplaintEvent.Kind.REVEALED
    ).exists()
    if not ours:
        return None
    sealed = (
        ComplainantIdentity.objects.filter(complaint=complaint)
        .values_list("sealed", flat=True)
        .first()
    )
    return unseal(sealed) if sealed else Identity()


# --- retention and key rotation --------------------------------------------------------------

RETENTION_BATCH = 500


def anonymised_at(complaint: Complaint) -> dt.datetime | None:
    """When the complainant's identity was anonymised by the retention purge (None if not)."""
    return (
        ComplainantIdentity.objects.filter(complaint=complaint, anonymised_at__isnull=False)
        .values_list("anonymised_at", flat=True)
        .first()
    )


def due_for_anonymising(closed_before: dt.datetime) -> Any:
    """The complaints closed before `closed_before` whose identity is not anonymised yet
    (anonymous ones included: their photos' originals may still identify someone)."""
    done = ComplainantIdentity.objects.filter(complaint=OuterRef("pk"), anonymised_at__isnull=False)
    return Complaint.objects.filter(
        status=Complaint.Status.CLOSED, closed_at__lt=closed_before
    ).exclude(Exists(done))


def _delete_originals(files: list[Any]) -> None:
    for stored in files:
        if has_original(stored):
            stored.storage.delete(stored.name + SEALED_SUFFIX)


def anonymise_identities(*, actor: Any, closed_before: dt.datetime) -> int:
    """The retention purge: for every complaint closed before `closed_before` whose identity
    is not anonymised yet, the sealed identity is emptied, the link to the applicant account
    dropped and the row marked anonymised (so a second run finds nothing), and the sealed
    originals of its photos are deleted (the metadata-free copies stay with the complaint's
    text, the record of the unit's conduct). One audit event per complaint, without any
    personal data. `actor` is an office user, or None for the operator's command. Runs in
    batches, each its own transaction; returns how many complaints were anonymised."""
    if actor is not None:
        _require_office(actor)
    reason = f"举报人个人信息超过保存期限（{local_date(closed_before):%Y-%m-%d} 前办结）"
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                due_for_anonymising(closed_before)
                .order_by("pk")
                .only("pk", "number", "unit_id", "handling_unit_id")[:RETENTION_BATCH]
            )
            if not batch:
                return total
            now = timezone.now()
            pks = [complaint.pk for complaint in batch]
            rows = ComplainantIdentity.objects.select_for_update().filter(complaint_id__in=pks)
            had_identity = set(rows.values_list("complaint_id", flat=True))
            rows.update(sealed="", user=None, anonymised_at=now)
            ComplainantIdentity.objects.bulk_create(
                [
                    ComplainantIdentity(complaint_id=pk, sealed="", anonymised_at=now)
                    for pk in pks
                    if pk not in had_identity
                ]
            )
            # The texts to the complainant hold their phone (and the receipt code): emptied too.
            texts = SmsMessage.objects.filter(
                related_type=Complaint._meta.label_lower, related_id__in=[str(pk) for pk in pks]
            )
            texted = set(texts.values_list("related_id", flat=True))
            texts.update(phone="", text="（举报人个人信息已匿名化）")
            files: list[Any] = []
            originals: Counter[int] = Counter()
            for attachment in ComplaintAttachment.objects.filter(complaint_id__in=pks):
                if has_original(attachment.file):
                    files.append(attachment.file)
                    originals[attachment.complaint_id] += 1
            record_many(
                actor=actor,
                events=[
                    PendingEvent(
                        action="complaints.anonymise_identity",
                        object_type=Complaint._meta.label_lower,
                        object_id=str(complaint.pk),
                        object_label=complaint.number,
                        after={
                            "identity_anonymised": True,
                            "had_identity": complaint.pk in had_identity,
                            "photo_originals_deleted": originals.get(complaint.pk, 0),
                            "texts_emptied": str(complaint.pk) in texted,
                        },
                        reason=reason,
                        chain=chain_for(complaint),
                    )
                    for complaint in batch
                ],
            )
            # Files are not transactional: gone only once the batch is committed.
            transaction.on_commit(lambda files=files: _delete_originals(files))
            total += len(batch)


def reseal_identities(*, actor: Any = None, batch_size: int = RETENTION_BATCH) -> dict[str, int]:
    """Key rotation: re-encrypt every sealed identity (and every sealed photo original) with
    the newest key of ZUOFENG_IDENTITY_KEYS, in batches, so that the older keys can be
    removed afterwards. Audited once per run, with the counts only. Idempotent: a token
    already sealed with the newest key is simply sealed again."""
    if actor is not None:
        _require_office(actor)
    identities = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                ComplainantIdentity.objects.select_for_update()
                .filter(pk__gt=last)
                .exclude(sealed="")
                .order_by("pk")
                .only("pk", "sealed")[:batch_size]
            )
            if not batch:
                break
            for row in batch:
                row.sealed = reseal(row.sealed)
            ComplainantIdentity.objects.bulk_update(batch, ["sealed"])
            identities += len(batch)
            last = batch[-1].pk
    originals = 0
    for attachment in ComplaintAttachment.objects.order_by("pk").iterator(chunk_size=batch_size):
        if has_original(attachment.file):
            reseal_original(attachment.file)
            originals += 1
    with transaction.atomic():
        record(
            actor=actor,
            action="complaints.reseal_identities",
            object_type=ComplainantIdentity._meta.label_lower,
            after={"identities": identities, "photo_originals": originals},
            reason="用最新的身份密钥重新加密举报人身份",
        )
    return {"identities": identities, "photo_originals": originals}
