"""The measures registry holds several attributions of one model, each under its own key:
a case counts for the day it was received (`cases.case`) and, for lateness, for the day its
deadline falls (`cases.case.due`); marking a changed case marks both, before and after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from cases import actions as cases
from cases.measures import CASES_BY_DEADLINE
from catalog.tests.factories import make_matter
from conftest import District
from scorecard.models import DirtyDay
from scorecard.tests.fixtures import at, submit
from zuofeng import measures

pytestmark = pytest.mark.django_db


def marks() -> set[tuple[str, int, dt.date]]:
    return set(DirtyDay.objects.values_list("source", "unit_id", "day"))


def test_a_case_has_two_sources_each_with_its_own_key(district: District) -> None:
    matter = make_matter(district.market, name="食品经营许可", promised_limit_days=5)
    case = submit(district, matter, when=at(28, month=10))
    case = cases.accept_case(actor=district.alice, case=case, at=at(28, month=10))

    keys = sorted(source.key for source in measures.source_for(case))
    assert keys == ["cases.case", CASES_BY_DEADLINE]
    assert all(source.label == "cases.case" for source in measures.source_for(case))
    market = district.market.pk
    assert measures.attribution(case) == {
        "cases.case": (market, dt.date(2026, 10, 28)),
        CASES_BY_DEADLINE: (market, dt.date(2026, 11, 4)),
    }
    # Both sources are in the registry under their keys, with their own measures.
    assert measures.SOURCES[CASES_BY_DEADLINE].time_field == "due_at"
    due_codes = {m.code for m in measures.measures_of(measures.SOURCES[CASES_BY_DEADLINE])}
    assert due_codes == {"case_due", "case_due_on_time", "case_due_late", "case_due_overdue"}
    assert "case_received" not in due_codes


def test_a_transfer_marks_both_attributions_before_and_after(district: District) -> None:
    matter = make_matter(district.market, name="食品经营许可", promised_limit_days=5)
    case = submit(district, matter, when=at(28, month=10))
    case = cases.accept_case(actor=district.alice, case=case, at=at(28, month=10))
    DirtyDay.objects.all().delete()

    cases.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="属人社局")

    received, due = dt.date(2026, 10, 28), dt.date(2026, 11, 4)
    market, hr = district.market.pk, district.hr.pk
    assert {
        ("cases.case", market, received),
        ("cases.case", hr, received),
        (CASES_BY_DEADLINE, market, due),
        (CASES_BY_DEADLINE, hr, due),
    } <= marks()


def test_an_unattributed_source_is_left_out_and_a_bare_pair_still_means_the_model_key(
    district: District,
) -> None:
    matter = make_matter(district.market, name="食品经营许可", promised_limit_days=5)
    case = submit(district, matter, when=at(28, month=10))
    case.due_at = None  # no deadline: the deadline source does not count it anywhere
    assert set(measures.attribution(case)) == {"cases.case"}
    DirtyDay.objects.all().delete()

    measures.mark_changed(case, before=(district.hr.pk, dt.date(2026, 10, 1)))

    assert marks() == {
        ("cases.case", district.hr.pk, dt.date(2026, 10, 1)),
        ("cases.case", district.market.pk, dt.date(2026, 10, 28)),
    }


def test_two_different_sources_may_not_share_a_key() -> None:
    taken = measures.SOURCES["cases.case"]
    other = measures.Source("cases.case", "unit", "decided_at", "办件", base=Q(pk=0))
    assert other.key == "cases.case"
    with pytest.raises(ValueError, match=r"cases\.case"):
        measures.register_measure(measures.Measure("test_clash", "冲突", other))
    assert measures.SOURCES["cases.case"] is taken
    assert "test_clash" not in measures.MEASURES
