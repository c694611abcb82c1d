"""One demo district and its twelve-month report, shared by the report tests of a class:
built with the clock frozen, rolled back after the class."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from zuofeng.workdays.calendar import LOCAL_TZ

SEED = 3
COUNT = 2000
ANCHOR = dt.date(2025, 6, 16)  # a Monday
NOW = dt.datetime(2025, 6, 16, 10, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The demo district with its report (demo.reports), as the lead's build_demo leaves it."""
    from demo.reports import build_report

    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        call_command(
            "build_demo",
            "--seed",
            str(SEED),
            "--cases",
            str(COUNT),
            "--anchor",
            str(ANCHOR),
            stdout=io.StringIO(),
        )
        report = build_report(ANCHOR, now=NOW)
        yield report
        transaction.set_rollback(True)
