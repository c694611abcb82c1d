"""The demo's twelve scorecards: eleven published months and a draft, computed from the
rollups of the bulk-loaded year, with the planted slow unit near the bottom of the
departments.

One build shared by the module (rolled back afterwards), with the clock frozen, as in the
other demo tests.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from demo.data import SLOW_UNIT
from scorecard.models import Scorecard, UnitScore
from zuofeng.workdays.calendar import LOCAL_TZ

SEED = 5
COUNT = 12000
ANCHOR = dt.date(2025, 6, 16)
NOW = dt.datetime(2025, 6, 16, 10, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="class")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """build_demo's output."""
    out = io.StringIO()
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), transaction.atomic():
        call_command(
            "build_demo",
            "--seed",
            str(SEED),
            "--cases",
            str(COUNT),
            "--anchor",
            str(ANCHOR),
            stdout=out,
        )
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("built")
class TestDemoScorecards:
    def test_twelve_months_the_last_one_a_draft(self, built: str) -> None:
        statuses = list(Scorecard.objects.order_by("month").values_list("month", "status"))
        assert len(statuses) == 12
        assert "考核月份 12 个（已发布 11 个）" in built
        assert statuses[-1] == (dt.date(2025, 6, 1), Scorecard.Status.DRAFT)
        assert {s for _, s in statuses[:-1]} == {Scorecard.Status.PUBLISHED}

    def test_the_slow_unit_ranks_in_the_bottom_of_the_departments(self) -> None:
        published = UnitScore.objects.filter(
            scorecard__status=Scorecard.Status.PUBLISHED, unit__code=SLOW_UNIT, rank__gt=0
        )
        bottom = [s for s in published if s.rank > s.group_size - 3]
        assert len(published) == 11
        assert len(bottom) >= 9, [(s.rank, s.group_size) for s in published]
