"""State changes of the scorecard: compute a month, publish it, correct it, flag and record
interviews of the heads of units that stay at the bottom, and their commitments.

Every function takes `actor=` (a user, or None for the system and the demo), runs in one
transaction and writes its audit event there. Bad input raises ValidationError with a
Chinese message and changes nothing; a caller who is not the supervision office (or an admin)
gets PermissionDenied.

Public API: `compute_month`, `publish_scorecard` (alias `publish`), `publishable_from`,
`publish_refusal`, `flag_interviews`, `record_interview`, `complete_commitment`,
`bottom_units`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from org.scoping import require_member, sees_all_units
from scorecard.compute import GROUP_LABELS, GROUPS, as_json, score_month
from scorecard.models import (
    Commitment,
    IndicatorScore,
    Interview,
    Scorecard,
    UnitScore,
)
from zuofeng.audit.chain import record
from zuofeng.duty.clock import start_clock, stop_clock
from zuofeng.periods import last_months, month_start, next_month
from zuofeng.validation import required_text

MAX_COMMITMENT_WORKDAYS = 250


def _require_office(actor: Any, what: str) -> None:
    if actor is not None and not sees_all_units(actor):
        raise PermissionDenied(f"只有督查室可以{what}")


def _setting(name: str, default: int) -> int:
    return int(settings.ZUOFENG.get(name, default))


def publishable_from(month: dt.date) -> dt.date:
    """The first day a month may be published: after it has ended and the configured days
    for late data (`SCORECARD_PUBLISH_AFTER_DAYS`) have passed."""
    wait = _setting("SCORECARD_PUBLISH_AFTER_DAYS", 0)
    return next_month(month_start(month)) + dt.timedelta(days=wait)


def publish_refusal(scorecard: Scorecard, *, actor: Any, now: dt.datetime) -> str | None:
    """Why this draft may not be published by `actor` at `now` (Chinese), or None.

    Only an ended month is published, from numbers computed after it ended; and nobody
    publishes their own numbers (design §7): the publisher is a second office user."""
    month = f"{scorecard.month:%Y年%m月}"
    start = publishable_from(scorecard.month)
    if timezone.localdate(now) < start:
        return f"{month}尚未结束（或结束后未满发布等待期），{start:%Y年%m月%d日}起才能发布"
    if timezone.localdate(scorecard.computed_at) < start:
        return (
            f"该版本计算于{timezone.localdate(scorecard.computed_at):%Y年%m月%d日}，"
            f"当时{month}数据尚不完整；请重新计算后再发布"
        )
    if (actor.pk if actor is not None else None) == scorecard.computed_by_id:
        return "不能发布自己计算的考核结果，须由另一名督查室人员审核发布"
    return None


def compute_month(
    *,
    actor: Any,
    month: dt.date,
    reason: str = "",
    now: dt.datetime | None = None,
    refresh: bool = True,
) -> Scorecard:
    """Compute a month as a draft scorecard from the rollups. A month still running may be
    computed as a preview for the office; it is published only once ended (see
    `publish_refusal`), from a draft computed after that.

    A draft of the month is recomputed in place. Once the month is published, computing it
    again is a correction: a new version, which needs a reason and replaces the published
    one only when it is published in turn."""
    _require_office(actor, "计算考核")
    now = now or timezone.now()
    month = month_start(month)
    standard, results = score_month(month, now=now, refresh=refresh)
    with transaction.atomic():
        # Serialises two offices computing the same month at once.
        versions = list(Scorecard.objects.select_for_update().filter(month=month))
        latest = max(versions, key=lambda s: s.version, default=None)
        if latest is not None and latest.status == Scorecard.Status.DRAFT:
            scorecard = latest
            scorecard.unit_scores.all().delete()
            scorecard.standard = standard
            scorecard.computed_at = now
            scorecard.computed_by = actor
            if reason.strip():
                scorecard.correction_reason = reason.strip()
            scorecard.save()
        else:
            correction = ""
            if latest is not None:
                correction = required_text(reason, "更正原因")
            scorecard = Scorecard.objects.create(
                month=month,
                version=(latest.version + 1) if latest else 1,
                standard=standard,
                computed_at=now,
                computed_by=actor,
                correction_reason=correction,
            )
        _save_results(scorecard, results)
        record(
            actor=actor,
            action="scorecard.compute",
            obj=scorecard,
            after={
                "standard": standard.pk,
                "version": scorecard.version,
                "units": as_json(results),
            },
            reason=scorecard.correction_reason,
        )
    return scorecard


def _save_results(scorecard: Scorecard, results: list[Any]) -> None:
    unit_scores = UnitScore.objects.bulk_create(
        [
            UnitScore(
                scorecard=scorecard,
                unit=result.unit,
                group=result.group,
                total=result.total,
                rank=result.rank,
                group_size=result.group_size,
            )
            for result in results
        ]
    )
    IndicatorScore.objects.bulk_create(
        [
            IndicatorScore(
                unit_score=unit_score,
                indicator=item.indicator,
                numerator=item.numerator,
                denominator=item.denominator,
                value=item.value,
                normalised=item.normalised,
                points=item.points,
                insufficient_data=item.insufficient_data,
            )
            for unit_score, result in zip(unit_scores, results, strict=True)
            for item in result.indicators
        ],
        batch_size=2000,
    )


def publish_scorecard(
    *, actor: Any, scorecard: Scorecard, now: dt.datetime | None = None
) -> Scorecard:
    """Publish a draft: it is frozen from now on. A correction supersedes the version
    published before it. Then flags the units due for an interview. Refused (nothing
    changed) for a month not yet publishable and for the user who computed the draft (see
    `publish_refusal`)."""
    _require_office(actor, "发布考核")
    now = now or timezone.now()
    with transaction.atomic():
        scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        if scorecard.status == Scorecard.Status.PUBLISHED:
            raise ValidationError(
                f"{scorecard.month:%Y年%m月}考核（第{scorecard.version}版）已经发布，不能重复发布"
            )
        if scorecard.status == Scorecard.Status.SUPERSEDED:
            raise ValidationError("该版本已被更正版本取代，不能发布")
        newer = Scorecard.objects.filter(month=scorecard.month, version__gt=scorecard.version)
        if newer.exists():
            raise ValidationError("该月已有更新的版本，请发布最新版本")
        refusal = publish_refusal(scorecard, actor=actor, now=now)
        if refusal:
            raise ValidationError(refusal)
        previous = (
            Scorecard.objects.select_for_update()
            .filter(month=scorecard.month, status=Scorecard.Status.PUBLISHED)
            .first()
        )
        if previous is not None:
            previous.status = Scorecard.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            record(
                actor=actor,
                action="scorecard.supersede",
                obj=previous,
                before={"status": Scorecard.Status.PUBLISHED},
                after={"status": Scorecard.Status.SUPERSEDED, "by_version": scorecard.version},
                reason=scorecard.correction_reason,
            )
        scorecard.status = Scorecard.Status.PUBLISHED
        scorecard.published_at = now
        scorecard.published_by = actor
        scorecard.save(update_fields=["status", "published_at", "published_by"])
        record(
            actor=actor,
            action="scorecard.publish",
            obj=scorecard,
            before={"status": Scorecard.Status.DRAFT},
            after={"status": Scorecard.Status.PUBLISHED, "version": scorecard.version},
            reason=scorecard.correction_reason,
        )
        flag_interviews(actor=actor, month=scorecard.month)
    return scorecard


publish = publish_scorecard


def bottom_units(scorecard: Scorecard, bottom_n: int) -> dict[int, str]:
    """unit_id → group for the units in the bottom `bottom_n` of their group (ranked only)."""
    result = {}
    for score in scorecard.unit_scores.filter(rank__gt=0):
        if score.rank > score.group_size - bottom_n:
            result[score.unit_id] = score.group
    return result


def flag_interviews(*, actor: Any, month: dt.date) -> list[Interview]:
    """Flag for an interview (约谈) the head of every unit in the bottom N of its group in each
    of the M consecutive published months ending with `month`. Idempotent; a unit whose
    previous interview has not been held yet is not flagged again."""
    bottom_n = _setting("INTERVIEW_BOTTOM_N", 3)
    months_needed = _setting("INTERVIEW_MONTHS", 2)
    months = last_months(month, months_needed)
    published = {
        s.month: s
        for s in Scorecard.objects.filter(month__in=months, status=Scorecard.Status.PUBLISHED)
    }
    if len(published) < len(months):
        return []
    stuck: dict[int, str] | None = None
    for m in months:
        bottom = bottom_units(published[m], bottom_n)
        stuck = bottom if stuck is None else {u: g for u, g in bottom.items() if u in stuck}
    flagged = []
    pending = set(
        Interview.objects.filter(status=Interview.Status.FLAGGED).values_list("unit_id", flat=True)
    )
    for score in (
        published[months[0]]
        .unit_scores.filter(unit_id__in=list(stuck or {}))
        .select_related("unit")
    ):
        if score.unit_id in pending:
            continue
        reason = (
            f"连续 {months_needed} 个月（{months[-1]:%Y年%m月}至{months[0]:%Y年%m月}）"
            f"在{GROUP_LABELS.get(score.group, score.group)}排名倒数 {bottom_n} 名以内"
            f"（本月第 {score.rank} 名，共 {score.group_size} 个单位）"
        )
        interview, created = Interview.objects.get_or_create(
            unit=score.unit,
            flagged_month=months[0],
            defaults={"head": score.unit.head, "reason": reason},
        )
        if created:
            record(actor=actor, action="interview.flag", obj=interview, after={"reason": reason})
            flagged.append(interview)
    return flagged


def record_interview(
    *,
    actor: Any,
    interview: Interview,
    minutes: str,
    commitments: list[tuple[str, int]],
    held_at: dt.datetime | None = None,
) -> Interview:
    """The office records an interview it held and the head's commitments; each commitment
    becomes a duty on the clock with its own limit in working days."""
    _require_office(actor, "记录约谈")
    minutes = required_text(minutes, "约谈记录")
    checked = []
    for text, workdays in commitments:
        text = required_text(text, "承诺事项", max_chars=1000)
        if not isinstance(workdays, int) or not 1 <= workdays <= MAX_COMMITMENT_WORKDAYS:
            raise ValidationError(
                {"承诺时限": f"承诺时限必须是 1 到 {MAX_COMMITMENT_WORKDAYS} 个工作日"}
            )
        checked.append((text, workdays))
    held_at = held_at or timezone.now()
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        if interview.status != Interview.Status.FLAGGED:
            raise ValidationError("该约谈已经记录过，不能重复记录")
        interview.status = Interview.Status.HELD
        interview.held_at = held_at
        interview.held_by = actor
        interview.minutes = minutes
        interview.save()
        record(
            actor=actor,
            action="interview.hold",
            obj=interview,
            before={"status": Interview.Status.FLAGGED},
            after={"status": Interview.Status.HELD, "commitments": len(checked)},
        )
        for text, workdays in checked:
            commitment = Commitment(interview=interview, unit_id=interview.unit_id, text=text)
            start_clock(commitment, at=held_at, limit_workdays=workdays)
            commitment.save()
            record(
                actor=actor,
                action="commitment.create",
                obj=commitment,
                after={"text": text, "limit_workdays": workdays, "due_at": commitment.due_at},
            )
    return interview


def complete_commitment(
    *, actor: Any, commitment: Commitment, note: str, at: dt.datetime | None = None
) -> Commitment:
    """The unit (or the office) reports a commitment done; its clock stops."""
    if actor is not None and not sees_all_units(actor):
        require_member(actor, commitment.unit_id, "只有本单位或督查室可以报告承诺完成情况")
    note = required_text(note, "完成情况")
    at = at or timezone.now()
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.status == Commitment.Status.DONE:
            raise ValidationError("该承诺已经完成")
        stop_clock(commitment, at=at)
        commitment.status = Commitment.Status.DONE
        commitment.done_at = at
        commitment.done_note = note
        commitment.save()
        record(
            actor=actor,
            action="commitment.complete",
            obj=commitment,
            before={"status": Commitment.Status.OPEN},
            after={"status": Commitment.Status.DONE, "late": commitment.overdue_at_stop},
            reason=note,
        )
    return commitment


def latest_version(month: dt.date) -> int:
    return Scorecard.objects.filter(month=month_start(month)).aggregate(v=Max("version"))["v"] or 0


__all__ = [
    "GROUPS",
    "bottom_units",
    "complete_commitment",
    "compute_month",
    "flag_interviews",
    "latest_version",
    "publish",
    "publish_refusal",
    "publish_scorecard",
    "publishable_from",
    "record_interview",
]
