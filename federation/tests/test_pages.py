"""The office's city dashboard, a district's page and the directives page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from federation import refresh
from federation.models import District, FedDirective
from federation.tests.helpers import fill_month

NOW = dt.datetime(2026, 11, 5, 2, tzinfo=dt.UTC)


@pytest.fixture
def city(district, monkeypatch):
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330102")
    monkeypatch.setenv("ZUOFENG_DISTRICT_NAME", "上城区")
    fill_month()
    with time_machine.travel(NOW, tick=False):
        refresh.refresh(timezone.now(), full=True)
    District.objects.create(
        code="330102", name="上城区", base_url="https://sc.example.gov.cn/", added_at=NOW
    )
    monkeypatch.setenv("ZUOFENG_LEVEL", "city")
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330100")
    monkeypatch.setenv("ZUOFENG_DISTRICT_NAME", "示范市")
    return district


@time_machine.travel(NOW, tick=False)
def test_the_office_sees_the_districts_ranked_and_their_sync_state(city):
    page = city.client_for(city.olivia).get(reverse("federation:dashboard") + "?month=2026-10")
    text = page.content.decode()
    assert page.status_code == 200
    assert "区县排名" in text and "上城区" in text
    assert "区市场监督管理局" in text  # a unit in the city's ranking
    if connection.vendor == "postgresql":
        # Listed here but no subscription exists in this test database.
        assert "未订阅" in text
    else:
        assert "正常" in text  # refreshed minutes ago, current contract


@time_machine.travel(NOW + dt.timedelta(hours=2), tick=False)
def test_a_district_silent_for_too_long_is_listed_as_lagging(city):
    text = city.client_for(city.olivia).get(reverse("federation:dashboard")).content.decode()
    assert "1 个区县滞后" in text and "分钟未更新" in text


@time_machine.travel(NOW, tick=False)
def test_a_districts_page_shows_its_figures_and_links_into_its_instance(city):
    url = reverse("federation:district", args=["330102"]) + "?month=2026-10"
    text = city.client_for(city.olivia).get(url).content.decode()
    assert "区县得分" in text
    assert 'href="https://sc.example.gov.cn/rankings/?month=2026-10"' in text


def test_unit_staff_get_404_on_the_city_pages(city):
    client = city.client_for(city.alice)
    assert client.get(reverse("federation:dashboard")).status_code == 404
    assert client.get(reverse("federation:directives")).status_code == 404


def test_an_unknown_district_is_404(city):
    url = reverse("federation:district", args=["999999"])
    assert city.client_for(city.olivia).get(url).status_code == 404


def test_the_city_office_issues_a_directive_to_chosen_districts(city):
    client = city.client_for(city.olivia)
    deadline = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = client.post(
        reverse("federation:directives"),
        {"title": "全市营商环境攻坚", "source": "市政府常务会议", "summary": "压缩开办时间",
         "deadline": deadline, "districts": ["330102"]},
    )  # fmt: skip
    assert response.status_code == 302
    directive = FedDirective.objects.get()
    assert (directive.issuer, directive.districts) == ("330100", ["330102"])
    text = client.get(reverse("federation:directive", args=[directive.pk])).content.decode()
    assert "尚未接收" in text and "上城区" in text


def test_a_district_cannot_issue_directives_downwards(city, monkeypatch):
    monkeypatch.setenv("ZUOFENG_LEVEL", "district")
    client = city.client_for(city.olivia)
    assert "下达新部署" not in client.get(reverse("federation:directives")).content.decode()
    response = client.post(reverse("federation:directives"), {"title": "x"})
    assert response.status_code == 404
