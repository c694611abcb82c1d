"""Fixtures of the follow-up tests: an overdue case of the market bureau (市场监管局), and a
helper that makes more."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cases import actions as case_actions
from cases.models import Case
from catalog.tests.factories import make_matter
from conftest import District
from org.models import Unit

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=SH)


def accepted_case(d: District, when: dt.datetime, *, unit: Unit | None = None) -> Case:
    """An accepted case of `unit` (the market bureau) with a 5-working-day clock from `when`."""
    unit = unit or d.market
    clerk = d.amy if unit == d.market else d.bob
    case = case_actions.submit_case(
        actor=clerk,
        matter=make_matter(unit, promised_limit_days=5),
        channel=Case.Channel.WINDOW,
        applicant_name="王五",
        applicant_phone="13700002222",
        applicant_id_number="110101197001012222",
        at=when,
    )
    return case_actions.accept_case(actor=clerk, case=case, at=when)


@pytest.fixture
def overdue_case(district: District) -> Any:
    """Accepted on 2026-11-02 with 5 working days: overdue since 2026-11-09."""
    return accepted_case(district, at(2026, 11, 2))
