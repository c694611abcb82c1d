"""Default rating: a case nobody rated within N natural days (7 by default) may get the level
the district chooses (none by default; some provinces use 基本满意). Default ratings are marked
and can be left out of the statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from evaluations.models import Evaluation, Level, Rectification
from evaluations.stats import monthly_results
from evaluations.sweep import apply_default_ratings
from evaluations.tests.test_rectification import decided_case, local, rate
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.sweep import sweep
from zuofeng.transitions import Conflict

pytestmark = pytest.mark.django_db

DECIDED = local(2025, 6, 2, 10)  # a Monday


@pytest.fixture
def basic_by_default(settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_DEFAULT_LEVEL": Level.BASIC}


def test_the_sweep_gives_basic_to_cases_decided_more_than_7_days_ago(
    district: District, basic_by_default: None
) -> None:
    d = district
    with time_machine.travel(DECIDED, tick=False) as traveller:
        old = decided_case(d)
        traveller.shift(dt.timedelta(days=2))
        recent = decided_case(d)
        traveller.move_to(DECIDED + dt.timedelta(days=7, hours=1))

        result = sweep(timezone.now())

    assert result.counts["evaluations.default_ratings"] == {"default_ratings": 1}
    evaluation = Evaluation.objects.get(case=old)
    assert evaluation.level == Level.BASIC
    assert evaluation.get_level_display() == "基本满意"
    assert evaluation.is_default is True
    assert evaluation.source == Evaluation.Source.DEFAULT
    assert evaluation.rated_by is None
    assert evaluation.unit == d.market
    assert not Evaluation.objects.filter(case=recent).exists()
    event = AuditEvent.objects.for_object(evaluation).get()
    assert event.actor is None and event.after["default"] is True


def test_the_default_sweep_is_idempotent(district: District, basic_by_default: None) -> None:
    d = district
    for _ in range(3):
        decided_case(d, at=DECIDED)
    later = DECIDED + dt.timedelta(days=8)

    assert apply_default_ratings(later) == {"default_ratings": 3}
    assert apply_default_ratings(later) == {}
    assert apply_default_ratings(later + dt.timedelta(days=30)) == {}
    assert Evaluation.objects.filter(is_default=True).count() == 3


def test_the_default_sweep_leaves_rated_and_undecided_cases_alone(
    district: District, basic_by_default: None
) -> None:
    d = district
    rated = decided_case(d, at=DECIDED)
    rate(d, rated, Level.VERY_SATISFIED, at=DECIDED + dt.timedelta(days=1))
    accepted = case_actions.accept_case(
        actor=d.alice,
        case=case_actions.submit_case(
            actor=d.amy,
            matter=make_matter(d.market),
            channel=Case.Channel.WINDOW,
            applicant_name="李四",
            applicant_phone="13900002222",
            applicant_id_number="110101198001012222",
            at=DECIDED,
        ),
        at=DECIDED,
    )

    assert apply_default_ratings(DECIDED + dt.timedelta(days=30)) == {}
    assert Evaluation.objects.get(case=rated).level == Level.VERY_SATISFIED
    assert Evaluation.objects.get(case=rated).is_default is False
    assert not Evaluation.objects.filter(case=accepted).exists()


def test_cases_not_accepted_are_also_rated_by_default(
    district: District, basic_by_default: None
) -> None:
    d = district
    case = case_actions.submit_case(
        actor=d.amy,
        matter=make_matter(d.market),
        channel=Case.Channel.WINDOW,
        applicant_name="李四",
        applicant_phone="13900002222",
        applicant_id_number="110101198001012222",
        at=DECIDED,
    )
    case_actions.refuse_acceptance(
        actor=d.alice, case=case, reason="不属于受理范围", legal_basis="《条例》第三条", at=DECIDED
    )

    assert apply_default_ratings(DECIDED + dt.timedelta(days=8)) == {"default_ratings": 1}


def test_no_default_level_means_no_default_ratings(district: District) -> None:
    decided_case(district, at=DECIDED)

    assert apply_default_ratings(DECIDED + dt.timedelta(days=30)) == {}
    assert not Evaluation.objects.exists()


def test_a_default_rated_case_cannot_be_rated_again(
    district: District, basic_by_default: None
) -> None:
    d = district
    case = decided_case(d, at=DECIDED)
    apply_default_ratings(DECIDED + dt.timedelta(days=8))

    with pytest.raises(Conflict):
        rate(d, case, Level.VERY_DISSATISFIED)


def test_a_bad_default_level_opens_no_rectification(district: District, settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "RATING_DEFAULT_LEVEL": Level.DISSATISFIED}
    decided_case(district, at=DECIDED)

    apply_default_ratings(DECIDED + dt.timedelta(days=8))

    assert Evaluation.objects.get().is_default
    assert not Rectification.objects.exists()


def test_statistics_can_leave_default_ratings_out(
    district: District, basic_by_default: None
) -> None:
    d = district
    decided_case(d, at=DECIDED)
    rate(d, decided_case(d, at=DECIDED), Level.VERY_SATISFIED, at=DECIDED)
    apply_default_ratings(DECIDED + dt.timedelta(days=8))

    (with_defaults,) = monthly_results(2025, 6)
    (without,) = monthly_results(2025, 6, include_defaults=False)

    assert (with_defaults.ratings, with_defaults.basic, with_defaults.very_satisfied) == (2, 1, 1)
    assert with_defaults.satisfaction_rate == 50
    assert (without.ratings, without.basic, without.very_satisfied) == (1, 0, 1)
    assert without.satisfaction_rate == 100
