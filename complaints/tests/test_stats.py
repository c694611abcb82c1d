"""The three rates against a hand-counted month, and the records behind each number."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from complaints import actions
from complaints.handling import stats
from complaints.models import Complaint

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


def routed(district, day: int, unit=None) -> Complaint:
    complaint, _ = actions.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="窗口工作人员态度很差，办个证跑了好几趟",
        unit=unit or district.market,
        at=at(day, 9),
    )
    return actions.triage(
        actor=district.olivia, complaint=complaint, category="service", at=at(day, 10)
    )


@pytest.mark.django_db
def test_the_three_rates_match_a_hand_count(district):
    alice = district.alice
    # A: responded on time, answered on time, satisfied.
    a = routed(district, 2)
    actions.respond(actor=alice, complaint=a, note="收到", at=at(2, 15))
    actions.answer(actor=alice, complaint=a, text="已处理", at=at(4))
    actions.record_callback(actor=None, complaint=a, result="satisfied", by_complainant=True)
    # B: responded late (due 3 Nov), answered late (due 9 Nov), dissatisfied.
    b = routed(district, 2)
    actions.respond(actor=alice, complaint=b, note="收到", at=at(5))
    actions.answer(actor=alice, complaint=b, text="已处理", at=at(12))
    actions.record_callback(actor=None, complaint=b, result="dissatisfied", by_complainant=True)
    # C: never responded; both deadlines passed.
    c = routed(district, 3)
    # D: routed on 20 November, nothing due yet: in no denominator.
    routed(district, 20)
    # E: another unit's complaint does not count for the market regulator.
    routed(district, 2, unit=district.hr)

    now = at(23)
    rates = stats.rates_by_unit(NOVEMBER, now=now)[district.market.pk]
    assert rates.routed == 4
    assert (rates.response_numerator, rates.response_denominator) == (1, 3)
    assert (rates.resolution_numerator, rates.resolution_denominator) == (1, 3)
    assert (rates.satisfaction_numerator, rates.satisfaction_denominator) == (1, 2)
    assert rates.rate("satisfaction") == pytest.approx(0.5)

    mine = Complaint.objects.filter(handling_unit=district.market)
    late = stats.records(mine, NOVEMBER, "response", "denominator", now).exclude(
        pk__in=stats.records(mine, NOVEMBER, "response", "numerator", now)
    )
    assert set(late) == {b, c}
    assert stats.records(mine, dt.date(2026, 10, 1), "response", "denominator", now).count() == 0
