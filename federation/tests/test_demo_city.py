"""`build_demo --city`: the demo district and two fictional neighbours on the city pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from demo.federation import build_city
from federation.models import DirectiveIntake, FedContract, FedTaskProgress
from federation.tests.helpers import fill_month

NOW = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)


@pytest.fixture
def demo_city(district):
    fill_month()
    with time_machine.travel(NOW, tick=False):
        counts = build_city(1, dt.date(2026, 11, 19), now=timezone.now(), months=2)
    return district, counts


def test_the_demo_city_has_three_districts_and_the_citys_directive_arrived(demo_city):
    district, counts = demo_city
    assert counts["city_districts"] == 3
    assert set(FedContract.objects.values_list("district", flat=True)) == {
        "990101", "990102", "990103",
    }  # fmt: skip
    intake = DirectiveIntake.objects.get()
    assert intake.task.unit == district.office
    assert FedTaskProgress.objects.count() == 3


@time_machine.travel(NOW, tick=False)
def test_the_demo_city_dashboard_ranks_the_three_districts_and_says_it_is_a_demo(demo_city):
    district, _ = demo_city
    client = district.client_for(district.olivia)
    text = client.get(reverse("federation:dashboard") + "?month=2026-10").content.decode()
    assert "演示·东湖区" in text and "演示·西山区" in text and "示范区" in text
    assert "SQLite 没有逻辑复制" in text
    assert "1/3" in text and "3/3" in text
