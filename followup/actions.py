"""催办, 督办 and 批示: every state change of a follow-up, on the kernel's one path.

- `urge_duty`, `issue_notice`, `record_instruction`: the office (the `office` access area)
  on any open duty of a registered kind (a 批示 on any duty, open or not);
- `answer_notice`: the accountable unit's staff or head (open/returned → answered; the
  notice's clock pauses while the office reviews the answer, so review time is not charged
  to the unit);
- `close_notice` (answered → closed; the clock stops at the accepted answer's time, so a late
  answer stays late) and `return_notice` (answered → returned; the clock runs again and the
  notice turns yellow, the shared rule for work returned for poor quality): the office.

Each writes its audit event in its transaction and reaches the other side through a
`zuofeng.duty` Notification row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from followup.duties import DutyRef, read_duty
from followup.models import FollowUp, NoticeCounter
from org.scoping import unit_of
from zuofeng.access import may
from zuofeng.duty import clock
from zuofeng.duty.models import Notification
from zuofeng.transitions import Conflict, record_created, transition
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import local_date

MAX_LIMIT_WORKDAYS = 60
CREATED_FIELDS = [
    "kind",
    "status",
    "object_type",
    "object_id",
    "duty_label",
    "unit",
    "number",
    "text",
    "leader",
    "limit_workdays",
    "due_at",
]
FIELDS = [
    "status",
    "reply",
    "review_note",
    "returned_count",
    "due_at",
    "clock_paused_at",
    "clock_stopped_at",
    "returned_for_quality",
]
Audience = Notification.Audience


def _require_office(actor: Any) -> None:
    if not may(actor, "office"):
        raise PermissionDenied("只有督查室可以催办、督办或记录领导批示")


def _office(actor: Any) -> Any:
    return lambda followup: _require_office(actor)


def is_accountable(user: Any, followup: FollowUp) -> bool:
    """A member of the unit the follow-up went to, or that unit's head."""
    unit = unit_of(user)
    if unit is not None and unit.pk == followup.unit_id:
        return True
    return getattr(user, "pk", None) is not None and followup.unit.head_id == user.pk


def _accountable(actor: Any) -> Any:
    def permit(followup: FollowUp) -> None:
        if not is_accountable(actor, followup):
            raise PermissionDenied("只有被督办单位的工作人员可以办复")

    return permit


def _duty(object_type: str, object_id: Any) -> DutyRef:
    duty = read_duty(object_type, object_id)
    if duty is None:
        raise ValidationError({"事项": "找不到要督办的事项，或该类事项不能督办"})
    return duty


def _require_open(duty: DutyRef, doing: str) -> None:
    if not duty.is_open:
        raise Conflict(
            f"{duty.kind_name} {duty.label} 未在办理期限内（未开始计时或已办结），不能{doing}。"
            "页面可能已过期，请刷新后查看最新状态。"
        )


def _checked(*checks: Any) -> list[Any]:
    """Run every check and report all their errors at once (each next to its field)."""
    values: list[Any] = []
    errors: dict[str, list[str]] = {}
    for check in checks:
        try:
            values.append(check())
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


def _link(followup: FollowUp) -> str:
    return reverse("followup:detail", args=[followup.pk])


def _notify(followup: FollowUp, audiences: list[str], title: str, at: dt.datetime) -> None:
    Notification.objects.bulk_create(
        Notification(
            unit_id=followup.unit_id,
            audience=audience,
            title=title[:200],
            link=_link(followup),
            created_at=at,
        )
        for audience in audiences
    )


def _new(duty: DutyRef, *, actor: Any, kind: str, status: str, text: str, at: dt.datetime) -> Any:
    return FollowUp(
        kind=kind,
        status=status,
        object_type=duty.object_type,
        object_id=duty.object_id,
        duty_label=f"{duty.kind_name} {duty.label}"[:200],
        unit_id=duty.unit_id,
        text=text,
        issued_by=actor,
        created_at=at,
    )


@transaction.atomic
def urge_duty(
    *, actor: Any, object_type: str, object_id: Any, text: str, at: dt.datetime | None = None
) -> FollowUp:
    """催办: tell the accountable unit the office is watching this duty."""
    at = at or timezone.now()
    _require_office(actor)
    duty = _duty(object_type, object_id)
    text = plain_text(text, "催办意见", 1000)
    _require_open(duty, "催办")
    followup = _new(
        duty, actor=actor, kind=FollowUp.Kind.URGE, status=FollowUp.Status.SENT, text=text, at=at
    )
    followup.save()
    record_created(followup, actor=actor, action="followup.urge_duty", fields=CREATED_FIELDS)
    _notify(followup, [Audience.UNIT_STAFF], f"督查室催办：{followup.duty_label}", at)
    return followup


def _next_number(year: int) -> tuple[int, str]:
    """The next notice number of `year`. The counter row is locked until the caller's
    transaction ends: two supervisors issuing at once get N and N+1, never the same N."""
    NoticeCounter.objects.bulk_create([NoticeCounter(year=year)], ignore_conflicts=True)
    counter = NoticeCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"督办〔{year}〕第{counter.last}号"


def _limit(value: Any) -> int:
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_LIMIT_WORKDAYS:
        raise ValidationError({"办复时限": f"办复时限应为 1 至 {MAX_LIMIT_WORKDAYS} 个工作日"})
    return limit


def _live_notice(object_type: str, object_id: str) -> FollowUp | None:
    return FollowUp.objects.filter(
        kind=FollowUp.Kind.NOTICE,
        status__in=FollowUp.ACTIVE_NOTICE,
        object_type=object_type,
        object_id=object_id,
    ).first()


def _already_noticed(existing: FollowUp | None) -> Conflict:
    number = f" {existing.number}" if existing else ""
    return Conflict(f"该事项已有未办结的督办通知{number}，请在原通知上跟进。")


