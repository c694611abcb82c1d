"""Many people rating or working one record at the same moment (PostgreSQL: SQLite
serialises writers, so these tests skip there).

rate_case locks the case row and re-checks for a rating; the work-order steps lock the order;
appeals lock the rating. Whoever comes second waits, then is told the record has moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import District
from evaluations import actions
from evaluations.models import Appeal, Evaluation, Level, Rectification
from evaluations.sweep import apply_default_ratings
from evaluations.tests.test_rectification import bad_order, decided_case, local
from tests.concurrency import at_once
from zuofeng.audit.chain import verify_chain
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL; SQLite serialises writers")


def test_twenty_simultaneous_ratings_of_one_case_make_one_rating_and_one_order(
    district: District,
) -> None:
    d = district
    case = decided_case(d)

    def rate() -> Evaluation:
        return actions.rate_case(
            actor=None,
            case=case,
            level=Level.VERY_DISSATISFIED,
            source=Evaluation.Source.SMS_LINK,
            comment="办事太慢",
        )

    results, errors = at_once(*[rate for _ in range(20)])

    assert len(results) == 1
    assert len(errors) == 19
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert Evaluation.objects.filter(case=case).count() == 1
    assert Rectification.objects.filter(evaluation__case=case).count() == 1
    assert verify_chain() is None


def test_the_default_sweep_and_the_applicant_rating_at_once_make_one_rating(
    district: District, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_DEFAULT_LEVEL": Level.BASIC}
    d = district
    decided = local(2025, 6, 2, 10)
    case = decided_case(d, at=decided)
    now = local(2025, 6, 12, 10)

    def applicant() -> Evaluation:
        return actions.rate_case(
            actor=d.ruth,
            case=case,
            level=Level.SATISFIED,
            source=Evaluation.Source.APPLICANT_PAGE,
            at=now,
        )

    results, errors = at_once(applicant, lambda: apply_default_ratings(now))

    # The sweep swallows its own conflict; the applicant is told the case is already rated.
    assert len(results) + len(errors) == 2
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert Evaluation.objects.filter(case=case).count() == 1
    assert verify_chain() is None


def test_two_staff_verifying_one_order_at_once_one_wins(district: District) -> None:
    d = district
    order = bad_order(d)

    def verify(who: Any, text: str) -> Callable[[], Rectification]:
        return lambda: actions.verify_rectification(actor=who, rectification=order, finding=text)

    results, errors = at_once(verify(d.alice, "艾丽核实"), verify(d.amy, "艾米核实"))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict)
    order.refresh_from_db()
    assert order.finding == results[0].finding
    assert order.status == Rectification.Status.RECTIFYING


def test_simultaneous_appeals_of_one_rating_leave_one_pending(district: District) -> None:
    d = district
    evaluation = bad_order(d).evaluation

    def file(who: Any) -> Callable[[], Appeal]:
        return lambda: actions.file_appeal(
            actor=who, evaluation=evaluation, reason="误评", evidence="监控录像"
        )

    results, errors = at_once(*[file(who) for who in (d.alice, d.amy, d.ahead) * 2])

    assert len(results) == 1
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert Appeal.objects.filter(status=Appeal.Status.PENDING).count() == 1


def test_two_decisions_of_one_appeal_at_once_one_wins(district: District) -> None:
    d = district
    evaluation = bad_order(d).evaluation
    appeal = actions.file_appeal(
        actor=d.alice, evaluation=evaluation, reason="误评", evidence="监控录像"
    )

    def decide(uphold: bool) -> Callable[[], Appeal]:
        return lambda: actions.decide_appeal(
            actor=d.olivia, appeal=appeal, uphold=uphold, note="裁定"
        )

    results, errors = at_once(decide(True), decide(False))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict)
    appeal.refresh_from_db()
    evaluation.refresh_from_db()
    assert evaluation.excluded is (appeal.status == Appeal.Status.UPHELD)
    assert verify_chain() is None
