"""zuofeng.bulk.insert_rows: the fast path the hotline import, the demo and the rollups write
through (COPY on PostgreSQL, one prepared statement on SQLite) behaves like the ORM."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from org.models import Unit
from scorecard.models import DailyRollup
from zuofeng.bulk import insert_rows

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_rows_go_in_with_defaults_and_read_back_like_orm_rows():
    unit = Unit.objects.create(code="X1", name="测试单位", kind=Unit.Kind.DEPARTMENT)
    day = dt.date(2026, 11, 2)
    insert_rows(
        DailyRollup,
        [
            SimpleNamespace(unit_id=unit.pk, day=day, measure=m, value=v)
            for m, v in [("a", 3), ("b", 0)]
        ],
    )
    assert dict(DailyRollup.objects.values_list("measure", "value")) == {"a": 3, "b": 0}


@pytest.mark.django_db
def test_a_unique_violation_is_djangos_integrity_error_and_inserts_nothing():
    unit = Unit.objects.create(code="X1", name="测试单位", kind=Unit.Kind.DEPARTMENT)
    day = dt.date(2026, 11, 2)
    row = SimpleNamespace(unit_id=unit.pk, day=day, measure="a", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(DailyRollup, [row, SimpleNamespace(**vars(row))])
    assert not DailyRollup.objects.exists()
