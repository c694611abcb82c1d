"""Daily rollups kept up to date by the actions' saves and the sweep equal a rebuild from
raw rows, whatever happened in between (transfers, decisions, deadlines passing)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from cases import actions as cases
from conftest import District
from scorecard import rollups
from scorecard.models import DailyRollup, DirtyDay
from scorecard.tests.fixtures import NOW, at, build_november, submit
from zuofeng.duty.sweep import sweep

pytestmark = pytest.mark.django_db


def snapshot() -> set[tuple[int, Any, str, int]]:
    return set(DailyRollup.objects.values_list("unit_id", "day", "measure", "value"))


def rebuilt(now: Any) -> set[tuple[int, Any, str, int]]:
    rollups.rebuild(now=now)
    return snapshot()


def test_incremental_rollups_equal_a_rebuild_after_a_month_of_actions(
    district: District, settings: Any
) -> None:
    month = build_november(district, settings)
    sweep(at(9))
    incremental = snapshot()
    assert incremental and not DirtyDay.objects.exists()
    assert incremental == rebuilt(at(9))

    # More work, and deadlines passing with no save at all (c4 turns overdue on 10 Nov).
    c7 = cases.accept_case(actor=district.alice, case=month.cases["c7"], at=at(12))
    cases.decide_case(actor=district.alice, case=c7, approve=True, at=at(13))
    moved = submit(district, month.cases["c1"].matter, when=at(6))
    cases.transfer_case(actor=district.alice, case=moved, to_unit=district.hr, reason="属人社局")
    # A case already rolled up changes unit: the day it left (the mark taken before the change)
    # and the day it arrived (after) must both be recomputed.
    cases.transfer_case(
        actor=district.alice, case=month.cases["c8"], to_unit=district.hr, reason="属人社局"
    )
    sweep(NOW)
    incremental = snapshot()
    assert ("case_overdue", 1) in {(m, v) for u, _, m, v in incremental if u == district.market.pk}
    assert incremental == rebuilt(NOW)


def test_a_transfer_moves_the_count_to_the_new_unit(district: District, settings: Any) -> None:
    month = build_november(district, settings)
    sweep(at(9))
    case = month.cases["c8"]
    cases.transfer_case(actor=district.alice, case=case, to_unit=district.hr, reason="属人社局")
    rollups.refresh(at(9))

    received = dict(
        DailyRollup.objects.filter(
            measure="case_received", day=case.submitted_at.date()
        ).values_list("unit_id", "value")
    )
    # Received on the 16th: c7 stays with the market, c8 moves to HR.
    assert received == {district.market.pk: 1, district.hr.pk: 1}


def test_rebuild_rollups_command_reproduces_the_incremental_numbers(
    district: District, settings: Any
) -> None:
    build_november(district, settings)
    sweep(NOW)
    incremental = snapshot()
    DailyRollup.objects.all().delete()

    with time_machine.travel(NOW, tick=False):
        call_command("rebuild_rollups", "--from", "2026-11-01", "--to", "2026-11-30")

    assert snapshot() == incremental


def test_marking_the_same_day_twice_keeps_one_mark(district: District) -> None:
    rollups.mark_dirty("cases.case", [(district.market.pk, at(2).date())] * 2)
    rollups.mark_dirty("cases.case", [(district.market.pk, at(2).date())])
    assert DirtyDay.objects.count() == 1
