"""好差评 state changes: rating a case, the rectification it opens, appeals.

Each is one function, called by every channel's page, the API, the sweep and the demo, and
each writes its audit event in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from evaluations.models import (
    BAD_LEVELS,
    HALL_TAGS,
    ONLINE_TAGS,
    Appeal,
    Evaluation,
    Level,
    Rectification,
)
from org.models import Unit
from org.roles import Role
from org.scoping import has_role, require_member, sees_all_units, unit_of
from zuofeng import measures
from zuofeng.audit.chain import record
from zuofeng.duty import clock
from zuofeng.duty.models import Notification
from zuofeng.transitions import Conflict, record_created, transition
from zuofeng.validation import plain_text, required_text
from zuofeng.workdays.calendar import add_workdays, local_date

RATABLE_STATUSES = (
    Case.Status.APPROVED,
    Case.Status.REFUSED,
    Case.Status.NOT_ACCEPTED,
    Case.Status.CLOSED,
)
RECTIFICATION_FIELDS = [
    "status",
    "outcome",
    "callback_answer",
    "re_rating",
    "due_at",
    "warning_level",
]


def _config(name: str) -> int:
    return int(settings.ZUOFENG[name])


def tags_for(case: Case) -> tuple[str, ...]:
    return ONLINE_TAGS if case.channel == Case.Channel.ONLINE else HALL_TAGS


def clean_comment(comment: str) -> str:
    try:
        return plain_text(comment, "评价内容", _config("RATING_COMMENT_MAX_CHARS"), required=False)
    except ValidationError as error:
        raise ValidationError({"comment": error.messages}) from error


def _check_level(level: Any) -> int:
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = 0
    if value not in Level.values:
        raise ValidationError({"level": "评价等级必须是 1 到 5 之间的整数（非常不满意到非常满意）"})
    return value


PHONE_RATING_REFUSED = "电话评价只能由督查室录入，被评价单位不能为本单位办件录入评价"
CALLBACK_REFUSED = "整改回访只能由督查室登记或由评价人通过评价链接确认，被评价单位不能自行登记"
# What the rater may answer through their link (联系不上 is the office's note, not theirs).
RATER_ANSWERS = (
    Rectification.CallbackAnswer.SATISFIED,
    Rectification.CallbackAnswer.BASIC,
    Rectification.CallbackAnswer.DISSATISFIED,
)


def _require_independent(actor: Any, unit_id: int, message: str) -> None:
    """The office (or an admin), and never a member of the unit being evaluated."""
    unit = unit_of(actor)
    if not sees_all_units(actor) or (unit is not None and unit.pk == unit_id):
        raise PermissionDenied(message)


def _require_rater(actor: Any, case: Case, source: str) -> None:
    """Who may speak for the rater on each channel. The SMS link's signature is its own
    credential; the default rating is the system's."""
    if source == Evaluation.Source.APPLICANT_PAGE:
        if case.applicant_user_id is None or getattr(actor, "pk", None) != case.applicant_user_id:
            raise PermissionDenied("只能评价本人申请的办件")
    elif source == Evaluation.Source.HALL_DEVICE:
        # The resident presses the button of the window's device: the window is the actor.
        require_member(actor, case.unit_id, "只有承办单位的工作人员可以打开评价器")
    elif source == Evaluation.Source.PHONE:
        # 好差评 rules: the evaluation is independent of the unit evaluated, so a rating given
        # by phone is entered by the supervision office, never by the rated unit.
        _require_independent(actor, case.unit_id, PHONE_RATING_REFUSED)
    elif source == Evaluation.Source.DEFAULT and actor is not None:
        raise PermissionDenied("默认评价只能由系统生成")


