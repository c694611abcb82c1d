"""Publishing freezes a month; corrections are new audited versions; heads of units at the
bottom for M consecutive published months are called in, and their commitments run on the
duty clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import actions as cases
from catalog.tests.factories import make_matter
from conftest import District
from scorecard import actions
from scorecard.models import Commitment, Interview, Scorecard
from scorecard.tests.factories import second_office
from scorecard.tests.fixtures import CLOSED, NOVEMBER, NOW, at, build_november, decide, submit
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.sweep import sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_standard")]
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def november(district: District, settings: Any) -> Scorecard:
    build_november(district, settings)
    sweep(NOW)
    return actions.compute_month(actor=district.olivia, month=NOVEMBER, now=CLOSED)


def october_with_market_last(d: District) -> None:
    """HR decides five cases on time, the market five late, in October."""
    for unit, staff, day in ((d.hr, d.bob, 14), (d.market, d.alice, 30)):
        matter = make_matter(unit, promised_limit_days=5)
        for _ in range(5):
            case = submit(d, matter, when=at(12, month=10))
            case = cases.accept_case(actor=staff, case=case, at=at(12, month=10))
            decide(d, case, at(day, month=10), staff=staff)


def test_publishing_freezes_the_month_and_twice_is_refused(
    district: District, november: Scorecard
) -> None:
    oscar = second_office(district)
    actions.publish_scorecard(actor=oscar, scorecard=november)
    with pytest.raises(ValidationError, match="已经发布，不能重复发布"):
        actions.publish_scorecard(actor=oscar, scorecard=november)
    november.refresh_from_db()
    assert november.status == Scorecard.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="scorecard.publish").count() == 1


def test_only_the_office_computes_and_publishes(district: District, november: Scorecard) -> None:
    with pytest.raises(PermissionDenied):
        actions.compute_month(actor=district.ahead, month=NOVEMBER, now=NOW)
    with pytest.raises(PermissionDenied):
        actions.publish_scorecard(actor=district.ahead, scorecard=november)


def test_recomputing_a_draft_replaces_it(district: District, november: Scorecard) -> None:
    again = actions.compute_month(actor=district.olivia, month=NOVEMBER, now=CLOSED)
    assert again.pk == november.pk and again.version == 1
    assert Scorecard.objects.count() == 1


def test_a_correction_needs_a_reason_and_supersedes_the_published_version(
    district: District, november: Scorecard
) -> None:
    oscar = second_office(district)
    actions.publish_scorecard(actor=oscar, scorecard=november)
    with pytest.raises(ValidationError, match="必须填写更正原因"):
        actions.compute_month(actor=district.olivia, month=NOVEMBER, now=CLOSED)
    assert Scorecard.objects.count() == 1

    correction = actions.compute_month(
        actor=district.olivia, month=NOVEMBER, now=CLOSED, reason="纠正一件误转办件"
    )
    assert correction.version == 2 and correction.status == Scorecard.Status.DRAFT
    november.refresh_from_db()
    assert november.status == Scorecard.Status.PUBLISHED  # still the public one until then

    actions.publish_scorecard(actor=oscar, scorecard=correction)
    november.refresh_from_db()
    assert november.status == Scorecard.Status.SUPERSEDED
    event = AuditEvent.objects.get(action="scorecard.supersede")
    assert event.reason == "纠正一件误转办件"
    with pytest.raises(ValidationError, match="已被更正版本取代"):
        actions.publish_scorecard(actor=oscar, scorecard=november)


def test_a_unit_at_the_bottom_for_two_published_months_is_called_in(
    district: District, settings: Any
) -> None:
    # October holds cases only (36 % of the weight): rank it with a lower bar.
    settings.ZUOFENG = {
        **settings.ZUOFENG,
        "INTERVIEW_BOTTOM_N": 1,
        "INTERVIEW_MONTHS": 2,
        "SCORECARD_MIN_VALID_WEIGHT": 30,
    }
    october_with_market_last(district)
    build_november(district, settings)
    sweep(NOW)
    office, oscar = district.olivia, second_office(district)

    october = actions.compute_month(actor=office, month=OCTOBER, now=CLOSED)
    assert october.unit_scores.get(unit=district.market).rank == 2
    actions.publish_scorecard(actor=oscar, scorecard=october)
    assert not Interview.objects.exists()  # one month at the bottom is not enough

    november = actions.compute_month(actor=office, month=NOVEMBER, now=CLOSED)
    actions.publish_scorecard(actor=oscar, scorecard=november)
    interview = Interview.objects.get()
    assert (interview.unit, interview.head, interview.flagged_month) == (
        district.market,
        district.ahead,
        NOVEMBER,
    )
    assert "连续 2 个月" in interview.reason

    # A published correction of the same month does not call the head in twice.
    correction = actions.compute_month(actor=office, month=NOVEMBER, now=CLOSED, reason="复核")
    actions.publish_scorecard(actor=oscar, scorecard=correction)
    assert Interview.objects.count() == 1
    assert AuditEvent.objects.filter(action="interview.flag").count() == 1


def test_the_interviews_commitments_run_on_the_duty_clock(district: District) -> None:
    interview = Interview.objects.create(
        unit=district.market, head=district.ahead, flagged_month=NOVEMBER, reason="测试"
    )
    with pytest.raises(ValidationError, match="承诺时限"):
        actions.record_interview(
            actor=district.olivia, interview=interview, minutes="记录", commitments=[("x", 0)]
        )
    actions.record_interview(
        actor=district.olivia,
        interview=interview,
        minutes="一把手说明了超期原因",
        commitments=[("两周内清理全部超期办件", 10), ("建立每日办件调度", 5)],
        held_at=at(23),
    )
    interview.refresh_from_db()
    assert interview.status == Interview.Status.HELD
    first, second = Commitment.objects.order_by("limit_workdays")
    assert first.clock_started_at == at(23) and first.due_at is not None
    with pytest.raises(ValidationError, match="不能重复记录"):
        actions.record_interview(
            actor=district.olivia, interview=interview, minutes="再记", commitments=[]
        )

    # Past its deadline, a commitment escalates like any duty.
    sweep(at(10, month=12))
    first.refresh_from_db()
    assert first.escalation_level > 0

    with pytest.raises(PermissionDenied):
        actions.complete_commitment(actor=district.bob, commitment=second, note="完成")
    done = actions.complete_commitment(
        actor=district.ahead, commitment=second, note="已建立调度制度", at=at(25)
    )
    assert done.status == Commitment.Status.DONE and done.clock_stopped_at == at(25)
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"interview.hold", "commitment.create", "commitment.complete"} <= actions_logged