@transaction.atomic
def issue_notice(
    *,
    actor: Any,
    object_type: str,
    object_id: Any,
    text: str,
    limit_workdays: Any,
    at: dt.datetime | None = None,
) -> FollowUp:
    """督办: a numbered notice with its own deadline, itself a duty on the shared clock."""
    at = at or timezone.now()
    _require_office(actor)
    duty = _duty(object_type, object_id)
    text, limit = _checked(
        lambda: plain_text(text, "督办要求", 2000), lambda: _limit(limit_workdays)
    )
    _require_open(duty, "督办")
    if (existing := _live_notice(duty.object_type, duty.object_id)) is not None:
        raise _already_noticed(existing)
    followup = _new(
        duty, actor=actor, kind=FollowUp.Kind.NOTICE, status=FollowUp.Status.OPEN, text=text, at=at
    )
    year = local_date(at).year
    followup.year = year
    followup.seq, followup.number = _next_number(year)
    clock.start_clock(followup, at=at, limit_workdays=limit)
    try:
        # A savepoint: a supervisor who raced us to the same duty leaves a Conflict, not a
        # broken transaction (followup_one_live_notice_per_duty).
        with transaction.atomic():
            followup.save()
    except IntegrityError:
        raise _already_noticed(_live_notice(duty.object_type, duty.object_id)) from None
    record_created(followup, actor=actor, action="followup.issue_notice", fields=CREATED_FIELDS)
    _notify(
        followup,
        [Audience.UNIT_STAFF, Audience.UNIT_HEAD],
        f"督办通知 {followup.number}：{followup.duty_label}，"
        f"请于 {local_date(followup.due_at):%Y-%m-%d} 前办复",
        at,
    )
    return followup


@transaction.atomic
def record_instruction(
    *,
    actor: Any,
    object_type: str,
    object_id: Any,
    leader: str,
    text: str,
    at: dt.datetime | None = None,
) -> FollowUp:
    """批示: a leader's instruction on a duty, recorded by the office and sent to the unit."""
    at = at or timezone.now()
    _require_office(actor)
    duty = _duty(object_type, object_id)
    leader, text = _checked(
        lambda: plain_text(leader, "批示领导", 100), lambda: plain_text(text, "批示内容", 2000)
    )
    followup = _new(
        duty,
        actor=actor,
        kind=FollowUp.Kind.INSTRUCTION,
        status=FollowUp.Status.SENT,
        text=text,
        at=at,
    )
    followup.leader = leader
    followup.save()
    record_created(
        followup, actor=actor, action="followup.record_instruction", fields=CREATED_FIELDS
    )
    _notify(
        followup,
        [Audience.UNIT_HEAD, Audience.UNIT_STAFF],
        f"{followup.leader}批示：{followup.duty_label}",
        at,
    )
    return followup


@transaction.atomic
def answer_notice(
    *, actor: Any, followup: FollowUp, reply: str, at: dt.datetime | None = None
) -> FollowUp:
    """办复: the unit says what it did. The clock pauses while the office reviews."""
    at = at or timezone.now()
    reply = plain_text(reply, "办复情况", 2000)
    with transition(
        followup,
        actor=actor,
        action="followup.answer_notice",
        fields=FIELDS,
        allowed=[FollowUp.Status.OPEN, FollowUp.Status.RETURNED],
        doing="办复",
        select_related=("unit",),
        permit=_accountable(actor),
    ) as change:
        followup = change.obj
        clock.pause_clock(followup, at=at)
        followup.reply = reply
        followup.answered_at = at
        followup.answered_by = actor
        followup.status = FollowUp.Status.ANSWERED
        followup.save()
        _notify(followup, [Audience.OFFICE], f"{followup.number} 已办复，待审核", at)
    return followup


@transaction.atomic
def close_notice(
    *, actor: Any, followup: FollowUp, note: str = "", at: dt.datetime | None = None
) -> FollowUp:
    """办结: the office accepts the answer. The notice counts as done when it was answered."""
    at = at or timezone.now()
    note = plain_text(note, "审核意见", 1000, required=False)
    with transition(
        followup,
        actor=actor,
        action="followup.close_notice",
        fields=FIELDS,
        allowed=[FollowUp.Status.ANSWERED],
        doing="办结",
        noun="督办通知",
        permit=_office(actor),
    ) as change:
        followup = change.obj
        change.reason = note
        clock.stop_clock(followup, at=followup.clock_paused_at or at)
        followup.returned_for_quality = False
        followup.status = FollowUp.Status.CLOSED
        followup.review_note = note
        followup.reviewed_at = at
        followup.save()
        _notify(followup, [Audience.UNIT_STAFF], f"{followup.number} 已审核办结", at)
    return followup


@transaction.atomic
def return_notice(
    *, actor: Any, followup: FollowUp, reason: str, at: dt.datetime | None = None
) -> FollowUp:
    """退回: the answer is not enough. The clock runs again and the notice turns yellow."""
    at = at or timezone.now()
    reason = plain_text(reason, "退回理由", 1000)
    with transition(
        followup,
        actor=actor,
        action="followup.return_notice",
        fields=FIELDS,
        allowed=[FollowUp.Status.ANSWERED],
        doing="退回",
        noun="督办通知",
        reason=reason,
        permit=_office(actor),
    ) as change:
        followup = change.obj
        clock.resume_clock(followup, at=at)
        followup.returned_for_quality = True
        followup.returned_count += 1
        followup.status = FollowUp.Status.RETURNED
        followup.review_note = reason
        followup.reviewed_at = at
        followup.save()
        _notify(followup, [Audience.UNIT_STAFF], f"{followup.number} 被退回重办：{reason[:80]}", at)
    return followup
