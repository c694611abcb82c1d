"""申诉: the rated unit appeals with evidence; only the supervision office decides. An upheld
appeal takes the rating out of the statistics, visibly and audited, and ends its open work
order; a rejected one leaves everything counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import District
from evaluations import actions
from evaluations.models import Appeal, Evaluation, Level, Rectification
from evaluations.stats import UnitResult, monthly_results
from evaluations.tests.test_rectification import (
    awaiting_approval,
    bad_order,
    decided_case,
    local,
    rate,
)
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import Escalation, EscalationLevel
from zuofeng.duty.sweep import sweep
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db

IN_JUNE = local(2025, 6, 10, 10)
REASON = "评价人当日未到窗口办理，系误评"
EVIDENCE = "窗口监控录像（6月10日9:00-12:00）及叫号记录，存档于政务服务中心"


def appeal(d: District, evaluation: Evaluation) -> Appeal:
    return actions.file_appeal(
        actor=d.alice, evaluation=evaluation, reason=REASON, evidence=EVIDENCE
    )


def market_result(d: District) -> UnitResult:
    (result,) = [r for r in monthly_results(2025, 6) if r.unit == d.market]
    return result


@pytest.fixture
def june(district: District) -> tuple[Evaluation, Evaluation]:
    """One bad and one good rating of the market bureau in June 2025."""
    bad = rate(district, decided_case(district, at=IN_JUNE), Level.VERY_DISSATISFIED, at=IN_JUNE)
    good = rate(district, decided_case(district, at=IN_JUNE), Level.VERY_SATISFIED, at=IN_JUNE)
    return bad, good


def test_an_upheld_appeal_excludes_the_rating_from_statistics_visibly_and_audited(
    district: District, june: tuple[Evaluation, Evaluation]
) -> None:
    d = district
    bad, _ = june
    before = market_result(d)
    assert (before.ratings, before.bad, before.rectifications) == (2, 1, 1)

    filed = appeal(d, bad)
    assert filed.status == Appeal.Status.PENDING
    assert (filed.unit, filed.filed_by, filed.evidence) == (d.market, d.alice, EVIDENCE)
    decided = actions.decide_appeal(
        actor=d.olivia, appeal=filed, uphold=True, note="监控显示评价人未到场，申诉成立"
    )

    assert decided.status == Appeal.Status.UPHELD
    assert decided.decided_by == d.olivia
    bad.refresh_from_db()
    assert bad.excluded is True
    assert "申诉成立" in bad.excluded_reason
    # Kept on file, not deleted: the rating and its level are still there.
    assert Evaluation.objects.filter(pk=bad.pk, level=Level.VERY_DISSATISFIED).exists()
    after = market_result(d)
    assert (after.ratings, after.bad, after.very_satisfied) == (1, 0, 1)
    assert after.rectifications == 0
    assert after.satisfaction_rate == 100
    actions_on = {
        event.action: event
        for event in AuditEvent.objects.filter(action__startswith="evaluations.")
    }
    assert actions_on["evaluations.file_appeal"].actor == d.alice
    assert actions_on["evaluations.file_appeal"].reason == REASON
    assert actions_on["evaluations.decide_appeal"].actor == d.olivia
    assert actions_on["evaluations.decide_appeal"].after == {"status": "upheld"}
    exclusion = actions_on["evaluations.exclude_evaluation"]
    assert exclusion.object_id == str(bad.pk)
    assert (exclusion.before, exclusion.after) == ({"excluded": False}, {"excluded": True})
    assert verify_chain() is None


def test_an_upheld_appeal_ends_the_open_work_order_so_it_stops_escalating(
    district: District,
) -> None:
    d = district
    order = bad_order(d, at=IN_JUNE)
    filed = appeal(d, order.evaluation)

    actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=True, note="恶意差评")
    sweep(order.due_at + dt.timedelta(days=10))

    order.refresh_from_db()
    assert order.status == Rectification.Status.WITHDRAWN
    assert order.clock_stopped_at is not None
    assert order.escalation_level == EscalationLevel.NONE
    assert not Escalation.objects.filter(duty_id=str(order.pk)).exists()
    assert "evaluations.withdraw_rectification" in AuditEvent.objects.for_object(order).values_list(
        "action", flat=True
    )
    with pytest.raises(Conflict):
        actions.verify_rectification(actor=d.alice, rectification=order, finding="属实")


def test_an_upheld_appeal_leaves_a_closed_order_as_it_was(district: District) -> None:
    d = district
    order = actions.approve_rectification(
        actor=d.ahead, rectification=awaiting_approval(d, bad_order(d))
    )
    filed = appeal(d, order.evaluation)

    actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=True, note="恶意差评")

    order.refresh_from_db()
    assert order.status == Rectification.Status.CLOSED
    assert order.approved_by == d.ahead


def test_a_rejected_appeal_leaves_the_rating_counted(
    district: District, june: tuple[Evaluation, Evaluation]
) -> None:
    d = district
    bad, _ = june
    filed = appeal(d, bad)

    actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=False, note="证据不足以证明恶意")

    filed.refresh_from_db()
    bad.refresh_from_db()
    assert filed.status == Appeal.Status.REJECTED
    assert bad.excluded is False
    result = market_result(d)
    assert (result.ratings, result.bad, result.rectifications) == (2, 1, 1)
    assert Rectification.objects.get(evaluation=bad).status == Rectification.Status.VERIFYING
    assert not AuditEvent.objects.filter(action="evaluations.exclude_evaluation").exists()


def test_a_second_pending_appeal_is_refused(district: District) -> None:
    d = district
    order = bad_order(d)
    appeal(d, order.evaluation)

    with pytest.raises(Conflict, match="待督查室裁定"):
        actions.file_appeal(
            actor=d.ahead, evaluation=order.evaluation, reason="再次申诉", evidence="同上"
        )

    assert Appeal.objects.count() == 1


def test_an_excluded_rating_cannot_be_appealed_again(district: District) -> None:
    d = district
    order = bad_order(d)
    actions.decide_appeal(
        actor=d.olivia, appeal=appeal(d, order.evaluation), uphold=True, note="成立"
    )

    with pytest.raises(Conflict):
        appeal(d, order.evaluation)


def test_only_the_office_decides(district: District) -> None:
    d = district
    filed = appeal(d, bad_order(d).evaluation)

    for someone in (d.alice, d.ahead, d.bob, d.dora, d.root, None):
        with pytest.raises(PermissionDenied):
            actions.decide_appeal(actor=someone, appeal=filed, uphold=True, note="成立")

    filed.refresh_from_db()
    assert filed.status == Appeal.Status.PENDING


def test_an_appeal_is_decided_once(district: District) -> None:
    d = district
    filed = appeal(d, bad_order(d).evaluation)
    actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=False, note="不成立")

    with pytest.raises(Conflict, match="已于"):
        actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=True, note="改判")

    filed.refresh_from_db()
    assert filed.status == Appeal.Status.REJECTED


def test_only_the_rated_units_staff_appeal(district: District) -> None:
    d = district
    evaluation = bad_order(d).evaluation

    for someone in (d.bob, d.olivia, d.ruth):
        with pytest.raises(PermissionDenied):
            actions.file_appeal(actor=someone, evaluation=evaluation, reason="x", evidence="y")

    assert not Appeal.objects.exists()


@pytest.mark.parametrize(("reason", "evidence"), [("", EVIDENCE), (REASON, "  ")])
def test_an_appeal_needs_a_reason_and_evidence(
    district: District, reason: str, evidence: str
) -> None:
    d = district
    evaluation = bad_order(d).evaluation

    with pytest.raises(ValidationError):
        actions.file_appeal(actor=d.alice, evaluation=evaluation, reason=reason, evidence=evidence)

    assert not Appeal.objects.exists()


def test_a_decision_needs_a_note(district: District) -> None:
    d = district
    filed = appeal(d, bad_order(d).evaluation)

    with pytest.raises(ValidationError):
        actions.decide_appeal(actor=d.olivia, appeal=filed, uphold=True, note="")
