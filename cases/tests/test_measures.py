"""Unit measures per month: 明进暗不进, buck-passing (推诿), the one-time rule, on-time
completion and overdue cases; each number on the pages links to the cases behind it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.measures import CaseMeasures, measures_by_month, measures_by_unit
from cases.models import Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District
from org import actions as org_actions
from org.roles import Role
from zuofeng.periods import last_months, parse_month

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


MONDAY = at(2026, 11, 2)  # an ordinary working week: 2–6 November 2026
LATER = at(2026, 11, 20)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(LATER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5, online=True)


@pytest.fixture
def receive_only(district: District) -> Matter:
    return make_matter(
        district.market,
        name="特种设备使用登记",
        window_authority=Matter.WindowAuthority.RECEIVE_ONLY,
        online=True,
    )


def submit(
    d: District,
    matter: Matter,
    *,
    when: dt.datetime = MONDAY,
    channel: str = Case.Channel.WINDOW,
    actor: Any = None,
) -> Case:
    return actions.submit_case(
        actor=actor if actor is not None else (d.amy if matter.unit == d.market else d.bob),
        matter=matter,
        channel=channel,
        applicant_name="张三",
        applicant_phone="13800001234",
        applicant_id_number="110101199001011234",
        at=when,
    )


def market_in_november(d: District, now: dt.datetime = LATER) -> CaseMeasures:
    return measures_by_unit(NOVEMBER, now=now)[d.market.pk]


def send_back_and_forth(d: District, case: Case) -> Case:
    """market → hr → market: the hr department sends the case back (推诿)."""
    actions.transfer_case(actor=d.alice, case=case, to_unit=d.hr, reason="属人社局职权", at=MONDAY)
    actions.transfer_case(
        actor=d.bob, case=case, to_unit=d.market, reason="不属于本局职权", at=MONDAY
    )
    case.refresh_from_db()
    return case


# --- the query functions --------------------------------------------------------------------


def test_forwarded_share_counts_window_cases_of_receive_only_matters(
    district: District, matter: Matter, receive_only: Matter
) -> None:
    submit(district, receive_only)  # window, receive-only: forwarded (明进暗不进)
    submit(district, receive_only, channel=Case.Channel.ONLINE, actor=district.ruth)
    submit(district, matter)  # window, authorised: decided at the window

    figures = measures_by_unit(NOVEMBER, now=LATER)[district.market.pk]

    assert figures.received == 3
    assert figures.forwarded == 1
    assert figures.forwarded_share == pytest.approx(1 / 3)


def test_a_return_transfer_counts_as_buck_passing(district: District, matter: Matter) -> None:
    once = submit(district, matter)
    actions.transfer_case(actor=district.alice, case=once, to_unit=district.hr, reason="属人社局")
    once.refresh_from_db()
    assert not once.buck_passing  # one transfer with a reason is normal work

    back = send_back_and_forth(district, submit(district, matter))

    assert back.buck_passing and back.transfers.last().is_return
    figures = measures_by_unit(NOVEMBER, now=LATER)
    assert figures[district.market.pk].buck_passing == 1
    assert figures[district.market.pk].buck_passing_share == 1.0
    assert figures[district.hr.pk].buck_passing == 0 and figures[district.hr.pk].received == 1


def test_two_transfers_count_as_buck_passing_even_without_a_return(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    actions.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="属人社局")
    actions.transfer_case(actor=district.bob, case=case, to_unit=district.town, reason="属镇政府")

    case.refresh_from_db()
    assert case.buck_passing and not case.transfers.filter(is_return=True).exists()
    assert measures_by_unit(NOVEMBER, now=LATER)[district.town.pk].buck_passing == 1


def test_a_second_supplement_request_breaks_the_one_time_rule(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    actions.request_supplement(actor=district.alice, case=case, materials=["营业执照"], at=MONDAY)
    actions.supply_materials(actor=district.alice, case=case, note="已提交", at=MONDAY)
    once = submit(district, matter)
    actions.request_supplement(actor=district.alice, case=once, materials=["租赁合同"], at=MONDAY)

    assert market_in_november(district).repeat_supplement == 0
    actions.request_supplement(actor=district.alice, case=case, materials=["章程"], at=MONDAY)
    assert market_in_november(district).repeat_supplement == 1


def test_on_time_share_compares_the_stop_with_the_deadline(
    district: District, matter: Matter
) -> None:
    on_time = actions.accept_case(actor=district.alice, case=submit(district, matter), at=MONDAY)
    late = actions.accept_case(actor=district.alice, case=submit(district, matter), at=MONDAY)
    submit(district, matter)  # not decided: not in the rate
    actions.decide_case(actor=district.alice, case=on_time, approve=True, at=at(2026, 11, 5))
    actions.decide_case(actor=district.alice, case=late, approve=True, at=at(2026, 11, 12))
    actions.close_case(actor=district.alice, case=on_time, at=at(2026, 11, 13))

    figures = market_in_november(district)

    assert (figures.decided, figures.on_time) == (2, 1)
    assert figures.on_time_share == 0.5


def test_overdue_counts_running_clocks_past_their_deadline_only(
    district: District, matter: Matter
) -> None:
    running = actions.accept_case(actor=district.alice, case=submit(district, matter), at=MONDAY)
    waiting = actions.accept_case(actor=district.alice, case=submit(district, matter), at=MONDAY)
    actions.request_supplement(
        actor=district.alice, case=waiting, materials=["营业执照"], at=MONDAY
    )

    assert market_in_november(district, now=at(2026, 11, 6)).overdue_open == 0
    assert market_in_november(district, now=at(2026, 11, 20)).overdue_open == 1
    assert running.due_at < at(2026, 11, 20)


def test_shares_of_nothing_are_unknown_not_zero() -> None:
    empty = CaseMeasures(unit_id=1, month=NOVEMBER)

    assert empty.forwarded_share is None
    assert empty.buck_passing_share is None
    assert empty.on_time_share is None


def test_months_are_counted_in_local_time(district: District, matter: Matter) -> None:
    submit(district, matter, when=at(2026, 3, 31, 23, 30))  # 15:30 UTC, still March locally
    submit(district, matter, when=at(2026, 4, 1, 0, 10))  # 16:10 UTC on 31 March
    submit(district, matter, when=at(2026, 4, 15))

    months = [dt.date(2026, 4, 1), dt.date(2026, 3, 1), dt.date(2026, 2, 1)]
    figures = measures_by_month(district.market.pk, months, now=LATER)

    assert [m.month for m in figures] == months
    assert [m.received for m in figures] == [2, 1, 0]


def test_last_months_and_month_parsing() -> None:
    assert last_months(dt.date(2026, 1, 15), 3) == [
        dt.date(2026, 1, 1),
        dt.date(2025, 12, 1),
        dt.date(2025, 11, 1),
    ]
    assert len(last_months(dt.date(2026, 11, 20))) == 12
    assert parse_month("2026-02") == dt.date(2026, 2, 1)
    assert parse_month("2026-13") is None and parse_month("") is None


# --- the pages ------------------------------------------------------------------------------


def href_after(html: str, label_pattern: str) -> str:
    match = re.search(label_pattern, html)
    assert match, label_pattern
    return match.group(1).replace("&amp;", "&")


def test_the_units_page_shows_twelve_months_with_the_forwarded_share(
    district: District, matter: Matter, receive_only: Matter, frozen: Any
) -> None:
    submit(district, receive_only)
    submit(district, matter)
    submit(district, matter)

    response = district.client_for(district.alice).get("/staff/cases/measures/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr><th>20") == 12
    assert "2026年11月" in html and "2025年12月" in html
    assert "33.3%" in html
    link = href_after(html, r'<a href="([^"]*flag=forwarded[^"]*)">1</a>')
    assert "month=2026-11" in link and "status=all" in link


def test_each_number_links_to_the_cases_behind_it(
    district: District, matter: Matter, receive_only: Matter, frozen: Any
) -> None:
    forwarded = submit(district, receive_only)
    submit(district, matter)
    submit(district, receive_only, when=at(2026, 10, 20))  # another month
    client = district.client_for(district.alice)

    html = client.get("/staff/cases/measures/").content.decode()
    link = href_after(html, r'<a href="([^"]*flag=forwarded[^"]*month=2026-11[^"]*)">')
    listed = client.get(link).content.decode()

    assert re.findall(r'href="/staff/cases/\d+/">(\d+)</a>', listed) == [forwarded.number]
    assert "窗口只收件转后台" in listed


def test_buck_passing_is_shown_to_the_unit_and_the_office_with_its_chain(
    district: District, matter: Matter, frozen: Any
) -> None:
    case = send_back_and_forth(district, submit(district, matter))
    submit(district, matter)

    office = district.client_for(district.olivia)
    html = office.get("/staff/cases/measures/?month=2026-11").content.decode()

    assert case.number in html
    assert re.search(r"市场监督管理局.*→.*人力资源和社会保障局.*→.*市场监督管理局", html, re.S)
    assert "退回" in html
    link = href_after(html, r'<a href="([^"]*unit=MKT[^"]*flag=buck_passing[^"]*)">1</a>')
    listed = office.get(link).content.decode()
    assert re.findall(r'href="/staff/cases/\d+/">(\d+)</a>', listed) == [case.number]
    assert ">推诿</span>" in listed

    unit_page = district.client_for(district.alice).get("/staff/cases/measures/")
    assert case.number in unit_page.content.decode()
    assert "50.0%" in unit_page.content.decode()  # 1 of the unit's 2 cases


def test_the_office_ranks_units_by_a_chosen_measure(
    district: District, matter: Matter, receive_only: Matter, frozen: Any
) -> None:
    hr_matter = make_matter(district.hr, window_authority=Matter.WindowAuthority.RECEIVE_ONLY)
    submit(district, hr_matter)  # hr: 1 of 1 forwarded
    submit(district, receive_only)
    submit(district, matter)  # market: 1 of 2 forwarded
    office = district.client_for(district.olivia)

    html = office.get("/staff/cases/measures/?month=2026-11&sort=forwarded_share").content.decode()

    rows = re.findall(r"<tr><th>([^<]+)", html)
    assert rows.index(district.hr.name) < rows.index(district.market.name)
    assert "100.0%" in html and "50.0%" in html
    by_received = office.get("/staff/cases/measures/?month=2026-11&sort=received")
    rows = re.findall(r"<tr><th>([^<]+)", by_received.content.decode())
    assert rows.index(district.market.name) < rows.index(district.hr.name)


def test_the_measures_pages_cost_a_fixed_number_of_queries(
    district: District, matter: Matter, frozen: Any
) -> None:
    def cost(user: Any) -> int:
        client = district.client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/cases/measures/").status_code == 200
        return len(queries)

    send_back_and_forth(district, submit(district, matter))
    before = (cost(district.alice), cost(district.olivia))
    for _ in range(4):
        send_back_and_forth(district, submit(district, matter))
        submit(district, make_matter(district.hr))
    org_actions.create_unit(actor=None, code="XJZ", name="新街街道", kind="street")

    assert (cost(district.alice), cost(district.olivia)) == before


def test_people_without_a_unit_or_the_office_get_no_measures(district: District) -> None:
    assert district.client_for(district.ruth).get("/staff/cases/measures/").status_code == 404
    outsider = org_actions.add_person(
        actor=None,
        username="tess",
        full_name="特丝",
        roles=[Role.UNIT_STAFF],
        unit=district.town,
        password="pw-zuofeng-1",
    )
    assert district.client_for(outsider).get("/staff/cases/measures/").status_code == 200


def test_a_units_cases_due_in_a_month_are_found_through_the_unit_deadline_index(
    district: District, matter: Matter
) -> None:
    """The deadline source's query (rollup recomputation and the drill-down of one unit's
    cases due in a month) reads `case_unit_due_idx`, not the whole table."""
    from zuofeng.measures import get_measure

    case = actions.accept_case(actor=district.alice, case=submit(district, matter), at=MONDAY)
    # A year of the unit's cases, each month's deadlines a twelfth of them (copies of one).
    copies = []
    for i in range(600):
        copy = Case.objects.get(pk=case.pk)
        copy.pk, copy.number = None, f"T{i:06d}"
        copy.due_at = case.due_at - dt.timedelta(days=i % 360)
        copies.append(copy)
    Case.objects.bulk_create(copies)
    records = get_measure("case_due_on_time").records(
        district.market.pk, NOVEMBER, dt.date(2026, 12, 1), LATER
    )
    # Unordered, as the rollups' GROUP BY reads it (the default order by receipt would
    # rather walk the receipt index).
    sql, params = records.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE cases_case")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "case_unit_due_idx" in plan, plan
