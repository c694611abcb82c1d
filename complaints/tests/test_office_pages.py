"""The office's overview pages of complaints: hot spots, the three rates with their
drill-down, and the export (which, like every page a unit can reach, carries no identity)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from complaints import actions
from complaints.models import Complaint
from complaints.tests.test_staff_pages import (
    ATTITUDE,
    BRIBE,
    TZ,
    assert_no_identity,
    file,
    html,
    routed,
    workbook_text,
)
from conftest import District

pytestmark = pytest.mark.django_db


# --- hot spots ------------------------------------------------------------------------------------


def test_hot_spots_group_near_duplicates_for_the_office(district: District) -> None:
    first = file(district)
    second = file(district, text=ATTITUDE + "。")
    lone = file(district, text="青石镇的路灯坏了好几个月没人修", unit=district.town)
    second.refresh_from_db()
    assert second.cluster_id is not None
    page = html(district.client_for(district.olivia).get("/staff/complaints/hot-spots/"))
    assert first.number in page and second.number in page and lone.number not in page
    assert "同类举报 2 件" in page
    alice = district.client_for(district.alice)
    assert alice.get("/staff/complaints/hot-spots/").status_code == 404


# --- the three rates ----------------------------------------------------------------------------


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


@pytest.fixture
def november(district: District) -> dict[str, Complaint]:
    """The month of complaints/tests/test_stats.py, through the actions."""
    alice = district.alice

    def make(day: int, unit: Any = None) -> Complaint:
        return routed(district, unit=unit or district.market, at=at(day, 9), triage_at=at(day))

    a = make(2)
    actions.respond(actor=alice, complaint=a, note="收到", at=at(2, 15))
    actions.answer(actor=alice, complaint=a, text="已处理", at=at(4))
    actions.record_callback(actor=None, complaint=a, result="satisfied", by_complainant=True)
    b = make(2)
    actions.respond(actor=alice, complaint=b, note="收到", at=at(5))
    actions.answer(actor=alice, complaint=b, text="已处理", at=at(12))
    actions.record_callback(actor=None, complaint=b, result="dissatisfied", by_complainant=True)
    c = make(3)
    d = make(20)
    e = make(2, unit=district.hr)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def rate_links(page: str) -> list[tuple[str, str]]:
    """(url, number) of every drill-down link in the rates table."""
    return [
        (url.replace("&amp;", "&"), number)
        for url, number in re.findall(r'<a href="(/staff/complaints/\?[^"]+)"[^>]*>(\d+)</a>', page)
    ]


def listed_count(client: Client, url: str) -> int:
    page = html(client.get(url))
    found = re.search(r"共 (\d+) 件", page)
    return int(found.group(1)) if found else 0


@time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=TZ), tick=False)
def test_the_rates_page_numbers_agree_with_their_lists(
    district: District, november: dict[str, Complaint]
) -> None:
    olivia = district.client_for(district.olivia)
    page = html(olivia.get("/staff/complaints/rates/", {"month": "2026-11"}))
    market_row = page[page.index(district.market.name) :].split("</tr>")[0]
    assert "33.3%" in market_row and "50.0%" in market_row
    assert "(<a" in market_row
    links = rate_links(page)
    assert links
    for url, number in links:
        assert listed_count(olivia, url) == int(number), url
    # The satisfied complaint is the satisfaction numerator of the market regulator.
    satisfied = next(
        url for url, _ in rate_links(market_row) if "satisfaction" in url and "numerator" in url
    )
    listing = html(olivia.get(satisfied))
    assert november["a"].number in listing and november["b"].number not in listing


@time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=TZ), tick=False)
def test_a_unit_sees_only_its_own_row_and_its_lists_agree(
    district: District, november: dict[str, Complaint]
) -> None:
    alice = district.client_for(district.alice)
    page = html(alice.get("/staff/complaints/rates/", {"month": "2026-11"}))
    assert district.market.name in page and district.hr.name not in page
    for url, number in rate_links(page):
        assert listed_count(alice, url) == int(number), url
    bob = district.client_for(district.bob)
    for url, _ in rate_links(page):
        assert november["a"].number not in html(bob.get(url))


def test_bad_drill_down_parameters_are_reported_and_ignored(district: District) -> None:
    routed(district)
    page = html(
        district.client_for(district.alice).get(
            "/staff/complaints/", {"month": "2026-11", "measure": "bogus", "part": "numerator"}
        )
    )
    assert "参数无效" in page


# --- export ---------------------------------------------------------------------------------------


def test_the_export_has_the_filtered_list_and_no_identity(district: District) -> None:
    mine = routed(district)
    theirs = routed(district, unit=district.hr)
    integrity = routed(district, BRIBE, category="integrity")
    alice_export = district.client_for(district.alice).get("/staff/complaints/export.xlsx")
    assert alice_export.status_code == 200
    assert alice_export["Content-Type"].startswith("application/vnd.openxmlformats")
    text = workbook_text(alice_export.content)
    assert mine.number in text and theirs.number not in text and integrity.number not in text
    assert "举报内容" in text.splitlines()[0]
    assert_no_identity(text)

    olivia = district.client_for(district.olivia)
    everything = workbook_text(olivia.get("/staff/complaints/export.xlsx").content)
    assert all(c.number in everything for c in (mine, theirs, integrity))
    assert_no_identity(everything)
    filtered = workbook_text(olivia.get("/staff/complaints/export.xlsx?unit=HRS").content)
    assert theirs.number in filtered and mine.number not in filtered
