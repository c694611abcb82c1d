"""推诿 is charged to the unit that passed the case on (issue 11, defect 3): a case sent
白沙镇 → 市场监管局 → 人社局 costs 市场监管局 (its transfer was the case's second), never
人社局, which only received it; the head's drill-down lists the transfer with the chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import actions as cases
from cases.models import Case, Transfer
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from org import actions as org
from org.models import Unit
from org.roles import Role
from scorecard import actions, defaults, rollups
from scorecard.models import DailyRollup, IndicatorScore, Scorecard, Standard
from zuofeng.duty.sweep import sweep
from zuofeng.measures import get_measure
from zuofeng.periods import next_month

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
OCTOBER = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=SH)  # October has ended when it is computed


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=SH)


def apply_online(matter: Matter, when: dt.datetime) -> Case:
    return cases.submit_case(
        actor=None,
        matter=matter,
        channel=Case.Channel.ONLINE,
        applicant_name="张三",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        at=when,
    )


@dataclass
class Chain:
    baisha: Unit
    case: Case
    first: Transfer
    second: Transfer


@pytest.fixture
def chain(district: District) -> Chain:
    """An online application to 白沙镇, sent on to 市场监管局 (7 Oct), which sends it on to
    人社局 (9 Oct): the second transfer of the case, so it is flagged as 推诿."""
    baisha = org.create_unit(
        actor=None, code="BSZ", name="白沙镇人民政府", short_name="白沙镇", kind=Unit.Kind.TOWNSHIP
    )
    clerk = org.add_person(
        actor=None, username="bai", full_name="白晓", roles=[Role.UNIT_STAFF], unit=baisha
    )
    matter = make_matter(baisha, name="个体工商户登记", online=True)
    case = apply_online(matter, at(6))
    first = cases.transfer_case(
        actor=clerk, case=case, to_unit=district.market, reason="属市场监管职责", at=at(7)
    )
    case.refresh_from_db()
    second = cases.transfer_case(
        actor=district.alice, case=case, to_unit=district.hr, reason="涉及用工，转人社", at=at(9)
    )
    case.refresh_from_db()
    return Chain(baisha, case, first, second)


def snapshot() -> set[tuple[int, dt.date, str, int]]:
    return set(DailyRollup.objects.values_list("unit_id", "day", "measure", "value"))


def october_totals(unit: Unit) -> dict[str, int]:
    return rollups.totals(OCTOBER, next_month(OCTOBER), ["transfer_buck_passing"]).get(unit.pk, {})


def test_the_flagged_transfer_is_charged_to_the_unit_that_passed_the_case_on(
    district: District, chain: Chain
) -> None:
    sweep(NOW)
    measure = get_measure("transfer_buck_passing")

    def records(unit: Unit) -> list[Transfer]:
        return list(measure.records(unit.pk, OCTOBER, next_month(OCTOBER), NOW))

    assert chain.case.buck_passing and chain.case.unit == district.hr
    assert records(district.market) == [chain.second]
    assert october_totals(district.market) == {"transfer_buck_passing": 1}
    # 人社局 never handled it; 白沙镇's transfer was the case's first, not yet 推诿.
    assert records(district.hr) == [] and october_totals(district.hr) == {}
    assert records(chain.baisha) == [] and october_totals(chain.baisha) == {}


def test_a_return_to_a_unit_that_had_the_case_is_charged_to_the_unit_sending_it_back(
    district: District, chain: Chain
) -> None:
    back = cases.transfer_case(
        actor=district.bob, case=chain.case, to_unit=district.market, reason="不属本局", at=at(12)
    )
    sweep(NOW)

    assert back.is_return
    assert october_totals(district.hr) == {"transfer_buck_passing": 1}
    assert october_totals(district.market) == {"transfer_buck_passing": 1}


def test_rollups_kept_by_transfer_case_equal_a_rebuild(district: District, chain: Chain) -> None:
    sweep(NOW)
    incremental = snapshot()
    rollups.rebuild(now=NOW)

    assert incremental == snapshot()
    charged = {(u, day, v) for u, day, m, v in incremental if m == "transfer_buck_passing"}
    assert charged == {(district.market.pk, dt.date(2026, 10, 9), 1)}


def compute_october(district: District) -> Scorecard:
    return actions.compute_month(actor=district.olivia, month=OCTOBER, now=NOW)


def buck_passing_score(scorecard: Scorecard, unit: Unit) -> IndicatorScore:
    return IndicatorScore.objects.get(
        unit_score__scorecard=scorecard, unit_score__unit=unit, indicator__code="buck_passing"
    )


def test_the_default_standard_charges_buck_passing_per_transfer_to_the_passing_unit(
    district: District, chain: Chain
) -> None:
    scorecard = compute_october(district)

    indicator = buck_passing_score(scorecard, district.market).indicator
    assert indicator.numerator_measure == "transfer_buck_passing"
    assert buck_passing_score(scorecard, district.market).numerator == 1
    assert buck_passing_score(scorecard, district.hr).numerator == 0


def test_the_drill_down_lists_the_transfer_with_the_chain_and_reasons(
    district: District, chain: Chain
) -> None:
    score = buck_passing_score(compute_october(district), district.market)
    office = district.client_for(district.olivia)

    response = office.get(reverse("scorecard:drill_down", args=[score.pk]), {"part": "numerator"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    (row,) = response.context["rows"]
    link, cells = row
    assert link == reverse("cases:staff_detail", args=[chain.case.pk])
    market, hr = district.market, district.hr
    market_name = market.short_name or market.name
    assert cells[0] == chain.case.number
    assert cells[3] == f"{market_name} → {hr.short_name or hr.name}"
    assert cells[4] == "第 2 次转办"
    page = response.content.decode()
    assert f"2026-10-07 白沙镇 → {market_name}（属市场监管职责）" in page
    assert f"{market_name} → {hr.short_name or hr.name}（涉及用工，转人社）  ← 本次" in page
    assert "张三" not in page and "13800001234" not in page


def test_the_passing_units_head_sees_the_chain_but_no_dead_link_to_a_case_it_no_longer_holds(
    district: District, chain: Chain
) -> None:
    checker = org.add_person(
        actor=None,
        username="oscar",
        full_name="欧思",
        roles=[Role.SUPERVISOR],
        unit=district.office,
    )
    scorecard = actions.publish_scorecard(
        actor=checker, scorecard=compute_october(district), now=NOW
    )
    head = district.client_for(district.ahead)
    score = buck_passing_score(scorecard, district.market)

    response = head.get(reverse("scorecard:drill_down", args=[score.pk]))

    ((link, cells),) = response.context["rows"]
    assert cells[0] == chain.case.number and "（涉及用工，转人社）" in cells[5]
    # The case is 人社局's now: the market's staff could not open it (404), so no link.
    detail = reverse("cases:staff_detail", args=[chain.case.pk])
    assert head.get(detail).status_code == 404
    assert link == "" and detail not in response.content.decode()


def test_the_drill_down_loads_the_chains_without_a_query_per_transfer(
    district: District, chain: Chain
) -> None:
    score = buck_passing_score(compute_october(district), district.market)
    office = district.client_for(district.olivia)
    url = reverse("scorecard:drill_down", args=[score.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    one = queries()
    for day in (13, 14):  # two more cases the market passes on a second time
        case = apply_online(chain.case.matter, at(day))
        clerk = chain.first.actor
        cases.transfer_case(
            actor=clerk, case=case, to_unit=district.market, reason="转", at=at(day)
        )
        cases.transfer_case(
            actor=district.alice, case=case, to_unit=district.hr, reason="再转", at=at(day, 11)
        )

    assert office.get(url).context["page"].paginator.count == 3
    assert queries() == one


def test_a_published_default_standard_is_revised_from_the_next_month_not_edited(
    district: District, chain: Chain
) -> None:
    standard = Standard.objects.get(effective_from=defaults.DEFAULT_STANDARD["effective_from"])
    standard.indicators.filter(code="buck_passing").update(numerator_measure="case_buck_passing")
    Scorecard.objects.create(
        month=OCTOBER, standard=standard, status=Scorecard.Status.PUBLISHED, computed_at=NOW
    )

    defaults.revise(
        apps,
        "buck_passing",
        "推诿率按转出单位计。",
        numerator_measure=defaults.BUCK_PASSING_MEASURE,
    )

    old = standard.indicators.get(code="buck_passing")
    assert old.numerator_measure == "case_buck_passing"  # frozen: left as published
    revised = Standard.objects.get(effective_from=dt.date(2026, 11, 1))
    assert revised.indicators.count() == standard.indicators.count()
    assert revised.indicators.get(code="buck_passing").numerator_measure == (
        "transfer_buck_passing"
    )
    assert "2026年11月起修订" in revised.note
