"""A raiser's name and phone never reach the unit that owns the problem: problems taken
through every state (open, reported, returned, closed, overdue after the sweep), then, as
each person of the unit, every page reachable by links from their workbench and the problem
pages is fetched and searched for the markers, whole and masked."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from complaints.identity import Identity
from conftest import PASSWORD
from problems import actions
from tests.test_identity_never_leaks import crawl
from zuofeng.duty.models import Notification
from zuofeng.duty.sweep import sweep
from zuofeng.masking import mask_name, mask_phone

TZ = ZoneInfo("Asia/Shanghai")
NAME = "隐名反映人"
PHONE = "19999990042"
MARKERS = [NAME, PHONE, mask_name(NAME), mask_phone(PHONE), PHONE[-8:]]


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


@pytest.fixture
def planted(district: Any) -> list[Any]:
    raiser = Identity(name=NAME, phone=PHONE)

    def open_(title: str) -> Any:
        problem, _ = actions.open_problem(
            actor=district.olivia,
            source=district.town,
            unit=district.market,
            title=title,
            description="群众在座谈会上反映的问题，希望尽快解决",
            raised_by=raiser,
            deadline_workdays=5,
            at=at(2),
        )
        return problem

    reported, returned, closed, overdue = (open_(f"问题{i}") for i in "甲乙丙丁")
    actions.report_problem(reported, actor=district.alice, report="已办理", at=at(4))
    actions.report_problem(returned, actor=district.alice, report="已办理", at=at(4))
    actions.record_callback(
        returned, actor=district.olivia, result="dissatisfied", note="没改", at=at(5)
    )
    actions.report_problem(closed, actor=district.alice, report="已办理", at=at(4))
    actions.record_callback(closed, actor=district.olivia, result="satisfied", at=at(5))
    sweep(at(20))
    return [reported, returned, closed, overdue]


@pytest.mark.django_db
def test_no_page_of_the_owner_unit_carries_the_raiser(district: Any, planted: Any) -> None:
    for person in (district.alice, district.ahead, district.amy):
        client = Client()
        assert client.login(username=person.username, password=PASSWORD)
        pages = crawl(client, "/staff/") | crawl(client, "/staff/problems/")
        pages |= {
            f"/staff/problems/{p.pk}/": client.get(f"/staff/problems/{p.pk}/").content
            for p in planted
        }
        assert any(b"/staff/problems/" in body for body in pages.values())
        for url, body in pages.items():
            text = body.decode("utf-8", "ignore")
            assert not [m for m in MARKERS if m in text], (person.username, url)


@pytest.mark.django_db
def test_notifications_to_the_unit_carry_no_raiser(district: Any, planted: Any) -> None:
    titles = Notification.objects.filter(unit=district.market).values_list("title", flat=True)
    assert titles and not [t for t in titles for m in MARKERS if m in t]


@pytest.mark.django_db
def test_the_office_can_reveal_it_so_the_markers_are_real(district: Any, planted: Any) -> None:
    assert actions.reveal_raiser(planted[0], actor=district.olivia).phone == PHONE