@transaction.atomic
def rate_case(
    *,
    actor: Any,
    case: Case,
    level: Any,
    source: str,
    tags: list[str] | None = None,
    comment: str = "",
    anonymous: bool = False,
    allow_publication: bool = False,
    is_default: bool = False,
    at: dt.datetime | None = None,
) -> Evaluation:
    """一事一评: rate a decided case once. A bad rating opens a rectification work order."""
    at = at or timezone.now()
    value = _check_level(level)
    text = clean_comment(comment)
    chosen = list(dict.fromkeys(tags or []))
    allowed = tags_for(case)
    unknown = [tag for tag in chosen if tag not in allowed]
    if unknown:
        raise ValidationError({"tags": f"该渠道的评价指标只有：{'、'.join(allowed)}"})
    if source not in Evaluation.Source.values:
        raise ValidationError("评价渠道无效")
    # Lock the case so two submissions for it queue here; the one-to-one constraint is the
    # last line of defence if anything bypasses this function.
    case = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
    _require_rater(actor, case, source)
    if case.status not in RATABLE_STATUSES:
        raise Conflict("该办件尚未办结，办结后才能评价")
    if Evaluation.objects.filter(case=case).exists():
        raise Conflict("该办件已经评价过了，每件事只能评价一次")
    evaluation = Evaluation(
        case=case,
        unit=case.unit,
        level=value,
        tags=chosen,
        comment=text,
        anonymous=anonymous,
        allow_publication=allow_publication and bool(text),
        source=source,
        is_default=is_default,
        created_at=at,
        rated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise Conflict("该办件已经评价过了，每件事只能评价一次") from None
    record(
        actor=actor,
        action="evaluations.rate_case",
        obj=evaluation,
        after={"case": case.number, "level": value, "source": source, "default": is_default},
    )
    measures.mark_changed(evaluation)
    # A default rating is nobody's complaint: there is no rater to call back and nothing to
    # verify, so even a (misconfigured) bad default level opens no work order.
    if value in BAD_LEVELS and not is_default:
        open_rectification(evaluation=evaluation, at=at)
    return evaluation


@transaction.atomic
def open_rectification(
    *, evaluation: Evaluation, at: dt.datetime, actor: Any = None
) -> Rectification:
    """Called inside rate_case's transaction: the unit that decided the case must answer."""
    rectification = Rectification(
        number=f"ZG{local_date(at):%Y%m%d}{evaluation.pk:06d}",
        evaluation=evaluation,
        unit_id=evaluation.unit_id,
        opened_at=at,
    )
    clock.start_clock(rectification, at=at, limit_workdays=_config("RECTIFY_FINISH_WORKDAYS"))
    assert rectification.due_at is not None
    # Where the whole order has fewer working days than the verify step (one city allows 5
    # in all), verification cannot be due after the order itself.
    rectification.verify_due_at = min(
        add_workdays(at, _config("RECTIFY_VERIFY_WORKDAYS")), rectification.due_at
    )
    rectification.save()
    record_created(
        rectification,
        actor=actor,
        action="evaluations.open_rectification",
        fields=RECTIFICATION_FIELDS,
    )
    return rectification


def _require_member(actor: Any, unit_id: int) -> None:
    require_member(actor, unit_id, "只有被评价单位的工作人员可以办理该整改单")


def _step(rectification: Rectification, action: str, *, actor: Any, **checks: Any) -> Any:
    """One work-order step on the kernel's state-change path (lock, check, audit, mark)."""
    return transition(
        rectification,
        actor=actor,
        action=f"evaluations.{action}",
        fields=RECTIFICATION_FIELDS,
        **checks,
    )


def _member(actor: Any) -> Callable[[Rectification], None]:
    return lambda rectification: _require_member(actor, rectification.unit_id)


def _head(actor: Any) -> Callable[[Rectification], None]:
    return lambda rectification: _require_head(actor, rectification.unit_id)


@transaction.atomic
def verify_rectification(
    *, actor: Any, rectification: Rectification, finding: str, at: dt.datetime | None = None
) -> Rectification:
    """核实: what the unit found when it looked into the complaint behind the rating."""
    at = at or timezone.now()
    finding = required_text(finding, "核实情况")
    with _step(
        rectification,
        "verify_rectification",
        actor=actor,
        allowed=[Rectification.Status.VERIFYING],
        doing="登记核实情况",
        permit=_member(actor),
    ) as change:
        rectification = change.obj
        rectification.finding = finding
        rectification.verified_at = at
        rectification.status = Rectification.Status.RECTIFYING
        rectification.save()
    return rectification


@transaction.atomic
def rectify(
    *,
    actor: Any,
    rectification: Rectification,
    outcome: str,
    measures: str,
    at: dt.datetime | None = None,
) -> Rectification:
    """立行立改, 限期整改 (with the measures taken), or 解释说明 (with the explanation)."""
    at = at or timezone.now()
    if outcome not in Rectification.Outcome.values:
        raise ValidationError({"outcome": "请选择整改方式"})
    label = "解释说明" if outcome == Rectification.Outcome.EXPLAINED else "整改措施"
    measures = required_text(measures, label)
    with _step(
        rectification,
        "rectify",
        actor=actor,
        allowed=[Rectification.Status.RECTIFYING],
        doing="登记整改结果",
        permit=_member(actor),
    ) as change:
        rectification = change.obj
        rectification.outcome = outcome
        rectification.measures = measures
        rectification.rectified_at = at
        rectification.returned_for_quality = False
        # The yellow of a return for quality ends with the new work; the deadline's own level stays.
        rectification.warning_level = clock.warning_for(rectification, at)
        rectification.status = Rectification.Status.CALLBACK
        rectification.save()
    return rectification


@transaction.atomic
def record_callback(
    *,
    actor: Any,
    rectification: Rectification,
    answer: str,
    note: str = "",
    re_rating: Any = None,
    at: dt.datetime | None = None,
) -> Rectification:
    """回访 by the supervision office: the rater's answer and, if they wish, a new rating (the
    original stays on file). The rated unit never records its own return visit."""
    if answer not in Rectification.CallbackAnswer.values:
        raise ValidationError({"answer": "请选择回访结果"})
    new_level = _check_level(re_rating) if re_rating not in (None, "") else None
    if new_level is not None and answer == Rectification.CallbackAnswer.UNREACHABLE:
        raise ValidationError({"level": "联系不上评价人时不能登记重新评价"})

    def permit(order: Rectification) -> None:
        _require_independent(actor, order.unit_id, CALLBACK_REFUSED)

    return _store_callback(
        actor=actor,
        rectification=rectification,
        answer=answer,
        note=(note or "").strip()[:5000],
        re_rating=new_level,
        at=at or timezone.now(),
        permit=permit,
    )


@transaction.atomic
def answer_rectification(
    *,
    actor: Any = None,
    rectification: Rectification,
    answer: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Rectification:
    """The rater confirms (满意/基本满意) or disputes (不满意) the rectification result through
    the signed link they rated with. The link's signature is the credential, as it is for the
    rating itself, so no user stands behind it (actor None): a logged-in visitor does not
    become the one who answered."""
    if actor is not None:
        raise PermissionDenied("评价人通过评价链接确认整改结果，不以登录用户身份登记")
    if answer not in RATER_ANSWERS:
        raise ValidationError({"answer": "请选择您对整改结果的意见：满意、基本满意或不满意"})
    try:
        text = plain_text(note, "您的意见", 2000, required=False)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from error
    label = Rectification.CallbackAnswer(answer).label
    return _store_callback(
        actor=None,
        rectification=rectification,
        answer=answer,
        note=f"评价人通过评价链接反馈：{label}" + (f"。{text}" if text else ""),
        re_rating=None,
        at=at or timezone.now(),
        permit=None,
        reason="评价人通过评价链接确认整改结果",
    )


def _store_callback(
    *,
    actor: Any,
    rectification: Rectification,
    answer: str,
    note: str,
    re_rating: int | None,
    at: dt.datetime,
    permit: Callable[[Rectification], None] | None,
    reason: str = "",
) -> Rectification:
    with _step(
        rectification,
        "record_callback",
        actor=actor,
        allowed=[Rectification.Status.CALLBACK],
        doing="登记回访",
        permit=permit,
        reason=reason,
    ) as change:
        rectification = change.obj
        rectification.callback_answer = answer
        rectification.callback_note = note
        rectification.callback_at = at
        rectification.re_rating = re_rating
        rectification.status = Rectification.Status.APPROVAL
        rectification.save()
    return rectification


def _require_head(actor: Any, unit_id: int) -> None:
    # Without the authentication check, actor=None would match a unit that has no head.
    if not getattr(actor, "is_authenticated", False) or not actor.pk:
        raise PermissionDenied("只有本单位一把手可以审核整改结果")
    if not Unit.objects.filter(pk=unit_id, head_id=actor.pk).exists():
        raise PermissionDenied("只有本单位一把手可以审核整改结果")


@transaction.atomic
def approve_rectification(
    *, actor: Any, rectification: Rectification, at: dt.datetime | None = None
) -> Rectification:
    """The unit head approves closure; the clock stops and on-time is settled."""
    at = at or timezone.now()
    with _step(
        rectification,
        "approve_rectification",
        actor=actor,
        allowed=[Rectification.Status.APPROVAL],
        doing="审核办结",
        permit=_head(actor),
    ) as change:
        rectification = change.obj
        rectification.status = Rectification.Status.CLOSED
        rectification.approved_by = actor
        rectification.closed_at = at
        clock.stop_clock(rectification, at=at)
        rectification.save()
    return rectification


@transaction.atomic
def return_rectification(
    *, actor: Any, rectification: Rectification, reason: str, at: dt.datetime | None = None
) -> Rectification:
    """The head sends poor work back: the order turns yellow (returned for quality)."""
    at = at or timezone.now()
    reason = required_text(reason, "退回理由")
    with _step(
        rectification,
        "return_rectification",
        actor=actor,
        allowed=[Rectification.Status.APPROVAL],
        doing="退回",
        permit=_head(actor),
    ) as change:
        rectification = change.obj
        rectification.status = Rectification.Status.RECTIFYING
        rectification.returned_for_quality = True
        # Shown at once (red stays red); the sweep computes the same level and so adds nothing.
        rectification.warning_level = clock.warning_for(rectification, at)
        rectification.save()
        Notification.objects.create(
            unit_id=rectification.unit_id,
            audience=Notification.Audience.UNIT_STAFF,
            title=f"差评整改 {rectification.number} 被一把手退回：{reason[:100]}",
            link=duty_link(rectification),
            created_at=at,
        )
        change.reason = reason
    return rectification


def duty_link(rectification: Rectification) -> str:
    return reverse("evaluations:rectification", args=[rectification.pk])


@transaction.atomic
def file_appeal(
    *, actor: Any, evaluation: Evaluation, reason: str, evidence: str, at: dt.datetime | None = None
) -> Appeal:
    """申诉 against a rating the unit considers malicious or mistaken."""
    at = at or timezone.now()
    reason = required_text(reason, "申诉理由")
    evidence = required_text(evidence, "证据说明")
    # Lock the rating (always before its appeals, as decide_appeal does): two staff filing at
    # once must not both pass the pending check.
    evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
    _require_member(actor, evaluation.unit_id)
    if evaluation.excluded:
        raise Conflict("该评价已不计入统计，无需申诉")
    if evaluation.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise Conflict("该评价已有待督查室裁定的申诉，请等待裁定结果")
    appeal = Appeal.objects.create(
        evaluation=evaluation,
        unit=evaluation.unit,
        reason=reason,
        evidence=evidence,
        filed_by=actor,
        filed_at=at,
    )
    record(
        actor=actor,
        action="evaluations.file_appeal",
        obj=appeal,
        after={"evaluation": evaluation.pk},
        reason=reason,
    )
    return appeal


@transaction.atomic
def decide_appeal(
    *, actor: Any, appeal: Appeal, uphold: bool, note: str, at: dt.datetime | None = None
) -> Appeal:
    """The supervision office decides; an upheld appeal takes the rating out of statistics."""
    at = at or timezone.now()
    if not has_role(actor, Role.SUPERVISOR):
        raise PermissionDenied("只有督查室可以裁定申诉")
    note = required_text(note, "裁定意见")
    # Lock order rating → appeal, the same as file_appeal, so the two cannot deadlock.
    evaluation_id = Appeal.objects.values_list("evaluation_id", flat=True).get(pk=appeal.pk)
    evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation_id)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(
            f"该申诉已于 {timezone.localtime(appeal.decided_at):%Y年%m月%d日} 裁定"
            f"（{appeal.get_status_display()}），请刷新页面查看"
            if appeal.decided_at
            else "该申诉已经裁定"
        )
    appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, at, note
    appeal.save()
    record(
        actor=actor,
        action="evaluations.decide_appeal",
        obj=appeal,
        before={"status": Appeal.Status.PENDING.value},
        after={"status": appeal.status},
        reason=note,
    )
    if uphold:
        evaluation.excluded = True
        evaluation.excluded_reason = f"申诉成立：{note}"[:2000]
        evaluation.save(update_fields=["excluded", "excluded_reason"])
        measures.mark_changed(evaluation)
        record(
            actor=actor,
            action="evaluations.exclude_evaluation",
            obj=evaluation,
            before={"excluded": False},
            after={"excluded": True},
            reason=note,
        )
        _withdraw_rectification(evaluation, actor=actor, at=at, reason=note)
    return appeal


def _withdraw_rectification(
    evaluation: Evaluation, *, actor: Any, at: dt.datetime, reason: str
) -> None:
    """An upheld appeal ends the open work order: a malicious or mistaken review must not keep
    a clock running that escalates against the unit. A closed order stays as it was, but no
    longer counts (its rating is excluded), so its day is marked for the rollups."""
    rectification = Rectification.objects.filter(evaluation=evaluation).first()
    if rectification is None:
        return
    open_states = [
        s for s in Rectification.Status.values if s not in Rectification.FINISHED_STATUSES
    ]
    if not rectification.is_open:
        measures.mark_changed(rectification)
        return
    with _step(
        rectification,
        "withdraw_rectification",
        actor=actor,
        allowed=open_states,
        doing="撤销",
        reason=reason,
    ) as change:
        rectification = change.obj
        rectification.status = Rectification.Status.WITHDRAWN
        if rectification.clock_stopped_at is None:
            clock.stop_clock(rectification, at=at)
        rectification.save()
