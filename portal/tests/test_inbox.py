"""Every user's inbox shows the notifications the sweep writes (issue 11: notifications go
nowhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import District
from zuofeng.duty.models import Notification

pytestmark = pytest.mark.django_db

Audience = Notification.Audience


def note(
    title: str, audience: str, unit: Any = None, user: Any = None, ago: int = 0
) -> Notification:
    return Notification.objects.create(
        title=title,
        audience=audience,
        unit=unit,
        user=user,
        link="/staff/cases/",
        created_at=timezone.now() - dt.timedelta(minutes=ago),
    )


def test_inbox_lists_the_users_notifications_newest_first(district: District) -> None:
    note("办件 A 黄色预警", Audience.UNIT_STAFF, district.market, ago=30)
    note("办件 B 红色预警", Audience.UNIT_STAFF, district.market, ago=5)
    note("人社局的事", Audience.UNIT_STAFF, district.hr)
    note("超期升级至一把手", Audience.UNIT_HEAD, district.market)
    html = district.client_for(district.alice).get("/inbox/").content.decode()
    assert html.index("办件 B 红色预警") < html.index("办件 A 黄色预警")
    assert "人社局的事" not in html
    assert "超期升级至一把手" not in html  # for the head, not the clerk
    head_html = district.client_for(district.ahead).get("/inbox/").content.decode()
    assert "超期升级至一把手" in head_html and "办件 B 红色预警" in head_html


def test_the_nav_bar_shows_the_unread_count_and_reading_lowers_it(district: District) -> None:
    first = note("办件 A 红色预警", Audience.UNIT_STAFF, district.market)
    note("办件 B 红色预警", Audience.UNIT_STAFF, district.market)
    client = district.client_for(district.alice)
    assert (
        '<span class="tag is-danger is-rounded inbox-badge">2</span>'
        in client.get("/staff/").content.decode()
    )
    response = client.get(f"/inbox/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/staff/cases/"
    assert 'inbox-badge">1<' in client.get("/inbox/").content.decode()
    # Another person of the same unit has still read nothing.
    amy = district.client_for(district.amy).get("/inbox/").content.decode()
    assert 'inbox-badge">2<' in amy


def test_mark_read_and_mark_all_read_are_posts(district: District) -> None:
    one = note("办件 A 红色预警", Audience.UNIT_STAFF, district.market)
    note("办件 B 红色预警", Audience.UNIT_STAFF, district.market)
    client = district.client_for(district.alice)
    assert client.get(f"/inbox/{one.pk}/read/").status_code == 405
    client.post(f"/inbox/{one.pk}/read/")
    assert 'inbox-badge">1<' in client.get("/inbox/").content.decode()
    client.post("/inbox/read-all/")
    html = client.get("/inbox/").content.decode()
    assert "inbox-badge" not in html and "未读</span>" not in html
    # A notification after "all read" is unread again.
    note("办件 C 红色预警", Audience.UNIT_STAFF, district.market, ago=-1)
    assert 'inbox-badge">1<' in client.get("/inbox/").content.decode()


def test_another_units_notification_is_404(district: District) -> None:
    other = note("人社局的事", Audience.UNIT_STAFF, district.hr)
    client = district.client_for(district.alice)
    assert client.get(f"/inbox/{other.pk}/").status_code == 404
    assert client.post(f"/inbox/{other.pk}/read/").status_code == 404


def test_empty_inbox_says_so_and_residents_get_their_own(district: District) -> None:
    html = district.client_for(district.ruth).get("/inbox/").content.decode()
    assert "还没有消息" in html
    note("您的办件已办结", Audience.USER, user=district.ruth)
    html = district.client_for(district.ruth).get("/inbox/").content.decode()
    assert "您的办件已办结" in html
    assert (
        "您的办件已办结" not in district.client_for(district.alice).get("/inbox/").content.decode()
    )


def test_the_office_sees_office_notifications_and_pages_are_paginated(
    district: District,
) -> None:
    for number in range(35):
        note(f"超期升级至督查室 {number:02d}", Audience.OFFICE, district.market, ago=number)
    client = district.client_for(district.olivia)
    first = client.get("/inbox/").content.decode()
    assert "超期升级至督查室 00" in first and "超期升级至督查室 34" not in first
    assert "第 1 / 2 页" in first
    assert "超期升级至督查室 34" in client.get("/inbox/?page=2").content.decode()


def test_the_unread_count_costs_one_query_per_page(district: District) -> None:
    for number in range(5):
        note(f"n{number}", Audience.UNIT_STAFF, district.market)
    client = district.client_for(district.alice)
    client.get("/matters/")  # warm caches
    with CaptureQueriesContext(connection) as queries:
        client.get("/matters/")
    counts = [q["sql"] for q in queries.captured_queries if "duty_notification" in q["sql"]]
    assert len(counts) == 1
