"""The one demo build the cases, ratings and complaints tests share.

Each of those test classes reads the same district: SEED with COUNT historical cases before
ANCHOR (a Monday), built with the clock frozen at NOW so that the live records and the
sweep are reproducible, and rolled back after the class. The constants are imported by the
tests that compare against them.
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

from zuofeng.workdays.calendar import LOCAL_TZ

SEED = 3
COUNT = 2000
ANCHOR = dt.date(2025, 6, 16)  # a Monday
NOW = dt.datetime(2025, 6, 16, 10, 30, tzinfo=LOCAL_TZ)
CUTOFF = dt.datetime(2025, 6, 16, tzinfo=LOCAL_TZ)  # the history ends before the anchor


def run(*args: str) -> str:
    """A management command's output."""
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """build_demo's output; the district stays in the database for the class."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        yield run("build_demo", "--seed", str(SEED), "--cases", str(COUNT), "--anchor", str(ANCHOR))
        transaction.set_rollback(True)
