"""A district fills its published tables from its own rollups, idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from federation import refresh
from federation.models import FedContract, FedRollup, FedUnit
from federation.tests.helpers import fill_month
from scorecard.models import DailyRollup

NOW = dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC)


@pytest.fixture
def filled(district, monkeypatch):
    monkeypatch.setenv("ZUOFENG_DISTRICT_CODE", "330102")
    monkeypatch.setenv("ZUOFENG_DISTRICT_NAME", "上城区")
    fill_month()
    return district


def published_rollups() -> set[tuple]:
    return set(FedRollup.objects.values_list("district", "unit_code", "day", "measure", "value"))


def own_rollups() -> set[tuple]:
    return {
        ("330102", code, day, measure, value)
        for code, day, measure, value in DailyRollup.objects.values_list(
            "unit__code", "day", "measure", "value"
        )
    }


@time_machine.travel(NOW, tick=False)
def test_refresh_publishes_every_rollup_with_the_district_code_and_unit_code(filled):
    written = refresh.refresh(timezone.now())
    assert written["fed_rollup"] == DailyRollup.objects.count() > 0
    assert published_rollups() == own_rollups()
    assert set(FedUnit.objects.values_list("district", "code")) == {
        ("330102", code) for code in ("MKT", "HRS", "QSZ", "DCS", "JJW")
    }
    contract = FedContract.objects.get()
    assert (contract.district, contract.name, contract.version) == ("330102", "上城区", 1)


@time_machine.travel(NOW, tick=False)
def test_a_second_refresh_with_nothing_new_writes_nothing(filled):
    refresh.refresh(timezone.now())
    keys = set(FedRollup.objects.values_list("id", flat=True))
    assert refresh.refresh(timezone.now()) == {}
    assert set(FedRollup.objects.values_list("id", flat=True)) == keys


@time_machine.travel(NOW, tick=False)
def test_a_changed_rollup_is_rewritten_and_a_vanished_one_deleted(filled):
    refresh.refresh(timezone.now())
    changed, gone = DailyRollup.objects.order_by("pk")[:2]
    DailyRollup.objects.filter(pk=changed.pk).update(value=changed.value + 40)
    gone.delete()
    assert refresh.refresh(timezone.now()) == {"fed_rollup": 2}
    assert published_rollups() == own_rollups()


@time_machine.travel(NOW, tick=False)
def test_an_ordinary_refresh_reads_only_recent_days_and_full_reads_all(filled, monkeypatch):
    monkeypatch.setenv("ZUOFENG_FEDERATION_WINDOW_DAYS", "10")
    refresh.refresh(timezone.now())
    assert not FedRollup.objects.filter(day__lt=dt.date(2026, 10, 26)).exists()
    assert FedRollup.objects.filter(day=dt.date(2026, 10, 26)).exists()
    refresh.refresh(timezone.now(), full=True)
    assert published_rollups() == own_rollups()


@time_machine.travel(NOW, tick=False)
def test_the_sweep_publishes_only_once_an_operator_started_the_district(filled):
    assert refresh.sweep_refresh(timezone.now()) == {}
    assert not FedRollup.objects.exists()
    refresh.refresh(timezone.now(), full=True)
    DailyRollup.objects.filter(pk=DailyRollup.objects.order_by("pk").first().pk).update(value=999)
    assert refresh.sweep_refresh(timezone.now()) == {"federation.fed_rollup": 1}


@time_machine.travel(NOW, tick=False)
def test_the_level_above_publishes_nothing_of_its_own(filled, monkeypatch):
    refresh.refresh(timezone.now(), full=True)
    monkeypatch.setenv("ZUOFENG_LEVEL", "city")
    DailyRollup.objects.update(value=1)
    assert refresh.sweep_refresh(timezone.now()) == {}
